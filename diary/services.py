"""Writes for the diary. One validated path shared by the web forms, the API, CSV import and
the demo seeder: every write locks the patient's own row, checks ranges, dates and the version
the client edited (optimistic concurrency for offline clients), saves only a real change, and
marks the patient's insights for recompute on commit.

Each upsert and delete answers ``(object, Outcome)``. A write that leaves the stored object as
it is (a replayed request after a lost response) is ``UNCHANGED``: nothing is saved, the
version stays and no ``VersionConflict`` is raised, as RFC 9110 13.1.1 allows for If-Match.
Two first writes of one object at the same moment cannot lock a row that does not exist yet:
the database's unique key stops the second with an IntegrityError, and a retry of the whole
write finds the first one's row (the API retries once).
"""

from __future__ import annotations

import copy
import enum
import uuid
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from accounts.models import PatientProfile, User
from diary import scales
from diary.days import diary_date_for, night_minutes, patient_today, patient_zone
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger
from diary.selectors import ongoing_attack
from diary.signals import diary_changed

DAY_FIELDS = (
    "headache",
    "headache_peak",
    "stress",
    "mood",
    "fatigue",
    "bedtime",
    "lights_out",
    "sleep_latency_min",
    "awakenings",
    "waso_min",
    "final_wake",
    "rise_time",
    "sleep_quality",
    "total_sleep_min",
    "body_map_answered",
    "period",
    "triggers",
    "notes",
)
SLEEP_ITEM_FIELDS = (
    "bedtime",
    "lights_out",
    "sleep_latency_min",
    "waso_min",
    "final_wake",
    "rise_time",
)
ATTACK_FIELDS = (
    "started_at",
    "ended_at",
    "started_offset_min",
    "ended_offset_min",
    "peak_intensity",
    "side",
    "location",
    *scales.MIGRAINE_FEATURE_CODES,
    "aura_minutes",
    "functional_impact",
    "notes",
)
MEDICATION_FIELDS = (
    "name",
    "med_class",
    "kind",
    "default_amount",
    "unit",
    "started_on",
    "stopped_on",
)
DOSE_FIELDS = (
    "medication",
    "attack",
    "taken_at",
    "taken_offset_min",
    "date",
    "amount",
    "unit",
    "quantity",
    "relief_2h",
)


PAIN_FIELDS = tuple(scales.pain_field(code) for code in scales.PAIN_AREA_CODES)
TRIGGER_FIELDS = ("name",)
QUESTIONNAIRE_PARTS = ("instrument", "date", "answers")
ANY_VERSION = "*"  # expected_version of ``If-Match: *``: any version, but the object must exist
TOO_EARLY = f"Dates before {scales.EARLIEST_DIARY_YEAR} are not accepted."
ALREADY_ANSWERED = "You already answered this questionnaire on that day."


class Outcome(enum.Enum):
    CREATED = "created"  # a new object, or a deleted one written again
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # nothing saved: a replay, or a delete of a tombstone


class VersionConflict(Exception):
    """The client edited an older version; carries the current object (None: there is none)
    so it can merge."""

    def __init__(self, current):
        super().__init__("This entry was changed elsewhere; reload it and try again.")
        self.current = current


class NotFound(Exception):
    """The object does not exist for this patient (never reveals other patients' ids)."""


# Time zones run from UTC-12 to UTC+14: no diary day anywhere is earlier than this.
_LATEST_BEHIND_UTC = timedelta(hours=12 + scales.DAY_ROLLOVER_HOUR)


def _check_day(patient: User, day: date, offset_min: int | None = None) -> None:
    """Refuse days before ``scales.EARLIEST_DIARY_YEAR`` or after the patient's today (or the
    device's today, in the UTC offset it sent). A day no later than the earliest diary day on
    Earth is decided without the patient's time zone (no profile query for back-filled days)."""
    if day.year < scales.EARLIEST_DIARY_YEAR:
        raise ValidationError({"date": TOO_EARLY})
    if day <= (timezone.now() - _LATEST_BEHIND_UTC).date():
        return
    today = patient_today(patient)
    if offset_min is not None:
        today = max(today, diary_date_for(patient, timezone.now(), offset_min))
    if day > today:
        raise ValidationError({"date": "This day is in the future; you can only log past days."})


def _check_dates(obj: Model, *names: str) -> None:
    """Dates before ``scales.EARLIEST_DIARY_YEAR`` are typos, and time-zone arithmetic on them
    overflows, so they are refused before any is done."""
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, date) and value.year < scales.EARLIEST_DIARY_YEAR:
            raise ValidationError({name: TOO_EARLY})


