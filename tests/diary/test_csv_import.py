"""Daily CSV import (diary.csv_import): exact round trips, line-numbered errors, atomicity,
idempotency, and the mapping from CSV rows to attacks, doses and days."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import csv_export, csv_import, scales, services
from diary.days import patient_today, patient_zone
from diary.models import Day, Dose, HeadacheAttack, Medication

pytestmark = pytest.mark.django_db

HEADER = ",".join(csv_export.COLUMNS)
EXAMPLE = (
    "date,headache,headache_peak,headache_hours,migraine_features,acute_medication,stress,"
    "sleep_hours,sleep_quality,body_pain,notes\n"
    "2026-03-01,1,7,9,unilateral;pulsating;photophobia;nausea,sumatriptan|triptan,3,6.5,2,"
    "neck:5;upper_back:4,after deadline\n"
    "2026-03-02,0,,,,,2,7.5,4,neck:2,\n"
)


def snapshot(patient):
    """Every diary row of a patient with its version: proves 'nothing written'."""
    return (
        sorted(Day.objects.filter(patient=patient).values_list("date", "version", "deleted_at")),
        sorted(
            (str(pk), v, d)
            for pk, v, d in HeadacheAttack.objects.filter(patient=patient).values_list(
                "id", "version", "deleted_at"
            )
        ),
        sorted(
            (str(pk), v, d)
            for pk, v, d in Dose.objects.filter(patient=patient).values_list(
                "id", "version", "deleted_at"
            )
        ),
        Medication.objects.filter(patient=patient).count(),
    )


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def errors_of(report):
    return [str(problem) for problem in report.errors]


def test_the_example_becomes_one_attack_from_four_in_the_morning_with_its_dose(alice):
    csv_import.import_csv(alice, EXAMPLE)
    attack = HeadacheAttack.objects.get(patient=alice)
    local_start = attack.started_at.astimezone(patient_zone(alice))
    assert (local_start.date(), local_start.time()) == (date(2026, 3, 1), time(4))
    assert attack.ended_at - attack.started_at == timedelta(hours=9)
    assert attack.peak_intensity == 7
    assert set(attack.features) == {"unilateral", "pulsating", "photophobia", "nausea"}
    dose = Dose.objects.get(patient=alice)
    assert (dose.medication.name, dose.medication.med_class) == ("sumatriptan", "triptan")
    assert dose.attack_id == attack.pk and dose.date == date(2026, 3, 1)


def test_the_example_fills_the_day_records(alice):
    csv_import.import_csv(alice, EXAMPLE)
    first, second = Day.objects.filter(patient=alice).order_by("date")
    assert (first.headache, first.stress, first.total_sleep_min, first.sleep_quality) == (
        True,
        3,
        390,
        2,
    )
    assert first.pain_map == {"neck": 5, "upper_back": 4}
    assert first.notes == "after deadline"
    assert (second.headache, second.stress, second.total_sleep_min) == (False, 2, 450)


# --- round trips -------------------------------------------------------------------------------


def test_export_then_import_into_another_account_round_trips(alice, bob):
    zone = patient_zone(alice)
    services.day_upsert(
        patient=alice,
        date=date(2026, 3, 1),
        stress=6,
        bedtime=time(23, 10),
        sleep_latency_min=20,
        waso_min=15,
        final_wake=time(6, 40),
        rise_time=time(7),
        sleep_quality=3,
        body_pain={"hip_left": 2, "neck": 4},
        notes="école, café",
    )
    start = datetime(2026, 3, 2, 20, 30, tzinfo=zone)
    services.attack_upsert(
        patient=alice,
        started_at=start,
        ended_at=start + timedelta(hours=30, minutes=7),
        peak_intensity=9,
        unilateral=True,
        vomiting=True,
    )
    text = csv_export.export_csv(alice)
    report = csv_import.import_csv(bob, text)
    assert report.ok, errors_of(report)
    assert csv_export.export_csv(bob) == text


def test_reimporting_your_own_export_changes_nothing(alice):
    zone = patient_zone(alice)
    services.day_upsert(patient=alice, date=date(2026, 3, 1), stress=6, bedtime=time(23))
    start = datetime(2026, 3, 1, 18, tzinfo=zone)
    attack, _ = services.attack_upsert(
        patient=alice, started_at=start, ended_at=start + timedelta(hours=14), peak_intensity=6
    )
    services.dose_upsert(
        patient=alice,
        medication=services.medication_for_name(patient=alice, name="Naproxen", med_class="nsaid"),
        attack=attack,
        taken_at=start + timedelta(hours=1),
    )
    before = snapshot(alice)
    report = csv_import.import_csv(alice, csv_export.export_csv(alice))
    assert report.ok and report.unchanged == 2 and report.created == report.updated == 0
    assert snapshot(alice) == before


def test_importing_the_same_file_twice_creates_no_duplicates_and_bumps_no_versions(alice):
    csv_import.import_csv(alice, EXAMPLE)
    before = snapshot(alice)
    report = csv_import.import_csv(alice, EXAMPLE)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot(alice) == before


def test_reimporting_an_unchanged_file_reads_the_diary_once(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [f"2026-03-{day:02d},1,5,2,,ibu|nsaid,3,7,4,neck:2,note" for day in range(1, 29)]
    assert csv_import.import_csv(alice, csv_text(*rows)).created == 28
    with CaptureQueriesContext(connection) as queries:
        assert csv_import.import_csv(alice, csv_text(*rows)).unchanged == 28
    selects = [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(selects) <= 8


def _hours_text(minutes):
    """Independent canonical hours: two decimals at most, no trailing zeros."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text


