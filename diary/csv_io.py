"""Daily CSV import and export (format: ``design/diary-csv.md``; one row per diary day).

Mapping between a CSV row and the diary (the format is per day, the diary is per attack/dose):

- ``headache`` is ``Day.headache`` (empty = not answered). On export it is 1 whenever a headache
  attack covers the day, else the Day's own answer.
- ``headache_peak`` / ``headache_hours`` / ``migraine_features`` describe the attacks covering the
  day: on export the highest peak, the minutes of the day (04:00 to 04:00, ``derive.diary_window``)
  under any attack, and the union of features. On import they become ONE attack starting at the
  day's 04:00 local and lasting ``headache_hours`` (so up to 24 h stays inside the diary day). An
  attack needs an intensity and a duration, so the peak and hours > 0 must come together.
- ``acute_medication`` lists the acute doses dated that day (``name|class``, in the order taken).
  On import each entry is one dose at 04:00 + i minutes, from the patient's list
  (``medication_for_name`` adds missing medications), linked to the row's attack if it has one.
- ``stress``, ``sleep_quality``, ``body_pain`` and ``notes`` are the Day's fields; ``sleep_hours``
  is the total sleep time. Importing a different sleep time clears the clock items of that night
  (bedtime, wake time...) because they would contradict it.

Import rules. The file is validated completely first and every problem is reported with its CSV
line; any problem means nothing is written (one transaction). A day of the file replaces what
the diary has for that day, but only for the columns the file has; days not in the file are not
touched. A row whose day already reads exactly like the row is skipped, so re-importing a file
(or your own export) changes nothing. Attacks and doses an import creates have deterministic
ids (uuid5 of patient, date and kind), so a re-import can never duplicate them; when a row
changes a day's headache, other attacks *starting* that day are removed (tombstoned) so the day
reads as the row says. All writes go through ``diary.services``.

Not carried by the format (kept as they are on import, absent from export): the sleep diary's
clock items (only the total sleep time), mood and fatigue, an attack's side, aura minutes,
functional impact and notes, dose amounts, times and relief, preventive medications and the
questionnaires. The REST API carries every field.

Canonical form (what export writes, and what round-trips byte for byte): integers without
decimals; hours with at most two decimals and no trailing zeros (minute resolution: any export
re-imports to the same minutes); features in ``FEATURE_ORDER``; body-pain areas in the WPI order
of ``scales.PAIN_AREAS``; ``\\n`` line endings; minimal quoting. Cells are exported as typed (no
spreadsheet-formula escaping) because the file is the patient's own data and must round-trip.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from diary import scales, services
from diary.days import patient_today, patient_zone
from diary.derive import diary_window
from diary.models import Day, Dose, HeadacheAttack, Medication
from diary.selectors import live

COLUMNS = (
    "date",
    "headache",
    "headache_peak",
    "headache_hours",
    "migraine_features",
    "acute_medication",
    "stress",
    "sleep_hours",
    "sleep_quality",
    "body_pain",
    "notes",
)
ATTACK_COLUMNS = ("headache_peak", "headache_hours", "migraine_features")
_ATTACK_ATTRIBUTES = ("peak", "headache_minutes", "features")
# Export order of features: pain character (ICHD-3 C), sensory sensitivity, nausea/vomiting, aura
# (the order of the format document's example).
FEATURE_ORDER = (
    "unilateral",
    "pulsating",
    "worse_with_activity",
    "photophobia",
    "phonophobia",
    "nausea",
    "vomiting",
    "aura",
)
assert set(FEATURE_ORDER) == set(scales.MIGRAINE_FEATURE_CODES)
MEDICATION_NAME_MAX = Medication._meta.get_field("name").max_length
IMPORT_NAMESPACE = uuid.UUID("5b0c1f6e-3f2a-4d7e-9a51-6c1e0f2d9a40")
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


@dataclass(frozen=True)
class RowValues:
    """One diary day as the CSV sees it (None / empty = not recorded)."""

    date: date
    recorded: bool = False  # a Day row exists
    headache: bool | None = None
    peak: int | None = None
    headache_minutes: int | None = None
    features: frozenset[str] = frozenset()
    medications: tuple[tuple[str, str], ...] = ()
    stress: int | None = None
    sleep_minutes: int | None = None
    sleep_quality: int | None = None
    body_pain: tuple[tuple[str, int], ...] = ()
    notes: str = ""

    @property
    def has_attack(self) -> bool:
        return self.headache_minutes is not None and self.headache_minutes > 0

    def attack_key(self):
        return (self.peak, self.headache_minutes, self.features)

    def medication_key(self):
        return tuple((name.casefold(), med_class) for name, med_class in self.medications)


# --- formatting ---------------------------------------------------------------------------------


def format_hours(minutes: int | None) -> str:
    """Minutes as hours with at most two decimals (re-imports to the same minute)."""
    if minutes is None:
        return ""
    hours = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{hours:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _int_cell(value: int | None) -> str:
    return "" if value is None else str(value)


def render_row(values: RowValues) -> list[str]:
    """The CSV cells of one day, in ``COLUMNS`` order."""
    return [
        values.date.isoformat(),
        "" if values.headache is None else ("1" if values.headache else "0"),
        _int_cell(values.peak),
        format_hours(values.headache_minutes),
        ";".join(code for code in FEATURE_ORDER if code in values.features),
        ";".join(f"{name}|{med_class}" for name, med_class in values.medications),
        _int_cell(values.stress),
        format_hours(values.sleep_minutes),
        _int_cell(values.sleep_quality),
        ";".join(f"{code}:{level}" for code, level in values.body_pain),
        values.notes,
    ]


# --- reading the diary as CSV rows --------------------------------------------------------------


def _utc_window(day: date, zone) -> tuple[datetime, datetime]:
    """The diary day's 04:00-04:00 span in UTC (arithmetic on it is real elapsed time)."""
    start, end = diary_window(day, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _union_minutes(intervals: list[tuple[datetime, datetime]]) -> int:
    seconds = 0.0
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                seconds += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        seconds += (current_end - current_start).total_seconds()
    return int(seconds // 60)


def diary_rows(
    *, patient: User, start: date | None = None, end: date | None = None
) -> dict[date, RowValues]:
    """Every recorded diary day (Day row, attack or acute dose) in the range, in three queries."""
    zone = patient_zone(patient)
    now = timezone.now()
    today = patient_today(patient)
    days = live(Day.objects.filter(patient=patient))
    attacks = live(HeadacheAttack.objects.filter(patient=patient))
    doses = live(
        Dose.objects.filter(patient=patient, medication__kind=Medication.Kind.ACUTE)
    ).select_related("medication")
    if start is not None:
        days = days.filter(date__gte=start)
        doses = doses.filter(date__gte=start)
        # one day of slack: start_date was computed in the zone at the time of writing
        attacks = attacks.filter(
            Q(end_date__gte=start - timedelta(days=1)) | Q(end_date__isnull=True)
        )
    if end is not None:
        days = days.filter(date__lte=end)
        doses = doses.filter(date__lte=end)
        attacks = attacks.filter(start_date__lte=end + timedelta(days=1))

    def in_range(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    fields: dict[date, dict] = {}
    for row in days.order_by("date"):
        fields[row.date] = {
            "recorded": True,
            "headache": row.headache,
            "stress": row.stress,
            "sleep_minutes": row.total_sleep_min,
            "sleep_quality": row.sleep_quality,
            "body_pain": tuple(row.pain_map.items()),
            "notes": row.notes,
        }
    spans: dict[date, list[tuple[datetime, datetime]]] = {}
    peaks: dict[date, int] = {}
    features: dict[date, frozenset[str]] = {}
    for attack in attacks.order_by("started_at"):
        started = attack.started_at.astimezone(UTC)
        ended = (attack.ended_at or now).astimezone(UTC)
        last = attack.end_date or max(today, attack.start_date)
        day = attack.start_date - timedelta(days=1)
        while day <= last + timedelta(days=1):
            window_start, window_end = (
                moment.astimezone(UTC) for moment in diary_window(day, zone)
            )
            low, high = max(started, window_start), min(ended, window_end)
            if high > low and in_range(day):
                spans.setdefault(day, []).append((low, high))
                peaks[day] = max(peaks.get(day, 0), attack.peak_intensity)
                features[day] = features.get(day, frozenset()) | frozenset(attack.features)
            day += timedelta(days=1)
    medications: dict[date, list[tuple[str, str]]] = {}
    for dose in doses.order_by("date", "taken_at", "medication__name", "id"):
        medications.setdefault(dose.date, []).append(
            (dose.medication.name, dose.medication.med_class)
        )

    result = {}
    for day in sorted(set(fields) | set(spans) | set(medications)):
        values = RowValues(date=day, **fields.get(day, {}))
        if day in spans:
            minutes = _union_minutes(spans[day])
            values = replace(
                values,
                headache=True,
                peak=peaks[day],
                headache_minutes=minutes,
                features=features[day],
            )
        if day in medications:
            values = replace(values, medications=tuple(medications[day]))
        result[day] = values
    return result


def export_csv(patient: User, *, start: date | None = None, end: date | None = None) -> str:
    """The patient's diary in the daily CSV format: every column, one row per recorded day."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for values in diary_rows(patient=patient, start=start, end=end).values():
        writer.writerow(render_row(values))
    return buffer.getvalue()


# --- parsing ------------------------------------------------------------------------------------


class _CellError(Exception):
    pass


def _parse_int(text: str, low: int, high: int, what: str) -> int:
    message = f"{what} must be a whole number from {low} to {high}, not “{text}”"
    if not _NUMBER.match(text):
        raise _CellError(message)
    number = Decimal(text)
    if number != number.to_integral_value() or not low <= number <= high:
        raise _CellError(message)
    return int(number)


def _parse_minutes(text: str, what: str) -> int:
    message = f"{what} must be a number of hours from 0 to 24 (e.g. 6.5), not “{text}”"
    if not _NUMBER.match(text):
        raise _CellError(message)
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise _CellError(message) from None
    if hours > 24:
        raise _CellError(message)
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _codes_hint(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _parse_features(text: str) -> frozenset[str]:
    found = set()
    for item in text.split(";"):
        code = item.strip().lower()
        if not code:
            continue
        if code not in FEATURE_ORDER:
            raise _CellError(
                f"migraine_features: unknown feature “{item.strip()}” "
                f"(use {_codes_hint(scales.MIGRAINE_FEATURE_CODES)})"
            )
        found.add(code)
    return frozenset(found)


def _parse_medications(text: str) -> tuple[tuple[str, str], ...]:
    entries = []
    for item in text.split(";"):
        if not item.strip():
            continue
        name, bar, med_class = item.partition("|")
        name, med_class = name.strip(), med_class.strip().lower()
        if not bar or not med_class:
            raise _CellError(
                f"acute_medication: “{item.strip()}” needs its class after a |, "
                "e.g. sumatriptan|triptan"
            )
        if "|" in med_class:
            raise _CellError(f"acute_medication: “{item.strip()}” has more than one |")
        if not name:
            raise _CellError(f"acute_medication: “{item.strip()}” has no medication name")
        if len(name) > MEDICATION_NAME_MAX:
            raise _CellError(
                f"acute_medication: the name “{name[:20]}…” is longer than "
                f"{MEDICATION_NAME_MAX} characters"
            )
        if med_class not in scales.MEDICATION_CLASS_CODES:
            raise _CellError(
                f"acute_medication: unknown class “{med_class}” for {name} "
                f"(use {_codes_hint(scales.MEDICATION_CLASS_CODES)})"
            )
        entries.append((name, med_class))
    return tuple(entries)


def _parse_body_pain(text: str) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        code, colon, level = item.partition(":")
        code = code.strip().lower()
        if code not in scales.PAIN_AREA_BY_CODE:
            raise _CellError(
                f"body_pain: unknown region “{code}” (use {_codes_hint(scales.PAIN_AREA_CODES)})"
            )
        if not colon or not level.strip():
            raise _CellError(f"body_pain: {code} needs an intensity, e.g. {code}:5")
        if code in found:
            raise _CellError(f"body_pain: {code} appears twice")
        found[code] = _parse_int(
            level.strip(),
            scales.PAIN_AREA_MIN,
            scales.PAIN_AREA_MAX,
            f"body_pain: the intensity of {code}",
        )
    return tuple((code, found[code]) for code in scales.PAIN_AREA_CODES if code in found)


@dataclass
class _ParsedRow:
    line: int
    values: RowValues


def _parse_row(
    cells: dict[str, str], line: int, today: date, columns: set[str], problems: list[Problem]
):
    """Parse one data row; appends every problem found (one per cell) and returns the values."""

    def cell(name: str) -> str:
        value = cells.get(name, "")
        return value if name == "notes" else value.strip()

    def check(name: str, parse):
        text = cell(name)
        if not text:
            return None
        try:
            return parse(text)
        except _CellError as error:
            problems.append(Problem(line, str(error)))
            return None

    errors_before = len(problems)
    text = cell("date")
    day = None
    if not text:
        problems.append(Problem(line, "date is required (YYYY-MM-DD)"))
    elif not _DATE.match(text):
        problems.append(Problem(line, f"date “{text}” is not in the form YYYY-MM-DD"))
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(Problem(line, f"date “{text}” is not a real calendar date"))
        else:
            if day > today:
                problems.append(
                    Problem(line, f"date {text} is in the future; only past days can be imported")
                )

    def boolean(text: str) -> bool:
        if text not in ("0", "1"):
            raise _CellError(f"headache must be 0 or 1 (or empty), not “{text}”")
        return text == "1"

    values = {
        "headache": check("headache", boolean),
        "peak": check(
            "headache_peak",
            lambda t: _parse_int(t, scales.INTENSITY_MIN, scales.INTENSITY_MAX, "headache_peak"),
        ),
        "headache_minutes": check("headache_hours", lambda t: _parse_minutes(t, "headache_hours")),
        "features": check("migraine_features", _parse_features) or frozenset(),
        "medications": check("acute_medication", _parse_medications) or (),
        "stress": check(
            "stress", lambda t: _parse_int(t, scales.STRESS_MIN, scales.STRESS_MAX, "stress")
        ),
        "sleep_minutes": check("sleep_hours", lambda t: _parse_minutes(t, "sleep_hours")),
        "sleep_quality": check(
            "sleep_quality",
            lambda t: _parse_int(
                t, scales.SLEEP_QUALITY_MIN, scales.SLEEP_QUALITY_MAX, "sleep_quality"
            ),
        ),
        "body_pain": check("body_pain", _parse_body_pain) or (),
        "notes": cell("notes"),
    }
    if len(values["notes"]) > scales.NOTES_MAX_CHARS:
        problems.append(
            Problem(
                line,
                f"notes are {len(values['notes'])} characters long; the limit is "
                f"{scales.NOTES_MAX_CHARS}",
            )
        )
    if len(problems) > errors_before or day is None:
        return None
    minutes = values["headache_minutes"]
    if cell("headache_hours") and minutes == 0 and Decimal(cell("headache_hours")) > 0:
        problems.append(Problem(line, "headache_hours is shorter than one minute"))
        return None
    details = values["peak"] is not None or bool(minutes) or bool(values["features"])
    if details:
        if values["headache"] is False:
            problems.append(
                Problem(
                    line, "headache is 0 but headache_peak, headache_hours or features are given"
                )
            )
        elif values["peak"] is None and "headache_peak" in columns:
            problems.append(
                Problem(
                    line,
                    "headache_peak (0-10) is needed when headache_hours or migraine_features "
                    "are given",
                )
            )
        elif not minutes and "headache_hours" in columns:
            problems.append(
                Problem(
                    line,
                    "headache_hours (above 0) is needed when headache_peak or migraine_features "
                    "are given",
                )
            )
    else:
        values["headache_minutes"] = None  # "0 hours" without details: no attack
    if len(problems) > errors_before:
        return None
    return _ParsedRow(line=line, values=RowValues(date=day, **values))


def _read_table(text: str, report: ImportReport):
    """Header -> column names; yields (line, cells) for data rows. Problems go to the report."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.errors.append(Problem(1, f"the header cannot be read as CSV ({error})"))
        return None, []
    if not header or not any(name.strip() for name in header):
        report.errors.append(
            Problem(
                1, f"the file is empty; the first line must be the header ({','.join(COLUMNS)})"
            )
        )
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
    return set(names) & set(COLUMNS), rows


# --- import -------------------------------------------------------------------------------------


def import_id(patient: User, day: date, kind: str) -> uuid.UUID:
    """Deterministic id of an object an import creates, so re-imports update instead of adding."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"{patient.pk}:{day.isoformat()}:{kind}")


def _differs(current: RowValues | None, wanted: RowValues, columns: set[str]) -> bool:
    if current is None:
        return True
    checks = {
        "headache": lambda v: v.headache,
        "stress": lambda v: v.stress,
        "sleep_hours": lambda v: v.sleep_minutes,
        "sleep_quality": lambda v: v.sleep_quality,
        "body_pain": lambda v: v.body_pain,
        "notes": lambda v: v.notes,
        "acute_medication": RowValues.medication_key,
    }
    if columns & set(ATTACK_COLUMNS) and current.attack_key() != wanted.attack_key():
        return True
    return any(name in columns and get(current) != get(wanted) for name, get in checks.items())


class _Importer:
    def __init__(self, patient: User, columns: set[str]):
        self.patient = patient
        self.columns = columns
        self.zone = patient_zone(patient)
        self.medications: dict[tuple[str, str], Medication] = {}

    def current(self, day: date) -> RowValues | None:
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
                for column, attribute in zip(ATTACK_COLUMNS, _ATTACK_ATTRIBUTES, strict=True)
                if column not in self.columns
            }
            wanted = replace(wanted, **kept)
        if not _differs(current, wanted, self.columns):
            return "unchanged"
        day = wanted.date
        start = _utc_window(day, self.zone)[0]
        attack = None
        attack_changed = False
        if self.columns & set(ATTACK_COLUMNS) and (
            current is None or current.attack_key() != wanted.attack_key()
        ):
            attack = self._write_attack(wanted, start)
            attack_changed = True
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
        """Point the doses an earlier import made for this day at the day's new attack."""
        doses = list(live(Dose.objects.filter(patient=self.patient, date=day)))
        own_ids = {import_id(self.patient, day, f"dose:{index}") for index in range(len(doses))}
        for dose in doses:
            if dose.pk in own_ids and dose.attack_id != (attack.pk if attack else None):
                services.dose_upsert(
                    patient=self.patient, dose_id=dose.pk, replace=False, attack=attack
                )

    def _write_day(self, wanted: RowValues, current: RowValues | None) -> None:
        fields: dict = {}
        body_pain = None
        columns = self.columns
        recorded = current is not None and current.recorded

        def changed(name: str, attribute: str) -> bool:
            return name in columns and (
                not recorded or getattr(current, attribute) != getattr(wanted, attribute)
            )

        for name, attribute in (
            ("headache", "headache"),
            ("stress", "stress"),
            ("sleep_quality", "sleep_quality"),
            ("notes", "notes"),
        ):
            if changed(name, attribute):
                fields[attribute] = getattr(wanted, attribute)
        if changed("sleep_hours", "sleep_minutes"):
            fields["total_sleep_min"] = wanted.sleep_minutes
            fields.update(dict.fromkeys(services.SLEEP_ITEM_FIELDS))
        if changed("body_pain", "body_pain"):
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


def _check_attack_fits(values: RowValues, zone, now: datetime) -> str | None:
    if not values.has_attack:
        return None
    start, end = _utc_window(values.date, zone)
    finish = start + timedelta(minutes=values.headache_minutes)
    if finish > end:
        length = format_hours(int((end - start).total_seconds() // 60))
        return f"headache_hours: this day is only {length} hours long (the clocks changed)"
    if finish > now + timedelta(minutes=5):
        return (
            f"headache_hours: {format_hours(values.headache_minutes)} hours from 04:00 would end "
            "in the future"
        )
    return None


def import_csv(
    patient: User, text: str, *, dry_run: bool = False, max_rows: int | None = None
) -> ImportReport:
    """Import a daily CSV into the patient's diary: all rows or nothing, idempotent.

    ``max_rows`` bounds the work of one web request (every row goes through the services).
    """
    report = ImportReport(dry_run=dry_run)
    columns, table = _read_table(text, report)
    if columns is None:
        return report
    if max_rows is not None and len(table) > max_rows:
        report.rows = len(table)
        report.errors.append(
            Problem(
                table[max_rows][0],
                f"the file has {len(table)} rows; import at most {max_rows} at a time "
                "(split the file into parts, each with the header line)",
            )
        )
        return report
    today = patient_today(patient)
    zone = patient_zone(patient)
    now = timezone.now()
    parsed: list[_ParsedRow] = []
    first_line: dict[date, int] = {}
    for line, cells in table:
        row = _parse_row(cells, line, today, columns, report.errors)
        if row is None:
            continue
        day = row.values.date
        if day in first_line:
            report.errors.append(
                Problem(line, f"date {day.isoformat()} already appears on line {first_line[day]}")
            )
            continue
        first_line[day] = line
        problem = _check_attack_fits(row.values, zone, now)
        if problem:
            report.errors.append(Problem(line, problem))
            continue
        parsed.append(row)
    report.rows = len(table)
    if report.errors:
        _sort_and_cap(report)
        return report

    importer = _Importer(patient, columns)
    with transaction.atomic():
        for row in sorted(parsed, key=lambda r: r.values.date):
            try:
                with transaction.atomic():
                    outcome = importer.apply(row.values)
            except ValidationError as error:
                report.errors.append(Problem(row.line, _validation_text(error)))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        _sort_and_cap(report)
    return report


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