def sleep_metrics(
    *,
    day: date,
    zone: ZoneInfo,
    bedtime: time | None,
    lights_out: time | None,
    sleep_latency_min: int | None,
    waso_min: int | None,
    final_wake: time | None,
    rise_time: time | None,
) -> tuple[int | None, int | None, float | None]:
    """Consensus Sleep Diary (Carney et al., Sleep 2012) derived values.

    TIB = out of bed - into bed; TST = (final awakening - tried to sleep) - SOL - WASO;
    SE = TST / TIB x 100. Returns (TST, TIB, SE) in minutes / percent, None when items are missing.
    The times are of the night before ``day`` in ``zone``, counted in real minutes (a night
    when the clocks change is an hour longer or shorter).
    """
    tried = lights_out or bedtime
    tst = tib = efficiency = None
    if bedtime and rise_time:
        tib = night_minutes(day, bedtime, rise_time, zone)
    if tried and final_wake:
        tst = night_minutes(day, tried, final_wake, zone)
        tst -= (sleep_latency_min or 0) + (waso_min or 0)
        tst = max(tst, 0)
    if tst is not None and tib:
        tst = min(tst, tib)
        efficiency = round(100.0 * tst / tib, 1)
    return tst, tib, efficiency


# --- the steps every write shares ----------------------------------------------------------------

_BOOKKEEPING = frozenset({"version", "created_at", "updated_at"})


def _refuse_unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))


def _object_id(raw) -> uuid.UUID:
    """A client id as a UUID; a malformed one cannot name anything, so it is not found."""
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound("Not found.") from None


def _lock_patient(patient: User) -> None:
    """Take the patient's write lock (their user row) until the transaction ends, before
    anything is read or stamped.

    One patient's writes then commit in the order of their ``updated_at``, which is what the
    sync contract needs: a client that pulls ``?updated_since=`` the largest timestamp it has
    seen can never miss a change that commits later with an earlier stamp. Taken first in
    every write, so two writers never hold each other's rows (no deadlock). ``no_key`` leaves
    rows that merely reference the user (a new access-log entry) unblocked. SQLite, which
    ignores row locks, serialises writers by opening every transaction IMMEDIATE (settings).
    """
    User.objects.filter(pk=patient.pk).select_for_update(no_key=True).exists()


def _locked(model: type[Model], *, patient: User, object_id) -> Model | None:
    """The patient's object with this id, locked; None for a new id. An id of another
    patient's object is NotFound, like an unknown one, so ids never tell whose they are."""
    _lock_patient(patient)
    if object_id is None:
        return None
    object_id = _object_id(object_id)
    stored = model.objects.filter(patient=patient, pk=object_id).select_for_update().first()
    if stored is None and model.objects.filter(pk=object_id).exclude(patient=patient).exists():
        raise NotFound("Not found.")
    return stored


def _edit(model: type[Model], stored, *, identity: dict, replace: bool, reset, fields: dict):
    """The object as this write leaves it: a copy of ``stored`` (which keeps the stored values
    for the comparison and for a VersionConflict) or a new object. Replacing resets the
    ``reset`` fields to their defaults first; writing to a tombstone brings it back."""
    if stored is None:
        obj = model(**identity)
    else:
        obj = copy.copy(stored)
        obj.deleted_at = None
        if replace:
            defaults = model()
            for name in reset:
                attname = model._meta.get_field(name).attname
                setattr(obj, attname, getattr(defaults, attname))
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


def _settle_offsets(obj: Model, stored, fields: dict, pairs: dict[str, str]) -> None:
    """The UTC offset of each time (``pairs``: time field -> offset field) after this write.

    A time sent with its offset (the API) takes it. A time sent without one is in the profile
    zone (web forms, CSV) and clears it, unless it is the stored time: re-saving other fields
    keeps the device's day. Offsets beyond +-14 h are refused before any date is derived."""
    for moment, offset in pairs.items():
        if moment in fields and offset not in fields:
            same = stored is not None and getattr(stored, moment) == fields[moment]
            setattr(obj, offset, getattr(stored, offset) if same else None)
        value = getattr(obj, offset)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({offset: "Send the UTC offset as whole minutes."})
        if abs(value) > scales.UTC_OFFSET_MAX_MINUTES:
            raise ValidationError({offset: "A UTC offset lies between -14:00 and +14:00."})


def _identity(patient: User, object_id) -> dict:
    return {"patient": patient, **({"id": _object_id(object_id)} if object_id else {})}