@st.composite
def csv_rows(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    offsets = draw(
        st.lists(st.integers(0, 400), min_size=count, max_size=count, unique=True).map(sorted)
    )
    rows = []
    for offset in offsets:
        day = date(2025, 6, 1) + timedelta(days=offset)
        meds = ";".join(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(
                            ["sumatriptan", "ibuprofen", "Paracetamol 500", "'=x", "''@y"]
                        ),
                        st.sampled_from(scales.MEDICATION_CLASS_CODES),
                    ).map(lambda pair: f"{pair[0]}|{pair[1]}"),
                    max_size=3,
                )
            )
        )
        attack = draw(st.booleans())
        headache = "1" if attack else draw(st.sampled_from(["", "0", "1"]))
        if any(f"|{code}" in meds for code in scales.MIGRAINE_SPECIFIC_CLASSES):
            headache = "1"  # a migraine-specific drug makes a migraine day (derive)
        if attack:  # a headache under 30 minutes counts only when treated (derive)
            peak = str(draw(st.integers(0, 10)))
            hours = _hours_text(draw(st.integers(1 if meds else 30, 23 * 60)))
            features = ";".join(code for code in csv_export.FEATURE_ORDER if draw(st.booleans()))
        else:
            peak = hours = features = ""
        optional_int = lambda low, high: st.one_of(  # noqa: E731
            st.just(""), st.integers(low, high).map(str)
        )
        stress = draw(optional_int(0, 10))
        sleep = draw(st.one_of(st.just(""), st.integers(0, 24 * 60).map(_hours_text)))
        quality = draw(optional_int(1, 5))
        pain = ";".join(
            f"{code}:{draw(st.integers(1, 10))}"
            for code in scales.PAIN_AREA_CODES
            if draw(st.integers(0, 4)) == 0
        )
        notes = draw(
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                max_size=40,
            )
            | st.sampled_from(["=1+1", "'=1+1", "''-2", "@SUM(A1)", "+x", "'plain", "'"])
        )
        if notes.lstrip("'")[:1] in ("=", "+", "-", "@"):
            notes = "'" + notes  # the canonical (neutralised) form of a formula-like note
        row = [day.isoformat(), headache, peak, hours, features, meds, stress, sleep, quality]
        rows.append([*row, pain, notes])
    return rows


def _as_csv(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_export.COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=csv_rows())
def test_any_canonical_file_imports_and_exports_to_the_same_text(alice, rows):
    HeadacheAttack.objects.filter(patient=alice).delete()
    Dose.objects.filter(patient=alice).delete()
    Day.objects.filter(patient=alice).delete()
    Medication.objects.filter(patient=alice).delete()
    text = _as_csv(rows)
    report = csv_import.import_csv(alice, text)
    assert report.ok, errors_of(report)
    assert csv_export.export_csv(alice) == text
    assert csv_import.import_csv(alice, text).unchanged == len(rows)


