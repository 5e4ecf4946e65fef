"""Daily CSV import (format: ``design/diary-csv.md``; the shared columns are in ``csv_export``).

One ``DayRowForm`` checks each data row; its errors are reported with the row's CSV line, and
any problem means nothing is written (one transaction). A file's day replaces the diary's, for
the file's columns only; a day that already reads like its row (as ``csv_export`` reads it) is
skipped, so re-importing a file, or your own export, changes nothing.

A row's headache columns become ONE attack from the day's 04:00 local lasting ``headache_hours``
(inside the diary day); under 30 minutes it counts only when treated (``derive``), so it needs a
dose in its row or a neighbouring one. Each ``acute_medication`` entry is one dose at 04:00 + i
minutes, linked to that attack. Created objects have deterministic ids (uuid5 of patient, date
and kind), so re-imports never duplicate them; a changed headache removes the other attacks
*starting* that day. A different ``sleep_hours`` clears that night's clock items. All writes go
through ``diary.services``.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from diary import scales, services
from diary.csv_export import (
    ATTACK_COLUMNS,
    COLUMNS,
    FEATURE_ORDER,
    RowValues,
    diary_rows,
    format_hours,
    restore,
)
from diary.days import patient_today, patient_zone
from diary.derive import MIN_HEADACHE_MINUTES, diary_window
from diary.models import Dose, HeadacheAttack, Medication
from diary.selectors import live

_ATTRIBUTES = {  # RowValues attribute of a column, where the names differ
    "headache_peak": "peak",
    "headache_hours": "headache_minutes",
    "migraine_features": "features",
    "acute_medication": "medications",
    "sleep_hours": "sleep_minutes",
}
MEDICATION_NAME_MAX = Medication._meta.get_field("name").max_length
IMPORT_NAMESPACE = uuid.UUID("5b0c1f6e-3f2a-4d7e-9a51-6c1e0f2d9a40")
_ONE_DAY = timedelta(days=1)
MAX_ERRORS = 200  # enough to fix a file; stops a garbage upload from producing megabytes

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, with errors, why it wrote nothing)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"Nothing imported: {len(self.errors)} problem(s) in the file."
        verb = "Checked" if self.dry_run else "Imported"
        text = (
            f"{verb} {self.rows} row(s): {self.created} new day(s), {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.warnings:
            text += f"; {len(self.warnings)} warning(s)"
        return text + "."


# --- cells --------------------------------------------------------------------------------------


class CellField(forms.CharField):
    """One CSV cell (label: its column): trimmed (except notes), empty means ``empty``, else
    ``parse(text, label)``. NUL bytes and lone surrogates are refused: PostgreSQL cannot store
    them (SQLite would keep them silently)."""

    def __init__(self, parse=None, *, empty=None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.parse, self.empty = parse, empty

    def to_python(self, value):
        text = super().to_python(value)
        if "\x00" in text or text.encode(errors="replace").decode() != text:
            raise ValidationError(f"{self.label} holds a NUL byte or text that cannot be stored")
        return self.parse(text, self.label) if text and self.parse else text or self.empty


def _whole(low: int, high: int):
    def parse(text: str, what: str) -> int:
        number = Decimal(text) if _NUMBER.match(text) else None
        if number is None or number != number.to_integral_value() or not low <= number <= high:
            raise ValidationError(
                f"{what} must be a whole number from {low} to {high}, not “{text}”"
            )
        return int(number)

    return parse


def _minutes(text: str, what: str) -> int:
    if not _NUMBER.match(text) or Decimal(text) > 24:
        raise ValidationError(
            f"{what} must be a number of hours from 0 to 24 (e.g. 6.5), not “{text}”"
        )
    return int((Decimal(text) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _headache(text: str, what: str) -> bool:
    if text not in ("0", "1"):
        raise ValidationError(f"headache must be 0 or 1 (or empty), not “{text}”")
    return text == "1"


def _features(text: str, what: str) -> frozenset[str]:
    found = set()
    for item in filter(None, (item.strip() for item in text.split(";"))):
        if item.lower() not in FEATURE_ORDER:
            raise ValidationError(
                f"migraine_features: unknown feature “{item}” "
                f"(use {', '.join(scales.MIGRAINE_FEATURE_CODES)})"
            )
        found.add(item.lower())
    return frozenset(found)


def _medications(text: str, what: str) -> tuple[tuple[str, str], ...]:
    entries = []
    for item in filter(None, (item.strip() for item in text.split(";"))):
        name, bar, med_class = item.partition("|")
        name, med_class = restore(name.strip()), med_class.strip().lower()
        if not bar or not med_class:
            raise ValidationError(
                f"acute_medication: “{item}” needs its class after a |, e.g. sumatriptan|triptan"
            )
        if "|" in med_class:
            raise ValidationError(f"acute_medication: “{item}” has more than one |")
        if not name:
            raise ValidationError(f"acute_medication: “{item}” has no medication name")
        if len(name) > MEDICATION_NAME_MAX:
            raise ValidationError(
                f"acute_medication: the name “{name[:20]}…” is longer than "
                f"{MEDICATION_NAME_MAX} characters"
            )
        if med_class not in scales.MEDICATION_CLASS_CODES:
            raise ValidationError(
                f"acute_medication: unknown class “{med_class}” for {name} "
                f"(use {', '.join(scales.MEDICATION_CLASS_CODES)})"
            )
        entries.append((name, med_class))
    return tuple(entries)


def _body_pain(text: str, what: str) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for item in filter(None, (item.strip() for item in text.split(";"))):
        code, colon, level = (part.strip() for part in item.partition(":"))
        code = code.lower()
        if code not in scales.PAIN_AREA_BY_CODE:
            raise ValidationError(
                f"body_pain: unknown region “{code}” (use {', '.join(scales.PAIN_AREA_CODES)})"
            )
        if not colon or not level:
            raise ValidationError(f"body_pain: {code} needs an intensity, e.g. {code}:5")
        if code in found:
            raise ValidationError(f"body_pain: {code} appears twice")
        intensity = _whole(scales.PAIN_AREA_MIN, scales.PAIN_AREA_MAX)
        found[code] = intensity(level, f"body_pain: the intensity of {code}")
    return tuple((code, found[code]) for code in scales.PAIN_AREA_CODES if code in found)


class DayRowForm(forms.Form):
    """One data row of the file: every cell parsed and checked, then the rules across cells.

    ``columns`` are the file's known columns; ``today``, ``zone`` and ``now`` are the patient's.
    """

    date = CellField()
    headache = CellField(_headache)
    headache_peak = CellField(_whole(scales.INTENSITY_MIN, scales.INTENSITY_MAX))
    headache_hours = CellField(_minutes)
    migraine_features = CellField(_features, empty=frozenset())
    acute_medication = CellField(_medications, empty=())
    stress = CellField(_whole(scales.STRESS_MIN, scales.STRESS_MAX))
    sleep_hours = CellField(_minutes)
    sleep_quality = CellField(_whole(scales.SLEEP_QUALITY_MIN, scales.SLEEP_QUALITY_MAX))
    body_pain = CellField(_body_pain, empty=())
    notes = CellField(
        lambda text, what: restore(text),
        empty="",
        strip=False,
        max_length=scales.NOTES_MAX_CHARS,
        error_messages={
            "max_length": "notes are %(show_value)d characters long; the limit is %(limit_value)d"
        },
    )

    def __init__(self, data, *, columns: set[str], today: date, zone, now: datetime):
        super().__init__(data)
        self.columns, self.today, self.zone, self.now = columns, today, zone, now
        for name, cell in self.fields.items():
            cell.label = name

    def clean_date(self) -> date:
        text = self.cleaned_data["date"]
        if not text:
            raise ValidationError("date is required (YYYY-MM-DD)")
        if not _DATE.match(text):
            raise ValidationError(f"date “{text}” is not in the form YYYY-MM-DD")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"date “{text}” is not a real calendar date") from None
        if day.year < scales.EARLIEST_DIARY_YEAR:
            raise ValidationError(
                f"date {text} is before {scales.EARLIEST_DIARY_YEAR}; earlier days are not accepted"
            )
        if day > self.today:
            raise ValidationError(f"date {text} is in the future; only past days can be imported")
        return day

    def clean(self):
        if self.errors:
            return None
        values = self.row_values()
        problem = self._headache_problem(values) or self._attack_fit_problem(values)
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data

    def row_values(self) -> RowValues:
        values = RowValues(**{_ATTRIBUTES.get(k, k): v for k, v in self.cleaned_data.items()})
        if values.peak is None and not values.headache_minutes and not values.features:
            return replace(values, headache_minutes=None)  # "0 hours" alone: no attack
        return values

    def _headache_problem(self, values: RowValues) -> str | None:
        if self.cleaned_data["headache_hours"] == 0 and Decimal(self.data["headache_hours"]):
            return "headache_hours is shorter than one minute"
        if values.headache_minutes is None and values.peak is None and not values.features:
            return None
        if values.headache is False:
            return "headache is 0 but headache_peak, headache_hours or features are given"
        if values.peak is None and "headache_peak" in self.columns:
            return (
                "headache_peak (0-10) is needed when headache_hours or migraine_features are given"
            )
        if not values.headache_minutes and values.features and "headache_hours" in self.columns:
            return "headache_hours (above 0) is needed when migraine_features are given"
        return None  # a peak without hours: a pain score given without times

    def _attack_fit_problem(self, values: RowValues) -> str | None:
        if not values.has_attack:
            return None
        start, end = _utc_window(values.date, self.zone)
        finish = start + timedelta(minutes=values.headache_minutes)
        if finish > end:
            length = format_hours(int((end - start).total_seconds() // 60))
            return f"headache_hours: this day is only {length} hours long (the clocks changed)"
        if finish > self.now + timedelta(minutes=5):
            hours = format_hours(values.headache_minutes)
            return f"headache_hours: {hours} hours from 04:00 would end in the future"
        return None


assert tuple(DayRowForm.base_fields) == COLUMNS


def _needs_treatment(values: RowValues) -> bool:
    """A headache under 30 minutes counts only when treated (``derive``); untreated it would
    not export again."""
    return 0 < (values.headache_minutes or 0) < MIN_HEADACHE_MINUTES and not values.medications


def _untreated_problems(rows: dict[date, tuple[int, RowValues]]) -> list[Problem]:
    """Short headaches must have acute medication in their row or a neighbouring one (an attack
    split at 04:00 keeps its dose on one of the two days)."""
    treated = {day for day, (_, values) in rows.items() if values.medications}
    message = (
        f"headache_hours: a headache under {format_hours(MIN_HEADACHE_MINUTES)} hours counts only "
        "when treated; list its acute_medication in this row or the day before or after"
    )
    return [
        Problem(line, message)
        for day, (line, values) in rows.items()
        if _needs_treatment(values) and not treated & {day - _ONE_DAY, day + _ONE_DAY}
    ]


# --- reading the file ---------------------------------------------------------------------------


def _read_table(text: str, report: ImportReport):
    """Header -> column names; returns (known columns, [(line, cells)]). Problems go to report."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.errors.append(Problem(1, f"the header cannot be read as CSV ({error})"))
        return None, []
    if not header or not any(name.strip() for name in header):
        message = f"the file is empty; the first line must be the header ({','.join(COLUMNS)})"
        report.errors.append(Problem(1, message))
        return None, []
    names = [name.strip().lower() for name in header]
    if "date" not in names:
        hint = " (the first line looks like data)" if _DATE.match(names[0]) else ""
        report.errors.append(
            Problem(1, f"the header has no “date” column{hint}; start with: {','.join(COLUMNS)}")
        )
        return None, []
    seen = set()
    for name in names:
        if name in seen:
            report.errors.append(Problem(1, f"column “{name}” appears twice in the header"))
        seen.add(name)
        if name not in COLUMNS:
            label = f"“{name}”" if name else "without a name"
            report.warnings.append(Problem(1, f"unknown column {label} is ignored"))
    missing = [name for name in COLUMNS if name not in seen]
    if missing:
        report.warnings.append(
            Problem(1, f"no column for {', '.join(missing)}: left as they are in your diary")
        )
    rows = []
    line = reader.line_num
    try:
        for cells in reader:
            start_line, line = line + 1, reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(names):
                report.errors.append(
                    Problem(
                        start_line,
                        f"has {len(cells)} cells but the header has {len(names)} columns "
                        "(a comma inside a note needs the note in double quotes)",
                    )
                )
                continue
            rows.append((start_line, dict(zip(names, cells, strict=True))))
    except csv.Error as error:
        report.errors.append(Problem(line + 1, f"cannot be read as CSV ({error})"))
    return seen & set(COLUMNS), rows