def _content(obj: Model) -> dict:
    """Everything a write can change: every column but the sync bookkeeping."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.get_fields()
        if field.concrete and field.attname not in _BOOKKEEPING
    }


def _check_version(stored, expected_version) -> None:
    """``If-Match``: a number must be the stored version; ANY_VERSION needs a stored object."""
    if expected_version is None:
        return
    if stored is None or (expected_version != ANY_VERSION and stored.version != expected_version):
        raise VersionConflict(stored)


def _save(stored, obj, *, patient: User, expected_version, exclude=("patient",)):
    """Finish a write: validate ``obj`` (ranges and choices from ``scales`` through the model
    fields); if it equals ``stored``, save nothing (UNCHANGED); else check the version the
    client edited, bump it, save and mark the insights stale.

    ``full_clean`` skips the CheckConstraints: each is covered by a field validator or by an
    explicit check in the service, and Django would run each as a query of its own. The
    constraints still guard the table.
    """
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    if stored is not None and _content(obj) == _content(stored):
        return stored, Outcome.UNCHANGED
    _check_version(stored, expected_version)
    obj.updated_at = timezone.now()
    if stored is not None:
        obj.version = stored.version + 1
    obj.save()
    diary_changed.send(sender=type(obj), patient_id=patient.pk)
    created = stored is None or stored.is_deleted
    return obj, Outcome.CREATED if created else Outcome.CHANGED


def _tombstone(rows: QuerySet, *, patient: User, expected_version, missing: str = "Not found."):
    """Delete the one object of ``rows`` (the patient's own) by leaving a tombstone, so
    syncing clients learn of it. Deleting a tombstone again is UNCHANGED (a replayed DELETE)."""
    _lock_patient(patient)
    stored = rows.select_for_update().first()
    if stored is None:
        raise NotFound(missing)
    if stored.is_deleted:
        return stored, Outcome.UNCHANGED
    _check_version(stored, expected_version)
    stored.deleted_at = stored.updated_at = timezone.now()
    stored.version += 1
    stored.save()
    diary_changed.send(sender=type(stored), patient_id=patient.pk)
    return stored, Outcome.CHANGED


# --- days -------------------------------------------------------------------------------------


def _clean_pain_map(body_pain) -> dict[str, int]:
    """The body-pain map of every write checked: known WPI area codes, each a whole number
    1-10, or None for an area that is not painful."""
    if not isinstance(body_pain, dict):
        raise ValidationError({"body_pain": "Send a mapping of area code to intensity 1-10."})
    unknown = sorted(str(code) for code in body_pain if code not in scales.PAIN_AREA_BY_CODE)
    if unknown:
        # Lone surrogates cannot be encoded in a JSON answer; show them escaped.
        names = ", ".join(
            code[:40].encode("utf-8", "backslashreplace").decode() for code in unknown
        )
        raise ValidationError({"body_pain": f"Unknown body area(s): {names}."})
    clean = {}
    for code, value in body_pain.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({"body_pain": f"Intensity for {code} must be a whole number."})
        if not scales.PAIN_AREA_MIN <= value <= scales.PAIN_AREA_MAX:
            raise ValidationError({"body_pain": f"Intensity for {code} must be between 1 and 10."})
        clean[code] = value
    return clean


@transaction.atomic
def day_upsert(
    *,
    patient: User,
    date: date,
    body_pain: dict | None = None,
    expected_version: int | str | None = None,
    replace: bool = True,
    **fields,
) -> tuple[Day, Outcome]:
    """Create or update the patient's record for one local day (``PUT /days/<date>/``).

    ``replace`` (PUT semantics) resets fields not given to empty; otherwise only the given
    fields change (PATCH). ``body_pain`` maps WPI area codes to intensity 1-10; areas not in it
    are unmarked when replacing. Raises ValidationError (field messages) or VersionConflict.
    """
    _refuse_unknown(fields, DAY_FIELDS)
    _check_day(patient, date)
    pain = _clean_pain_map(body_pain) if body_pain is not None else None
    if "notes" in fields and fields["notes"] is None:
        fields["notes"] = ""
    _lock_patient(patient)
    stored = Day.objects.filter(patient=patient, date=date).select_for_update().first()
    day = _edit(
        Day,
        stored,
        identity={"patient": patient, "date": date},
        replace=replace,
        reset=(*DAY_FIELDS, *PAIN_FIELDS),
        fields=fields,
    )
    if pain is not None:
        for code, name in zip(scales.PAIN_AREA_CODES, PAIN_FIELDS, strict=True):
            setattr(day, name, pain.get(code))
    if day.pain_map:
        day.body_map_answered = True  # marking an area answers the map
    if day.triggers is not None:
        day.triggers = _clean_triggers(patient, day.triggers, kept=stored and stored.triggers)
    if day.headache_peak is not None:
        if day.headache is False:
            raise ValidationError({"headache_peak": "A headache's pain score needs headache: yes."})
        day.headache = True  # a pain score for a headache says there was one
    _derive_sleep(day)
    return _save(stored, day, patient=patient, expected_version=expected_version)


def _clean_triggers(patient: User, triggers, *, kept) -> list[str]:
    """The day's trigger keys checked: a list of default codes and ``own:<id>`` of the
    patient's live own triggers, no repeats, in checklist order. A key already stored on the
    day stays allowed after its own trigger was deleted, so a day can be saved again as it is."""
    message = "Send a list of trigger keys (an empty list: none today)."
    if not isinstance(triggers, list) or not all(isinstance(key, str) for key in triggers):
        raise ValidationError({"triggers": message})
    if len(triggers) > scales.MAX_DAY_TRIGGERS:
        raise ValidationError(
            {"triggers": f"A day can hold at most {scales.MAX_DAY_TRIGGERS} triggers."}
        )
    if len(set(triggers)) != len(triggers):
        raise ValidationError({"triggers": "Each trigger can be ticked only once."})
    own = [key for key in triggers if key not in scales.DEFAULT_TRIGGER_LABELS]
    allowed = set(kept or ()) | set(own_trigger_keys(patient, own))
    unknown = [key for key in own if key not in allowed]
    if unknown:
        shown = ", ".join(key[:60].encode("utf-8", "backslashreplace").decode() for key in unknown)
        raise ValidationError({"triggers": f"Unknown trigger(s): {shown}. Add it to your list."})
    order = {code: i for i, code in enumerate(scales.DEFAULT_TRIGGER_CODES)}
    return sorted(triggers, key=lambda key: (order.get(key, len(order)), key))


def own_trigger_keys(patient: User, keys) -> list[str]:
    """Of ``keys``, those naming one of the patient's live own triggers."""
    ids = []
    for key in keys:
        if not key.startswith(scales.OWN_TRIGGER_PREFIX):
            continue
        try:
            ids.append(uuid.UUID(key.removeprefix(scales.OWN_TRIGGER_PREFIX)))
        except ValueError:
            continue  # cannot name a trigger: reported as unknown
    if not ids:
        return []
    live = Trigger.objects.filter(patient=patient, pk__in=ids, deleted_at__isnull=True)
    return [scales.own_trigger_key(pk) for pk in live.values_list("pk", flat=True)]


def _derive_sleep(day: Day) -> None:
    """Fill TST/TIB/SE from the sleep items; a directly entered TST is kept if items are absent."""
    items = {name: getattr(day, name) for name in SLEEP_ITEM_FIELDS}
    zone = patient_zone(day.patient) if any(items.values()) else ZoneInfo("UTC")
    tst, tib, efficiency = sleep_metrics(day=day.date, zone=zone, **items)
    if tst is not None:
        day.total_sleep_min = tst
    day.time_in_bed_min = tib
    day.sleep_efficiency = efficiency


@transaction.atomic
def day_delete(
    *, patient: User, date: date, expected_version: int | str | None = None
) -> tuple[Day, Outcome]:
    """Tombstone a day so syncing clients learn about the deletion."""
    rows = Day.objects.filter(patient=patient, date=date)
    return _tombstone(
        rows, patient=patient, expected_version=expected_version, missing="No entry for that day."
    )


# --- headache attacks --------------------------------------------------------------------------


@transaction.atomic
def attack_upsert(
    *,
    patient: User,
    attack_id=None,
    expected_version: int | str | None = None,
    replace: bool = True,
    create_only: bool = False,
    **fields,
) -> tuple[HeadacheAttack, Outcome]:
    """Create or update one headache attack (client UUID: a retried create never duplicates;
    ``create_only``: an existing attack is answered as it is, like a replayed POST).

    Validates: start not in the future, end after start, intensity 0-10; derives the diary
    days it covers (``start_date``/``end_date``, both by the 04:00 rollover rule, in the UTC
    offset the device sent with each time, else in the profile zone).
    """
    _refuse_unknown(fields, ATTACK_FIELDS)
    stored = _locked(HeadacheAttack, patient=patient, object_id=attack_id)
    if create_only and stored is not None:
        return stored, Outcome.UNCHANGED
    attack = _edit(
        HeadacheAttack,
        stored,
        identity=_identity(patient, attack_id),
        replace=replace,
        reset=ATTACK_FIELDS,
        fields=fields,
    )
    _settle_offsets(attack, stored, fields, ATTACK_OFFSETS)
    _check_attack_times(attack)
    attack.start_date = diary_date_for(patient, attack.started_at, attack.started_offset_min)
    if attack.ended_at is None:
        attack.ended_offset_min = None
        attack.end_date = None
    else:
        last = attack.ended_at - timedelta(seconds=1)
        end_day = diary_date_for(patient, last, attack.ended_offset_min)
        attack.end_date = max(end_day, attack.start_date)
    return _save(stored, attack, patient=patient, expected_version=expected_version)


ATTACK_OFFSETS = {"started_at": "started_offset_min", "ended_at": "ended_offset_min"}


@transaction.atomic
def attack_start_now(
    *, patient: User, peak_intensity: int, attack_id=None
) -> tuple[HeadacheAttack, Outcome]:
    """ "Headache started now" (one tap): an ongoing attack from this moment, with the pain the
    patient tapped. One ongoing attack at a time: while one is open it is answered unchanged
    (a second tap, or a replayed request, shows it instead of starting another)."""
    _lock_patient(patient)
    open_attack = ongoing_attack(patient=patient)
    if open_attack is not None:
        return open_attack, Outcome.UNCHANGED
    return attack_upsert(
        patient=patient,
        attack_id=attack_id or uuid.uuid4(),
        create_only=True,
        started_at=timezone.now(),
        peak_intensity=peak_intensity,
    )


@transaction.atomic
def attack_end_now(*, patient: User, attack_id) -> tuple[HeadacheAttack, Outcome]:
    """ "Ended now": the ongoing attack ends at this moment; its last diary day is today. An
    attack that has already ended is answered unchanged (a replayed tap moves no end time)."""
    stored = _locked(HeadacheAttack, patient=patient, object_id=attack_id)
    if stored is None or stored.is_deleted:
        raise NotFound("That headache is not in your diary.")
    if stored.ended_at is not None:
        return stored, Outcome.UNCHANGED
    return attack_upsert(
        patient=patient, attack_id=stored.pk, replace=False, ended_at=timezone.now()
    )


def _check_attack_times(attack: HeadacheAttack) -> None:
    if not attack.started_at:
        raise ValidationError({"started_at": "When did the headache start?"})
    _check_dates(attack, "started_at", "ended_at")
    now = timezone.now()
    if attack.started_at > now + timedelta(minutes=5):
        raise ValidationError({"started_at": "The start cannot be in the future."})
    if attack.ended_at is not None:
        if attack.ended_at <= attack.started_at:
            raise ValidationError({"ended_at": "The end must be after the start."})
        if attack.ended_at > now + timedelta(minutes=5):
            raise ValidationError({"ended_at": "The end cannot be in the future."})


@transaction.atomic
def attack_delete(
    *, patient: User, attack_id, expected_version: int | str | None = None
) -> tuple[HeadacheAttack, Outcome]:
    rows = HeadacheAttack.objects.filter(patient=patient, pk=_object_id(attack_id))
    return _tombstone(rows, patient=patient, expected_version=expected_version)


# --- medications and doses ----------------------------------------------------------------------


@transaction.atomic
def medication_upsert(
    *,
    patient: User,
    medication_id=None,
    expected_version: int | str | None = None,
    replace: bool = True,
    create_only: bool = False,
    **fields,
) -> tuple[Medication, Outcome]:
    """Create or update an entry of the patient's medication list."""
    _refuse_unknown(fields, MEDICATION_FIELDS)
    stored = _locked(Medication, patient=patient, object_id=medication_id)
    if create_only and stored is not None:
        return stored, Outcome.UNCHANGED
    medication = _edit(
        Medication,
        stored,
        identity=_identity(patient, medication_id),
        replace=replace,
        reset=MEDICATION_FIELDS,
        fields=fields,
    )
    medication.name = (medication.name or "").strip()
    if not medication.name:
        raise ValidationError({"name": "Give the medication a name."})
    clash = Medication.objects.filter(
        patient=patient,
        name__iexact=medication.name,
        med_class=medication.med_class,
        deleted_at__isnull=True,
    ).exclude(pk=medication.pk)
    if clash.exists():
        raise ValidationError({"name": "This medication is already on your list."})
    _check_dates(medication, "started_on", "stopped_on")
    started, stopped = medication.started_on, medication.stopped_on
    if started and stopped and stopped < started:
        raise ValidationError({"stopped_on": "The stop date must be on or after the start."})
    if medication.default_amount is not None and medication.default_amount <= 0:
        raise ValidationError({"default_amount": "The amount must be more than 0."})
    # Acute vs preventive decides acute-medication days, so every change is recomputed.
    return _save(stored, medication, patient=patient, expected_version=expected_version)


def medication_for_name(*, patient: User, name: str, med_class: str) -> Medication:
    """The patient's live medication with this name and class, created if missing (CSV, seed)."""
    existing = Medication.objects.filter(
        patient=patient, name__iexact=name.strip(), med_class=med_class, deleted_at__isnull=True
    ).first()
    if existing:
        return existing
    medication, _ = medication_upsert(patient=patient, name=name, med_class=med_class)
    return medication


@transaction.atomic
def medication_delete(
    *, patient: User, medication_id, expected_version: int | str | None = None
) -> tuple[Medication, Outcome]:
    rows = Medication.objects.filter(patient=patient, pk=_object_id(medication_id))
    return _tombstone(rows, patient=patient, expected_version=expected_version)


def _own_live(model: type[Model], *, patient: User, object_id):
    """The patient's live object with this id, or None (unknown, deleted or not theirs)."""
    if object_id is None:
        return None
    return model.objects.filter(patient=patient, pk=object_id, deleted_at__isnull=True).first()


@transaction.atomic
def dose_upsert(
    *,
    patient: User,
    dose_id=None,
    expected_version: int | str | None = None,
    replace: bool = True,
    create_only: bool = False,
    **fields,
) -> tuple[Dose, Outcome]:
    """Record one medication intake; the medication (and attack) must be the patient's own and
    live. They are given as objects (``medication``, ``attack``) or ids (``medication_id``,
    ``attack_id``); the diary day, unit and amount default from the time and medication."""
    _refuse_unknown(fields, (*DOSE_FIELDS, "medication_id", "attack_id"))
    stored = _locked(Dose, patient=patient, object_id=dose_id)
    if create_only and stored is not None:
        return stored, Outcome.UNCHANGED
    dose = _edit(
        Dose,
        stored,
        identity=_identity(patient, dose_id),
        replace=replace,
        reset=DOSE_FIELDS,
        fields=fields,
    )
    medication = _own_live(Medication, patient=patient, object_id=dose.medication_id)
    if medication is None:
        raise ValidationError({"medication": "Choose a medication from your list."})
    dose.medication = medication
    if dose.attack_id is not None:
        attack = _own_live(HeadacheAttack, patient=patient, object_id=dose.attack_id)
        if attack is None:
            raise ValidationError({"attack": "That headache is not in your diary."})
        dose.attack = attack
    _settle_offsets(dose, stored, fields, {"taken_at": "taken_offset_min"})
    if stored is not None and "date" not in fields and stored.taken_at != dose.taken_at:
        dose.date = None  # a new time without a day: the day follows the time
    _check_dose_time(patient, dose)
    if not dose.unit:
        dose.unit = medication.unit
    if dose.amount is None:
        dose.amount = medication.default_amount
    if dose.amount is not None and dose.amount <= 0:
        raise ValidationError({"amount": "The amount must be more than 0."})
    return _save(
        stored,
        dose,
        patient=patient,
        expected_version=expected_version,
        exclude=("patient", "medication", "attack"),  # checked just above, as the patient's own
    )


def _check_dose_time(patient: User, dose: Dose) -> None:
    if not dose.taken_at:
        raise ValidationError({"taken_at": "When did you take it?"})
    _check_dates(dose, "taken_at", "date")
    if dose.taken_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"taken_at": "The time cannot be in the future."})
    if not dose.date:
        dose.date = diary_date_for(patient, dose.taken_at, dose.taken_offset_min)
    _check_day(patient, dose.date, dose.taken_offset_min)