def test_columns_in_another_order_import_the_same_diary(alice, bob):
    lines = EXAMPLE.splitlines()
    header = lines[0].split(",")
    order = list(reversed(range(len(header))))
    import csv
    import io

    rows = list(csv.reader(io.StringIO(EXAMPLE)))
    shuffled = _as_rows([[row[i] for i in order] for row in rows])
    assert csv_import.import_csv(alice, shuffled).ok
    assert csv_export.export_csv(alice) == EXAMPLE


def _as_rows(rows):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def test_a_utf8_bom_and_crlf_line_endings_are_accepted(alice):
    text = "\ufeff" + EXAMPLE.replace("\n", "\r\n")
    assert csv_import.import_csv(alice, text).ok
    assert csv_export.export_csv(alice) == EXAMPLE


def test_non_canonical_spellings_are_accepted_and_exported_canonically(alice):
    text = csv_text(
        "2026-03-01, 1 ,7.0,9.50,Nausea; unilateral;,Ibuprofen | NSAID,3,6.50,2,"
        "upper_back:4;neck:5,"
    )
    report = csv_import.import_csv(alice, text)
    assert report.ok, errors_of(report)
    assert csv_export.export_csv(alice).splitlines()[1] == (
        "2026-03-01,1,7,9.5,unilateral;nausea,Ibuprofen|nsaid,3,6.5,2,neck:5;upper_back:4,"
    )


# --- updates and partial files ------------------------------------------------------------------


def test_a_changed_row_updates_the_same_attack_and_dose(alice):
    csv_import.import_csv(alice, EXAMPLE)
    attack_id = HeadacheAttack.objects.get(patient=alice).pk
    changed = EXAMPLE.replace("2026-03-01,1,7,9,", "2026-03-01,1,8,10,")
    report = csv_import.import_csv(alice, changed)
    assert (report.updated, report.unchanged) == (1, 1)
    attack = HeadacheAttack.objects.get(patient=alice)
    assert attack.pk == attack_id and attack.peak_intensity == 8 and attack.version == 2
    assert Dose.objects.get(patient=alice).attack_id == attack_id
    assert csv_export.export_csv(alice) == changed


def test_emptying_the_headache_cells_removes_the_imported_attack(alice):
    csv_import.import_csv(alice, EXAMPLE)
    changed = EXAMPLE.replace(
        "2026-03-01,1,7,9,unilateral;pulsating;photophobia;nausea,sumatriptan|triptan",
        "2026-03-01,0,,,,",
    )
    assert csv_import.import_csv(alice, changed).ok
    assert not HeadacheAttack.objects.filter(patient=alice, deleted_at__isnull=True).exists()
    assert not Dose.objects.filter(patient=alice, deleted_at__isnull=True).exists()
    assert csv_export.export_csv(alice) == changed


def test_a_changed_row_replaces_app_entered_attacks_starting_that_day(alice):
    zone = patient_zone(alice)
    start = datetime(2026, 3, 1, 15, tzinfo=zone)
    app_attack, _ = services.attack_upsert(
        patient=alice, started_at=start, ended_at=start + timedelta(hours=2), peak_intensity=4
    )
    assert csv_import.import_csv(alice, EXAMPLE).ok
    app_attack.refresh_from_db()
    assert app_attack.deleted_at is not None
    assert csv_export.export_csv(alice) == EXAMPLE


def test_columns_missing_from_the_file_are_left_alone(alice):
    services.day_upsert(
        patient=alice, date=date(2026, 3, 1), stress=2, sleep_quality=4, body_pain={"neck": 3}
    )
    report = csv_import.import_csv(alice, "date,stress\n2026-03-01,7\n")
    assert report.ok
    assert any("left as they are" in str(w) for w in report.warnings)
    day = Day.objects.get(patient=alice)
    assert (day.stress, day.sleep_quality, day.pain_map) == (7, 4, {"neck": 3})


def test_an_unchanged_sleep_time_keeps_the_sleep_diary_items(alice):
    services.day_upsert(
        patient=alice,
        date=date(2026, 3, 1),
        bedtime=time(23),
        final_wake=time(7),
        rise_time=time(7, 30),
        stress=1,
    )
    assert csv_import.import_csv(alice, "date,sleep_hours,stress\n2026-03-01,8,5\n").ok
    day = Day.objects.get(patient=alice)
    assert (day.bedtime, day.total_sleep_min, day.stress) == (time(23), 480, 5)