# --- writing ------------------------------------------------------------------------------------


def import_id(patient: User, day: date, kind: str) -> uuid.UUID:
    """Deterministic id of an object an import creates, so re-imports update instead of adding."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"{patient.pk}:{day.isoformat()}:{kind}")


def _utc_window(day: date, zone) -> tuple[datetime, datetime]:
    """The diary day's 04:00-04:00 span in UTC (arithmetic on it is real elapsed time)."""
    start, end = diary_window(day, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _differs(current: RowValues | None, wanted: RowValues, columns: set[str]) -> bool:
    if current is None:
        return True
    if columns & set(ATTACK_COLUMNS) and current.attack_key() != wanted.attack_key():
        return True
    if "acute_medication" in columns and current.medication_key() != wanted.medication_key():
        return True
    plain = ("headache", "stress", "sleep_hours", "sleep_quality", "body_pain", "notes")
    attributes = [_ATTRIBUTES.get(name, name) for name in plain if name in columns]
    return any(getattr(current, name) != getattr(wanted, name) for name in attributes)


class _Importer:
    def __init__(self, patient: User, columns: set[str], days: list[date]):
        self.patient = patient
        self.columns = columns
        self.zone = patient_zone(patient)
        self.medications: dict[tuple[str, str], Medication] = {}
        self.untreated: list[HeadacheAttack] = []
        # the file's days as the diary reads them, until the first write (a re-import: all)
        self.unwritten = diary_rows(patient=patient, start=min(days), end=max(days)) if days else {}

    def current(self, day: date) -> RowValues | None:
        if self.unwritten is not None:
            return self.unwritten.get(day)
        return diary_rows(patient=self.patient, start=day, end=day).get(day)

    def medication(self, name: str, med_class: str) -> Medication:
        key = (name.casefold(), med_class)
        if key not in self.medications:
            self.medications[key] = services.medication_for_name(
                patient=self.patient, name=name, med_class=med_class
            )
        return self.medications[key]

    def apply(self, wanted: RowValues) -> str:
        """Make one day read like the row; returns created / updated / unchanged."""
        current = self.current(wanted.date)
        if current is not None and self.columns & set(ATTACK_COLUMNS):
            # a file with only some of the attack columns keeps the others as they are
            kept = {
                attribute: getattr(current, attribute)
                for column, attribute in _ATTRIBUTES.items()
                if column in ATTACK_COLUMNS and column not in self.columns
            }
            wanted = replace(wanted, **kept)
        if not _differs(current, wanted, self.columns):
            return "unchanged"
        self.unwritten = None
        day = wanted.date
        start = _utc_window(day, self.zone)[0]
        attack = None
        attack_changed = False
        if self.columns & set(ATTACK_COLUMNS) and (
            current is None or current.attack_key() != wanted.attack_key()
        ):
            attack = self._write_attack(wanted, start)
            attack_changed = True
            if _needs_treatment(wanted):
                self.untreated.append(attack)
        elif wanted.has_attack:
            attack = live(HeadacheAttack.objects.filter(pk=import_id(self.patient, day, "attack")))
            attack = attack.first()
        if "acute_medication" in self.columns and (
            current is None or current.medication_key() != wanted.medication_key()
        ):
            self._write_doses(wanted, start, attack)
        elif attack_changed:
            self._relink_doses(day, attack)
        self._write_day(wanted, current)
        return "created" if current is None else "updated"

    def treat_short_attacks(self) -> None:
        """Link each short attack to a dose of the day before (or after): it was one attack
        with that dose before the export split it at 04:00, and only a treated one counts."""
        for attack in self.untreated:
            near = (attack.start_date - _ONE_DAY, attack.start_date + _ONE_DAY)
            doses = Dose.objects.filter(
                patient=self.patient, date__in=near, medication__kind=Medication.Kind.ACUTE
            )
            dose = live(doses).order_by("date", "taken_at").first()
            if dose is not None and dose.attack_id != attack.pk:
                services.dose_upsert(
                    patient=self.patient, dose_id=dose.pk, replace=False, attack=attack
                )

    def _write_attack(self, wanted: RowValues, start: datetime):
        own_id = import_id(self.patient, wanted.date, "attack")
        others = live(
            HeadacheAttack.objects.filter(patient=self.patient, start_date=wanted.date)
        ).exclude(pk=own_id)
        for other in others:
            services.attack_delete(patient=self.patient, attack_id=other.pk)
        if not wanted.has_attack:
            if live(HeadacheAttack.objects.filter(pk=own_id)).exists():
                services.attack_delete(patient=self.patient, attack_id=own_id)
            return None
        attack, _ = services.attack_upsert(
            patient=self.patient,
            attack_id=own_id,
            replace=True,
            started_at=start,
            ended_at=start + timedelta(minutes=wanted.headache_minutes),
            peak_intensity=wanted.peak,
            **{code: code in wanted.features for code in scales.MIGRAINE_FEATURE_CODES},
        )
        return attack

    def _write_doses(self, wanted: RowValues, start: datetime, attack) -> None:
        own_ids = [
            import_id(self.patient, wanted.date, f"dose:{index}")
            for index in range(len(wanted.medications))
        ]
        stale = live(
            Dose.objects.filter(
                patient=self.patient, date=wanted.date, medication__kind=Medication.Kind.ACUTE
            )
        ).exclude(pk__in=own_ids)
        for dose in stale:
            services.dose_delete(patient=self.patient, dose_id=dose.pk)
        for index, (name, med_class) in enumerate(wanted.medications):
            services.dose_upsert(
                patient=self.patient,
                dose_id=own_ids[index],
                replace=True,
                medication=self.medication(name, med_class),
                attack=attack,
                taken_at=start + timedelta(minutes=index),
                date=wanted.date,
            )

    def _relink_doses(self, day: date, attack) -> None:
        """Point the doses an earlier import made for this day at the day's new attack (those
        treating a neighbouring day's short attack stay with it)."""
        doses = list(live(Dose.objects.filter(patient=self.patient, date=day)))
        own_ids = {import_id(self.patient, day, f"dose:{index}") for index in range(len(doses))}
        linkable = (None, import_id(self.patient, day, "attack"))
        for dose in doses:
            if (
                dose.pk in own_ids
                and dose.attack_id in linkable
                and dose.attack_id != (attack.pk if attack else None)
            ):
                services.dose_upsert(
                    patient=self.patient, dose_id=dose.pk, replace=False, attack=attack
                )

    def _write_day(self, wanted: RowValues, current: RowValues | None) -> None:
        fields: dict = {}
        body_pain = None
        columns = self.columns
        recorded = current is not None and current.recorded

        def changed(name: str) -> bool:
            return name in columns and (not recorded or _differs(current, wanted, {name}))

        for name in ("headache", "stress", "sleep_quality", "notes"):
            if changed(name):
                fields[name] = getattr(wanted, name)
        day_peak = None if wanted.has_attack else wanted.peak
        if "headache_peak" in columns and (
            not recorded or current.attack_key() != wanted.attack_key()
        ):
            fields["headache_peak"] = day_peak
        if day_peak is not None:
            fields["headache"] = True  # a pain score is a headache answered yes
        if changed("sleep_hours"):
            fields["total_sleep_min"] = wanted.sleep_minutes
            fields.update(dict.fromkeys(services.SLEEP_ITEM_FIELDS))
        if changed("body_pain"):
            body_pain = dict(wanted.body_pain)
        if not recorded:
            has_values = any(value not in (None, "", {}) for value in (*fields.values(), body_pain))
            if not has_values and self.current(wanted.date) is not None:
                return  # the day reads as the row through its attack or doses alone
        elif not fields and body_pain is None:
            return
        services.day_upsert(
            patient=self.patient, date=wanted.date, replace=False, body_pain=body_pain, **fields
        )


def import_csv(
    patient: User, text: str, *, dry_run: bool = False, max_rows: int | None = None
) -> ImportReport:
    """Import a daily CSV into the patient's diary: all rows or nothing, idempotent.

    ``max_rows`` bounds the work of one web request (every row goes through the services).
    """
    report = ImportReport(dry_run=dry_run)
    columns, table = _read_table(text, report)
    report.rows = len(table)
    if columns is None:
        return report
    if max_rows is not None and len(table) > max_rows:
        report.errors.append(
            Problem(
                table[max_rows][0],
                f"the file has {len(table)} rows; import at most {max_rows} at a time "
                "(split the file into parts, each with the header line)",
            )
        )
        return report
    context = {
        "columns": columns,
        "today": patient_today(patient),
        "zone": patient_zone(patient),
        "now": timezone.now(),
    }
    rows: dict[date, tuple[int, RowValues]] = {}
    for line, cells in table:
        form = DayRowForm(cells, **context)
        if not form.is_valid():
            report.errors.extend(
                Problem(line, text) for texts in form.errors.values() for text in texts
            )
            continue
        values = form.row_values()
        if values.date in rows:
            first = rows[values.date][0]
            message = f"date {values.date.isoformat()} already appears on line {first}"
            report.errors.append(Problem(line, message))
            continue
        rows[values.date] = (line, values)
    report.errors.extend(_untreated_problems(rows))
    if not report.errors:
        _write(_Importer(patient, columns, list(rows)), sorted(rows.items()), report)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        _sort_and_cap(report)
    return report


def _write(importer: _Importer, rows, report: ImportReport) -> None:
    """Apply every row in one transaction; rolled back on any error or for a dry run."""
    with transaction.atomic():
        for _, (line, values) in rows:
            try:
                with transaction.atomic():
                    outcome = importer.apply(values)
            except ValidationError as error:
                report.errors.append(Problem(line, _validation_text(error)))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        importer.treat_short_attacks()
        if report.errors or report.dry_run:
            transaction.set_rollback(True)


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _sort_and_cap(report: ImportReport) -> None:
    report.errors.sort(key=lambda problem: problem.line)
    if len(report.errors) > MAX_ERRORS:
        hidden = len(report.errors) - MAX_ERRORS
        last = report.errors[MAX_ERRORS - 1].line
        report.errors = report.errors[:MAX_ERRORS]
        report.errors.append(Problem(last, f"… and {hidden} more problem(s) not shown"))