@transaction.atomic
def dose_delete(
    *, patient: User, dose_id, expected_version: int | str | None = None
) -> tuple[Dose, Outcome]:
    rows = Dose.objects.filter(patient=patient, pk=_object_id(dose_id))
    return _tombstone(rows, patient=patient, expected_version=expected_version)


# --- own triggers ------------------------------------------------------------------------------


@transaction.atomic
def trigger_upsert(
    *,
    patient: User,
    trigger_id=None,
    expected_version: int | str | None = None,
    replace: bool = True,
    create_only: bool = False,
    **fields,
) -> tuple[Trigger, Outcome]:
    """Create or rename one of the patient's own triggers (one live trigger per name, any
    case; not a name of the default checklist; at most ``scales.MAX_OWN_TRIGGERS`` live)."""
    _refuse_unknown(fields, TRIGGER_FIELDS)
    stored = _locked(Trigger, patient=patient, object_id=trigger_id)
    if create_only and stored is not None:
        return stored, Outcome.UNCHANGED
    trigger = _edit(
        Trigger,
        stored,
        identity=_identity(patient, trigger_id),
        replace=replace,
        reset=TRIGGER_FIELDS,
        fields=fields,
    )
    trigger.name = " ".join((trigger.name or "").split())
    if not trigger.name:
        raise ValidationError({"name": "Give the trigger a name."})
    defaults = {label.casefold() for label in scales.DEFAULT_TRIGGER_LABELS.values()}
    if trigger.name.casefold() in defaults:
        raise ValidationError({"name": "This trigger is already on the checklist."})
    live = Trigger.objects.filter(patient=patient, deleted_at__isnull=True).exclude(pk=trigger.pk)
    if live.filter(name__iexact=trigger.name).exists():
        raise ValidationError({"name": "This trigger is already on your list."})
    if (stored is None or stored.is_deleted) and live.count() >= scales.MAX_OWN_TRIGGERS:
        raise ValidationError(
            {"name": f"You can keep up to {scales.MAX_OWN_TRIGGERS} own triggers; remove one."}
        )
    return _save(stored, trigger, patient=patient, expected_version=expected_version)