def test_a_different_sleep_time_replaces_the_sleep_diary_items(alice):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), bedtime=time(23), final_wake=time(7))
    assert csv_import.import_csv(alice, "date,sleep_hours\n2026-03-01,5.25\n").ok
    day = Day.objects.get(patient=alice)
    assert (day.bedtime, day.final_wake, day.total_sleep_min) == (None, None, 315)


def test_a_file_with_some_attack_columns_keeps_the_others(alice):
    csv_import.import_csv(alice, EXAMPLE)
    assert csv_import.import_csv(alice, "date,headache_peak\n2026-03-01,9\n").ok
    attack = HeadacheAttack.objects.get(patient=alice, deleted_at__isnull=True)
    assert attack.peak_intensity == 9 and attack.nausea
    assert attack.ended_at - attack.started_at == timedelta(hours=9)


def test_a_row_with_only_a_date_records_an_empty_day(alice):
    report = csv_import.import_csv(alice, csv_text("2026-03-05" + "," * 10))
    assert report.created == 1
    assert Day.objects.filter(patient=alice, date=date(2026, 3, 5)).exists()
    assert csv_export.export_csv(alice).splitlines()[1] == "2026-03-05" + "," * 10


def test_a_dose_only_row_does_not_invent_a_check_in(alice):
    report = csv_import.import_csv(alice, csv_text("2026-03-05,,,,,ibuprofen|nsaid,,,,,"))
    assert report.ok
    assert not Day.objects.filter(patient=alice).exists()
    assert Dose.objects.filter(patient=alice).count() == 1


def test_a_dry_run_reports_but_writes_nothing(alice):
    report = csv_import.import_csv(alice, EXAMPLE, dry_run=True)
    assert report.ok and report.created == 2
    assert "Checked 2 row(s)" in report.summary()
    assert snapshot(alice) == ([], [], [], 0)


def test_unknown_columns_are_ignored_with_a_warning(alice):
    text = EXAMPLE.replace("notes\n", "notes,mood\n").replace(
        "after deadline\n", "after deadline,5\n"
    )
    text = text.replace("neck:2,\n", "neck:2,,\n")
    report = csv_import.import_csv(alice, text)
    assert report.ok
    assert [str(w) for w in report.warnings] == ["line 1: unknown column “mood” is ignored"]
    assert csv_export.export_csv(alice) == EXAMPLE


def test_the_summary_counts_rows_and_warnings(alice):
    report = csv_import.import_csv(alice, "date,stress,extra\n2026-03-01,3,x\n2026-03-02,4,y\n")
    assert report.summary().startswith("Imported 2 row(s): 2 new day(s), 0 updated, 0 unchanged")
    assert "2 warning(s)" in report.summary()


# --- bad input: every problem with its line, nothing written ---------------------------------


def future_day():
    return (date.today() + timedelta(days=3)).isoformat()