@transaction.atomic
def trigger_delete(
    *, patient: User, trigger_id, expected_version: int | str | None = None
) -> tuple[Trigger, Outcome]:
    """Remove an own trigger from the checklist; days that ticked it keep the key (history)."""
    rows = Trigger.objects.filter(patient=patient, pk=_object_id(trigger_id))
    return _tombstone(rows, patient=patient, expected_version=expected_version)


# --- questionnaires ----------------------------------------------------------------------------


def _int_answers(answers, count: int, maximum: int, field: str = "answers") -> list[int]:
    if not isinstance(answers, list) or len(answers) != count:
        raise ValidationError({field: f"Give exactly {count} answers."})
    for value in answers:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise ValidationError(
                {field: f"Each answer must be a whole number from 0 to {maximum}."}
            )
    return answers


def score_questionnaire(instrument: str, answers) -> tuple[object, int]:
    """Validate and score one questionnaire; returns (normalized answers, score).

    - ASC-12 (Lipton et al. 2008): 12 items 0-2, total 0-24.
    - PSS-4 (Cohen et al. 1983): 4 items 0-4, items 2 and 3 reversed, total 0-16.
    - ACR 2016 SSS (Wolfe et al. 2016): fatigue, waking unrefreshed, cognitive 0-3 each plus
      headaches, lower-abdominal pain, depression 0/1 each, total 0-12.
    - PHQ-4 (0-12), PHQ-8 (0-24), GAD-7 (0-21): items 0-3, summed (Kroenke 2009, Spitzer 2006).
    - TMD Pain Screener, 6 items (Gonzalez et al. 2011): item 1 0-2, items 2-6 0/1, total 0-7.
    - MIDAS (Stewart et al. 2001): days in 3 months; items 1-5 summed, A and B not scored.
    - DSQ-SF (Sunnquist et al. 2019): 14 [frequency, severity] pairs 0-4; the DSQ composite
      0-100 (``scales.dsq_score``).
    """
    if instrument == "asc12":
        values = _int_answers(answers, len(scales.ASC12_ITEMS), scales.ASC12_ANSWER_MAX)
        return values, sum(values)
    if instrument == "pss4":
        values = _int_answers(answers, len(scales.PSS4_ITEMS), scales.PSS4_ANSWER_MAX)
        score = sum(
            scales.PSS4_ANSWER_MAX - v if i in scales.PSS4_REVERSED else v
            for i, v in enumerate(values)
        )
        return values, score
    if instrument == "sss":
        if not isinstance(answers, dict):
            raise ValidationError({"answers": "Give the six SSS items as a mapping."})
        expected = set(scales.SSS_WEEK_ITEMS) | set(scales.SSS_SIX_MONTH_ITEMS)
        if set(answers) != expected:
            raise ValidationError({"answers": f"Give exactly: {', '.join(sorted(expected))}."})
        for name in scales.SSS_WEEK_ITEMS:
            _int_answers([answers[name]], 1, 3)
        for name in scales.SSS_SIX_MONTH_ITEMS:
            _int_answers([answers[name]], 1, 1)
        return dict(answers), sum(answers.values())
    if instrument in scales.LIST_SCREENS:
        maxima = scales.LIST_SCREENS[instrument]
        _int_answers(answers, len(maxima), max(maxima))
        for value, maximum in zip(answers, maxima, strict=True):
            _int_answers([value], 1, maximum)
        return answers, sum(answers)
    if instrument == "midas":
        return _midas_answers(answers), sum(answers[: scales.MIDAS_SCORED])
    if instrument == "dsqsf":
        pairs = _dsq_answers(answers)
        return pairs, scales.dsq_score(pairs)
    raise ValidationError(
        {"instrument": f"Choose one of: {', '.join(QuestionnaireResponse.Instrument.values)}."}
    )