BAD_ROWS = [
    ("03/01/2026,,,,,,,,,,", "date “03/01/2026” is not in the form YYYY-MM-DD"),
    ("2026-02-30,,,,,,,,,,", "date “2026-02-30” is not a real calendar date"),
    (",,,,,,3,,,,", "date is required"),
    ("{future},,,,,,3,,,,", "is in the future"),
    ("2026-03-03,2,,,,,,,,,", "headache must be 0 or 1"),
    ("2026-03-03,1,11,2,,,,,,,", "headache_peak must be a whole number from 0 to 10"),
    ("2026-03-03,1,5.5,2,,,,,,,", "headache_peak must be a whole number from 0 to 10"),
    ("2026-03-03,1,5,25,,,,,,,", "headache_hours must be a number of hours from 0 to 24"),
    ("2026-03-03,1,5,-1,,,,,,,", "headache_hours must be a number of hours from 0 to 24"),
    ("2026-03-03,1,5,2,throbbing,,,,,,", "unknown feature “throbbing”"),
    ("2026-03-03,,,,,sumatriptan,,,,,", "“sumatriptan” needs its class after a |"),
    ("2026-03-03,,,,,sumatriptan|magic,,,,,", "unknown class “magic” for sumatriptan"),
    ("2026-03-03,,,,,|nsaid,,,,,", "has no medication name"),
    ("2026-03-03,,,,," + "a" * 81 + "|nsaid,,,,,", "longer than 80 characters"),
    ("2026-03-03,,,,,,11,,,,", "stress must be a whole number from 0 to 10"),
    ("2026-03-03,,,,,,,24.5,,,", "sleep_hours must be a number of hours from 0 to 24"),
    ("2026-03-03,,,,,,,,0,,", "sleep_quality must be a whole number from 1 to 5"),
    ("2026-03-03,,,,,,,,,knee:3,", "unknown region “knee”"),
    ("2026-03-03,,,,,,,,,neck:0,", "the intensity of neck must be a whole number from 1 to 10"),
    ("2026-03-03,,,,,,,,,neck:11,", "the intensity of neck must be a whole number from 1 to 10"),
    ("2026-03-03,,,,,,,,,neck,", "neck needs an intensity"),
    ("2026-03-03,,,,,,,,,neck:2;neck:3,", "neck appears twice"),
    ("2026-03-03,,,,,,,,,,,x", "has 12 cells but the header has 11 columns"),
    ("2026-03-03,,,,,,,,,,", None),  # placeholder replaced below (notes too long)
    ("2026-03-03,0,6,3,,,,,,,", "headache is 0 but"),
    ("2026-03-03,1,,3,,,,,,,", "headache_peak (0-10) is needed"),
    ("2026-03-03,1,6,,nausea,,,,,,", "headache_hours (above 0) is needed"),
    ("2026-03-03,1,6,0.001,,,,,,,", "shorter than one minute"),
]
BAD_ROWS[23] = ("2026-03-03,,,,,,,,,," + "n" * 2001, "notes are 2001 characters long")
BAD_ROWS += [
    ("0001-01-01,,,,,,3,,,,", "date 0001-01-01 is before 1900"),
    ("1899-12-31,,,,,,3,,,,", "date 1899-12-31 is before 1900"),
    ("9999-12-31,,,,,,3,,,,", "is in the future"),
    ("2026-03-03,,,,,,,,,,a\x00b", "notes holds a NUL byte"),
    ("2026-03-03,,,,,ibu\x00|nsaid,,,,,", "acute_medication holds a NUL byte"),
    ("2026-03-03,1,5,0.25,,,,,,,", "a headache under 0.5 hours counts only when treated"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(alice, row, message):
    csv_import.import_csv(alice, csv_text("2026-03-01,,,,,,5,,,,"))
    before = snapshot(alice)
    text = csv_text("2026-03-02,,,,,,4,,,,", row.replace("{future}", future_day()))
    report = csv_import.import_csv(alice, text)
    assert not report.ok
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("line 3: ")
    assert message in str(report.errors[0])
    assert snapshot(alice) == before
    assert report.summary().startswith("Nothing imported")


def test_the_import_refuses_the_same_early_days_as_the_api(alice):
    day = date(scales.EARLIEST_DIARY_YEAR, 1, 1)
    assert csv_import.import_csv(alice, csv_text(f"{day.isoformat()},,,,,,3,,,,")).ok
    report = csv_import.import_csv(
        alice, csv_text(f"{(day - timedelta(days=1)).isoformat()},,,,,,3,,,,")
    )
    assert errors_of(report) == [
        f"line 2: date {day.year - 1}-12-31 is before {day.year}; earlier days are not accepted"
    ]


def test_a_short_headache_counts_with_medication_in_its_row_or_a_neighbouring_one(alice):
    text = csv_text("2026-03-01,1,,,,suma|triptan,,,,,", "2026-03-02,1,5,0.25,,,,,,,")
    assert csv_import.import_csv(alice, text).ok
    assert csv_export.export_csv(alice) == text
    assert csv_import.import_csv(alice, csv_text("2026-03-04,1,5,0.25,,a|nsaid,,,,,")).ok


def test_changing_the_day_before_keeps_a_short_headache_treated(alice):
    text = csv_text("2026-03-01,1,5,2,,suma|triptan,,,,,", "2026-03-02,1,5,0.25,,,,,,,")
    assert csv_import.import_csv(alice, text).ok
    changed = text.replace("2026-03-01,1,5,2,", "2026-03-01,1,7,3,")
    assert csv_import.import_csv(alice, changed).updated == 1
    assert csv_export.export_csv(alice) == changed


@pytest.mark.parametrize(
    ("cell", "note"),
    [("'=1+1", "=1+1"), ("''=1+1", "'=1+1"), ("'\t@x", "\t@x"), ("'hello", "'hello"), ("'", "'")],
)
def test_the_import_removes_exactly_the_quote_export_adds(alice, cell, note):
    assert csv_import.import_csv(alice, f'date,notes\n2026-03-01,"{cell}"\n').ok
    assert Day.objects.get(patient=alice).notes == note


def test_the_import_removes_the_quote_before_a_formula_like_medication_name(alice):
    assert csv_import.import_csv(alice, csv_text("2026-03-01,,,,,'@x|nsaid;''=y|other,,,,,")).ok
    names = Dose.objects.filter(patient=alice).values_list("medication__name", flat=True)
    assert sorted(names) == ["'=y", "@x"]


CELLS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        [
            "",
            "1",
            "0",
            "7",
            "2.5",
            "0.2",
            "24",
            "25",
            "2026-03-01",
            "2026-03-02",
            "0001-01-01",
            "1899-12-31",
            "9999-12-31",
            "neck:3",
            "ibu|nsaid",
            "'=x",
            "nausea",
            "a\x00",
            "\ud800",
        ]
    ),
)

DATES = st.sampled_from(["2026-03-01", "2026-03-02", "0001-01-01", "1899-12-31", "9999-12-31", ""])


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.just(list(csv_export.COLUMNS))
    | st.lists(st.sampled_from([*csv_export.COLUMNS, "x"]), min_size=1, max_size=12),
    data=st.data(),
    raw=st.text(max_size=30),
)
def test_any_file_imports_cleanly_or_reports_lines_and_saves_nothing(alice, header, data, raw):
    width = st.integers(len(header) - 1, len(header) + 1)
    any_row = width.flatmap(lambda n: st.lists(CELLS, min_size=n, max_size=n))
    mostly_empty = st.integers(0, 9).flatmap(lambda k: CELLS if k == 0 else st.just(""))
    dated_row = st.tuples(DATES, *[mostly_empty] * (len(header) - 1)).map(list)
    rows = data.draw(st.lists(dated_row if header[0] == "date" else any_row, max_size=4))
    before = snapshot(alice)
    for text in (_as_rows([header, *rows]), raw, f"date,notes\n{raw}"):
        report = csv_import.import_csv(alice, text)
        assert report.ok or (report.errors and snapshot(alice) == before)
        assert all(problem.line >= 1 for problem in report.errors)
        before = snapshot(alice)


def test_every_bad_row_is_reported_not_just_the_first(alice):
    text = csv_text(
        "2026-03-01,,,,,,5,,,,",
        "2026-03-02,,,,,,12,,,,",
        "2026-03-03,,,,,,,,9,knee:1,",
        "2026-03-04,,,,,,3,,,,",
    )
    report = csv_import.import_csv(alice, text)
    assert [problem.line for problem in report.errors] == [3, 4, 4]
    assert snapshot(alice) == ([], [], [], 0)


def test_a_duplicate_date_is_reported_against_its_first_line(alice):
    report = csv_import.import_csv(
        alice, csv_text("2026-03-01,,,,,,5,,,,", "2026-03-01,,,,,,6,,,,")
    )
    assert errors_of(report) == ["line 3: date 2026-03-01 already appears on line 2"]


def test_line_numbers_count_physical_lines_of_multi_line_notes_and_blank_lines(alice):
    text = csv_text('2026-03-01,,,,,,5,,,,"two\nlines"', "", "2026-03-02,,,,,,99,,,,")
    report = csv_import.import_csv(alice, text)
    assert [problem.line for problem in report.errors] == [5]


def test_a_headache_that_would_end_in_the_future_is_refused(alice):
    today = patient_today(alice)
    report = csv_import.import_csv(alice, csv_text(f"{today.isoformat()},1,5,24,,,,,,,"))
    assert "would end in the future" in errors_of(report)[0]