def _midas_answers(answers) -> list[int]:
    """MIDAS answers: days 0-90 (items 1-5 and A) and pain 0-10 (B); the "reduced by half"
    days exclude the days missed, so each pair fits in the 90 days of 3 months."""
    maxima = scales.MIDAS_ITEM_MAX
    _int_answers(answers, len(maxima), max(maxima))
    for value, maximum in zip(answers, maxima, strict=True):
        _int_answers([value], 1, maximum)
    if answers[0] + answers[1] > 90 or answers[2] + answers[3] > 90:
        raise ValidationError(
            {"answers": "Days missed and days at half productivity add up to more than 90."}
        )
    return answers


def _dsq_answers(answers) -> list[list[int]]:
    """DSQ-SF answers: one [frequency, severity] pair per symptom, each 0-4."""
    count = len(scales.DSQ_ITEMS)
    if not isinstance(answers, list) or len(answers) != count:
        raise ValidationError({"answers": f"Give exactly {count} [frequency, severity] pairs."})
    for pair in answers:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValidationError({"answers": "Each answer is a [frequency, severity] pair."})
        _int_answers(pair, 2, scales.DSQ_ANSWER_MAX)
    return [list(pair) for pair in answers]


@transaction.atomic
def questionnaire_upsert(
    *,
    patient: User,
    questionnaire_id=None,
    expected_version: int | str | None = None,
    replace: bool = True,
    create_only: bool = False,
    instrument: str | None = None,
    date: date | None = None,
    answers=None,
) -> tuple[QuestionnaireResponse, Outcome]:
    """Save a questionnaire response and its score (one live response per instrument and day).

    A response is scored whole: without ``replace`` (PATCH) the parts not given are the
    stored ones."""
    stored = _locked(QuestionnaireResponse, patient=patient, object_id=questionnaire_id)
    if create_only and stored is not None:
        return stored, Outcome.UNCHANGED
    parts = {"instrument": instrument, "date": date, "answers": answers}
    for name, value in parts.items():
        if value is None:
            if replace or stored is None:
                raise ValidationError({name: "This field is required."})
            parts[name] = getattr(stored, name)
    _check_day(patient, parts["date"])
    parts["answers"], parts["score"] = score_questionnaire(parts["instrument"], parts["answers"])
    response = _edit(
        QuestionnaireResponse,
        stored,
        identity=_identity(patient, questionnaire_id),
        replace=False,
        reset=(),
        fields=parts,
    )
    clash = QuestionnaireResponse.objects.filter(
        patient=patient, instrument=response.instrument, date=response.date, deleted_at__isnull=True
    ).exclude(pk=response.pk)
    if clash.exists():
        raise ValidationError({"date": ALREADY_ANSWERED})
    try:
        with transaction.atomic():
            return _save(stored, response, patient=patient, expected_version=expected_version)
    except IntegrityError:
        if stored is None and QuestionnaireResponse.objects.filter(pk=response.pk).exists():
            raise  # the same id created at the same moment: the caller may retry
        raise ValidationError({"date": ALREADY_ANSWERED}) from None


@transaction.atomic
def questionnaire_delete(
    *, patient: User, questionnaire_id, expected_version: int | str | None = None
) -> tuple[QuestionnaireResponse, Outcome]:
    rows = QuestionnaireResponse.objects.filter(patient=patient, pk=_object_id(questionnaire_id))
    return _tombstone(rows, patient=patient, expected_version=expected_version)


def ensure_patient_profile(patient: User) -> PatientProfile:
    profile, _ = PatientProfile.objects.get_or_create(user=patient)
    return profile