def test_a_24_hour_headache_does_not_fit_the_day_the_clocks_go_forward(alice):
    report = csv_import.import_csv(alice, csv_text("2026-03-28,1,5,24,,,,,,,"))
    assert errors_of(report) == [
        "line 2: headache_hours: this day is only 23 hours long (the clocks changed)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("\n\n", "line 1: the file is empty"),
        ("2026-03-01,1,7\n", "line 1: the header has no “date” column (the first line looks"),
        ("stress,notes\n4,x\n", "line 1: the header has no “date” column"),
        ("date,stress,stress\n2026-03-01,1,2\n", "line 1: column “stress” appears twice"),
        ('date,notes\n2026-03-01,"unclosed\n', "line 2: cannot be read as CSV"),
    ],
)
def test_a_bad_header_or_broken_quoting_is_reported(alice, text, message):
    report = csv_import.import_csv(alice, text)
    assert errors_of(report)[0].startswith(message)
    assert snapshot(alice) == ([], [], [], 0)


def test_a_flood_of_errors_is_capped(alice):
    rows = [f"2026-01-{(i % 28) + 1:02d},,,,,,99,,,," for i in range(300)]
    report = csv_import.import_csv(alice, csv_text(*rows))
    assert len(report.errors) == csv_import.MAX_ERRORS + 1
    assert "more problem(s) not shown" in str(report.errors[-1])


def test_a_service_error_while_writing_rolls_back_every_row(alice, monkeypatch):
    from django.core.exceptions import ValidationError

    real = services.day_upsert

    def failing(*, date, **kwargs):
        if date.day == 2:
            raise ValidationError({"stress": "boom"})
        return real(date=date, **kwargs)

    monkeypatch.setattr(services, "day_upsert", failing)
    report = csv_import.import_csv(alice, EXAMPLE)
    assert errors_of(report) == ["line 3: stress: boom"]
    assert snapshot(alice) == ([], [], [], 0)


# --- helpers --------------------------------------------------------------------------------------


def test_every_minute_count_of_a_day_survives_formatting_and_parsing():
    for minutes in range(0, 24 * 60 + 1):
        assert csv_import._minutes(csv_export.format_hours(minutes), "x") == minutes


def test_import_ids_are_stable_per_patient_day_and_kind(alice, bob):
    day = date(2026, 3, 1)
    assert csv_import.import_id(alice, day, "attack") == csv_import.import_id(alice, day, "attack")
    assert csv_import.import_id(alice, day, "attack") != csv_import.import_id(bob, day, "attack")
    assert csv_import.import_id(alice, day, "attack") != csv_import.import_id(alice, day, "dose:0")


def test_attack_start_is_stored_in_utc_from_the_local_morning(alice):
    csv_import.import_csv(alice, csv_text("2026-07-01,1,5,2,,,,,,,"))
    attack = HeadacheAttack.objects.get(patient=alice)
    assert attack.started_at.astimezone(UTC) == datetime(2026, 7, 1, 3, tzinfo=UTC)  # BST


def test_a_row_limit_refuses_longer_files_at_the_first_row_beyond_it(alice):
    rows = [f"2026-01-{day:02d},,,,,,3,,,," for day in range(1, 6)]
    report = csv_import.import_csv(alice, csv_text(*rows), max_rows=3)
    assert errors_of(report) == [
        "line 5: the file has 5 rows; import at most 3 at a time "
        "(split the file into parts, each with the header line)"
    ]
    assert snapshot(alice) == ([], [], [], 0)
    assert csv_import.import_csv(alice, csv_text(*rows[:3]), max_rows=3).ok


def test_an_import_keeps_the_day_fields_the_format_does_not_carry(alice):
    """The CSV has no period, mood or fatigue column: importing a row never resets them."""
    day = patient_today(alice) - timedelta(days=3)
    services.day_upsert(patient=alice, date=day, period=True, mood=6, fatigue=4, stress=2)
    report = csv_import.import_csv(alice, csv_text(f"{day.isoformat()},0,,,,,7,,,,"))
    assert not report.errors
    stored = Day.objects.get(patient=alice, date=day)
    assert (stored.stress, stored.period, stored.mood, stored.fatigue) == (7, True, 6, 4)
