"""The daily check-in page's reads and its one-transaction save.

``load_checkin`` gathers everything the page shows in a fixed number of queries, whatever the
length of the history. ``save_checkin`` turns a valid ``CheckinForm`` into service calls
(``day_upsert`` + ``attack_upsert`` + ``dose_upsert``/``dose_delete``) inside one transaction:
if any service rejects a value, the error lands on the matching form field and nothing is saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import PatientProfile, User
from diary import scales, selectors, services
from diary.days import diary_date_for, patient_today, patient_zone
from diary.forms import CheckinForm, diary_moment
from diary.models import Day, Dose, HeadacheAttack, Medication

QUICK_PICKS_SHOWN = 6
PERIOD_LOOKBACK_DAYS = 14  # longer than any period: "day N" counts back this far at most


@dataclass
class DoseRow:
    """One medication line of the check-in: an existing dose of the day, or a quick-pick."""

    PARTS = ("take", "time", "amount", "quantity", "relief")

    key: str
    medication: Medication
    dose: Dose | None = None
    recent: bool = False  # used before: shown among the first quick-picks

    @property
    def existing(self) -> bool:
        return self.dose is not None


@dataclass
class CheckinContext:
    patient: User
    profile: PatientProfile
    zone: ZoneInfo
    day: date
    today: date
    now: datetime
    day_row: Day | None = None
    yesterday_row: Day | None = None
    attack: HeadacheAttack | None = None
    attack_continues: bool = False
    other_attacks: list[HeadacheAttack] = field(default_factory=list)
    dose_rows: list[DoseRow] = field(default_factory=list)
    has_medications: bool = False
    carry_pain: dict[str, int] = field(default_factory=dict)
    carry_meds: dict[str, dict[str, str]] = field(default_factory=dict)
    usual_sleep: tuple[str, str] | None = None  # suggested bed and wake times, tap to use
    # For cycle trackers: the number this day would have in a period still going on yesterday
    # (yesterday day 2 -> 3); None when yesterday was not a period day.
    period_day: int | None = None
    trigger_choices: list[tuple[str, str]] = field(default_factory=list)  # key, label

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def is_future(self) -> bool:
        return self.day > self.today

    @property
    def can_carry(self) -> bool:
        return bool(self.carry_pain or self.carry_meds)

    @property
    def pick_rows(self) -> list[DoseRow]:
        return [row for row in self.dose_rows if not row.existing]

    @property
    def existing_rows(self) -> list[DoseRow]:
        return [row for row in self.dose_rows if row.existing]


def load_checkin(*, patient: User, day: date, attack_choice: str | None = None) -> CheckinContext:
    """Everything the check-in page of one diary day needs, in seven queries."""
    try:
        profile = patient.patient_profile
    except PatientProfile.DoesNotExist:
        profile = services.ensure_patient_profile(patient)
    zone = patient_zone(patient)
    context = CheckinContext(
        patient=patient,
        profile=profile,
        zone=zone,
        day=day,
        today=patient_today(patient),
        now=timezone.now().astimezone(zone),
    )
    yesterday = day - timedelta(days=1)
    for row in selectors.days_between(patient=patient, start=yesterday, end=day):
        if row.date == day:
            context.day_row = row
        else:
            context.yesterday_row = row
    attacks = list(selectors.attacks_touching(patient=patient, start=day, end=day))
    _choose_attack(context, attacks, attack_choice)
    doses = list(selectors.doses_between(patient=patient, start=yesterday, end=day))
    _build_dose_rows(context, doses)
    _build_carry(context, doses)
    if not _has_sleep(context.day_row):
        context.usual_sleep = _usual_sleep(profile)
    if profile.tracks_cycle:
        context.period_day = _period_day(patient, day)
    context.trigger_choices = _trigger_choices(patient, context.day_row)
    return context


def _period_day(patient: User, day: date) -> int | None:
    """Day N of a period that was still going on yesterday: one more than the run of period
    days ending yesterday (one query over the last ``PERIOD_LOOKBACK_DAYS``)."""
    since = day - timedelta(days=PERIOD_LOOKBACK_DAYS)
    dates = set(selectors.period_dates(patient=patient, start=since, end=day - timedelta(days=1)))
    run = 0
    while day - timedelta(days=run + 1) in dates:
        run += 1
    return run + 1 if run else None


def _trigger_choices(patient: User, day_row: Day | None) -> list[tuple[str, str]]:
    """The checklist: the defaults, the patient's own triggers, and any own trigger the day
    ticked before it was removed from the list (so saving the day again keeps it)."""
    choices = list(scales.DEFAULT_TRIGGERS)
    choices += [(t.key, t.name) for t in selectors.triggers_for(patient=patient)]
    known = {key for key, _ in choices}
    stored = (day_row.triggers or []) if day_row is not None else []
    choices += [(key, "A removed trigger") for key in stored if key not in known]
    return choices


def _usual_sleep(profile: PatientProfile) -> tuple[str, str] | None:
    """The patient's usual bed and wake times, offered as a one-tap suggestion (never saved
    unless the patient taps it)."""
    if profile.usual_bedtime is None or profile.usual_wake_time is None:
        return None
    return (_hhmm(profile.usual_bedtime), _hhmm(profile.usual_wake_time))


def _hhmm(clock) -> str:
    return clock if isinstance(clock, str) else clock.strftime("%H:%M")


def _choose_attack(
    context: CheckinContext, attacks: list[HeadacheAttack], choice: str | None
) -> None:
    """The attack the form edits: the one asked for (``new`` for another attack this day),
    else the first one touching this day."""
    if choice == "new":
        chosen = None
    else:
        chosen = next((a for a in attacks if a.pk.hex == choice), attacks[0] if attacks else None)
    context.attack = chosen
    context.attack_continues = bool(chosen and chosen.start_date < context.day)
    context.other_attacks = [a for a in attacks if a is not chosen]


def _medications_by_recency(patient: User) -> list[Medication]:
    """The patient's live medications, most recently used first (one query)."""
    return list(
        Medication.objects.filter(patient=patient, deleted_at__isnull=True)
        .annotate(last_used=Max("doses__taken_at", filter=Q(doses__deleted_at__isnull=True)))
        .order_by(F("last_used").desc(nulls_last=True), "kind", "name")
    )


def _active_on(medication: Medication, day: date) -> bool:
    started, stopped = medication.started_on, medication.stopped_on
    return (started is None or started <= day) and (stopped is None or stopped >= day)


def _build_dose_rows(context: CheckinContext, doses: list[Dose]) -> None:
    medications = _medications_by_recency(context.patient)
    context.has_medications = bool(medications)
    rows = [
        DoseRow(key=f"dose_{dose.pk.hex}", medication=dose.medication, dose=dose)
        for dose in doses
        if dose.date == context.day
    ]
    for position, medication in enumerate(m for m in medications if _active_on(m, context.day)):
        rows.append(
            DoseRow(
                key=f"med_{medication.pk.hex}",
                medication=medication,
                recent=medication.last_used is not None or position < QUICK_PICKS_SHOWN,
            )
        )
    context.dose_rows = rows


def _build_carry(context: CheckinContext, doses: list[Dose]) -> None:
    """Yesterday's painful areas and medications, to copy into this day with one tap."""
    if context.yesterday_row is not None:
        context.carry_pain = context.yesterday_row.pain_map
    pick_keys = {row.medication.pk: row.key for row in context.pick_rows}
    yesterday = context.day - timedelta(days=1)
    for dose in doses:
        key = pick_keys.get(dose.medication_id)
        if dose.date != yesterday or key is None:
            continue
        clock = dose.taken_at.astimezone(context.zone).time().replace(second=0, microsecond=0)
        if diary_moment(context.day, clock, context.zone) > context.now:
            clock = context.now.time().replace(second=0, microsecond=0)
        context.carry_meds[key] = {
            "time": clock.strftime("%H:%M"),
            "amount": _plain(dose.amount) or "",
            "quantity": _plain(dose.quantity),
        }


def _has_sleep(day_row: Day | None) -> bool:
    return day_row is not None and any(
        getattr(day_row, name) is not None for name in services.SLEEP_ITEM_FIELDS
    )


# --- initial values ------------------------------------------------------------------------------


def _clock(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).strftime("%H:%M") if moment else None


def draft_key(context: CheckinContext, attack_choice: str | None) -> str:
    """Where the page keeps an unsaved entry on the patient's device (``static/js/draft.js``):
    an opaque id of the account (never its email or primary key, and different for each
    account sharing a browser), the day, and which headache of the day is being edited."""
    owner = salted_hmac("flaremap.checkin-draft", str(context.patient.pk)).hexdigest()[:20]
    return f"{owner}:{context.day.isoformat()}:{attack_choice or ''}"


def initial_values(context: CheckinContext) -> dict:
    """What the form shows before the patient changes anything."""
    initial: dict = {}
    row = context.day_row
    if row is not None:
        initial["version"] = row.version
        for name in ("stress", "mood", "fatigue", "notes", *services.SLEEP_ITEM_FIELDS):
            initial[name] = getattr(row, name)
        initial["awakenings"] = row.awakenings
        initial["sleep_quality"] = row.sleep_quality
        for code, value in row.pain_map.items():
            initial[scales.pain_field(code)] = value
        if row.headache is not None:
            initial["headache"] = "yes" if row.headache else "no"
        initial["attack_peak"] = row.headache_peak
        initial["no_body_pain"] = bool(row.body_map_answered) and not row.pain_map
        if row.period is not None:
            initial["period"] = "yes" if row.period else "no"
        initial["triggers"] = row.triggers or []
        initial["no_triggers"] = row.triggers == []
        if not _has_sleep(row):
            initial["sleep_hours"] = row.total_sleep_min
    if context.attack is not None:
        initial.update(_attack_initial(context))
    for dose_row in context.dose_rows:
        initial.update(_dose_initial(context, dose_row))
    return initial


def _attack_initial(context: CheckinContext) -> dict:
    attack = context.attack
    initial = {
        "headache": "yes",
        "attack_start": _clock(attack.started_at, context.zone),
        "attack_peak": attack.peak_intensity,
        "attack_side": attack.side,
        "attack_features": attack.features,
        "attack_aura_minutes": attack.aura_minutes,
        "attack_impact": attack.functional_impact,
    }
    if attack.ended_at:
        initial["attack_end"] = _clock(attack.ended_at, context.zone)
        end_day = diary_date_for(context.patient, attack.ended_at)
        initial["attack_end_next_day"] = end_day > context.day
    return initial


def _dose_initial(context: CheckinContext, row: DoseRow) -> dict:
    key = row.key
    if row.existing:
        dose = row.dose
        return {
            f"{key}_take": True,
            f"{key}_time": _clock(dose.taken_at, context.zone),
            f"{key}_amount": _plain(dose.amount),
            f"{key}_quantity": _plain(dose.quantity),
            f"{key}_relief": dose.relief_2h,
        }
    now_clock = context.now.strftime("%H:%M") if context.is_today else None
    return {
        f"{key}_time": now_clock,
        f"{key}_amount": _plain(row.medication.default_amount),
        f"{key}_quantity": 1,
    }


def _plain(amount) -> str | None:
    """A decimal without trailing zeros (400, 2.5) for the form."""
    return None if amount is None else f"{amount.normalize():f}"


def carry_forward(context: CheckinContext, data) -> dict:
    """Form values with yesterday's areas and medications filled in where still empty."""
    flat = {name: data.get(name) for name in data if name not in ("csrfmiddlewaretoken", "action")}
    for code, value in context.carry_pain.items():
        if not flat.get(scales.pain_field(code)):
            flat[scales.pain_field(code)] = value
    for key, dose in context.carry_meds.items():
        if not flat.get(f"{key}_take"):
            flat[f"{key}_take"] = True
            flat[f"{key}_time"] = dose["time"]
            if dose["amount"]:
                flat[f"{key}_amount"] = dose["amount"]
            flat[f"{key}_quantity"] = dose["quantity"]
    for name in ("attack_features", "red_flags", "triggers"):
        flat[name] = data.getlist(name)
    return flat


def use_usual_sleep(context: CheckinContext, data) -> dict:
    """Form values with the usual bed and wake times filled in (the patient tapped them)."""
    flat = {name: data.get(name) for name in data if name not in ("csrfmiddlewaretoken", "action")}
    if context.usual_sleep is not None:
        flat["bedtime"], flat["final_wake"] = context.usual_sleep
        flat["rise_time"] = flat.get("rise_time") or context.usual_sleep[1]
    for name in ("attack_features", "red_flags", "triggers"):
        flat[name] = data.getlist(name)
    return flat


def safety_inputs(form: CheckinForm) -> dict:
    """What ``diary.safety.warning_signs`` needs from a valid check-in's headache section."""
    cleaned = form.cleaned_data
    if cleaned.get("headache") != "yes":
        return {"flags": set(cleaned.get("red_flags") or ())}
    features = set(cleaned.get("attack_features") or ())
    return {
        "flags": set(cleaned.get("red_flags") or ()),
        "peak": cleaned.get("attack_peak"),
        "aura_minutes": cleaned.get("attack_aura_minutes") if "aura" in features else None,
    }


def carry_payload(context: CheckinContext) -> dict:
    """Yesterday's values for the client-side 'Same as yesterday' button."""
    return {
        "pain": {scales.pain_field(code): value for code, value in context.carry_pain.items()},
        "meds": context.carry_meds,
    }


# --- save ---------------------------------------------------------------------------------------

SERVICE_FIELD_TO_FORM = {
    "started_at": "attack_start",
    "ended_at": "attack_end",
    "peak_intensity": "attack_peak",
    "side": "attack_side",
    "aura_minutes": "attack_aura_minutes",
    "functional_impact": "attack_impact",
    "date": None,
    "body_pain": None,
}


class CheckinRejected(Exception):
    """A service refused part of the check-in; the transaction was rolled back."""


def save_checkin(*, form: CheckinForm) -> Day | None:
    """Write the whole check-in in one transaction; None (with form errors) if anything fails."""
    context, cleaned = form.context, form.cleaned_data
    try:
        with transaction.atomic():
            day = _save_day(context, cleaned, form)
            attack = _save_attack(context, cleaned, form)
            for row in context.dose_rows:
                _save_dose(context, cleaned, row, attack, form)
    except services.VersionConflict:
        form.add_error(
            None,
            "This day was changed elsewhere (another device or an import) since you opened "
            "it. Reload the page to see the latest entry.",
        )
        return None
    except CheckinRejected:
        return None
    return day


def _service_call(form: CheckinForm, call, *, prefix: str = "", mapping=None, **kwargs):
    try:
        return call(**kwargs)
    except ValidationError as error:
        mapping = mapping or {}
        for name, messages in error.message_dict.items():
            target = mapping.get(name, SERVICE_FIELD_TO_FORM.get(name, name))
            target = target if target in form.fields else None
            for message in messages:
                form.add_error(target, message)
        raise CheckinRejected from error
    except services.NotFound as error:
        form.add_error(None, f"{prefix}{error} Reload the page and try again.")
        raise CheckinRejected from error


def _save_day(context: CheckinContext, cleaned: dict, form: CheckinForm) -> Day:
    """Only what the patient entered: untouched sleep, stress or body map stay empty."""
    fields = {name: cleaned.get(name) for name in ("stress", "mood", "fatigue", "notes")}
    skip_sleep = cleaned.get("sleep_skip")
    for name in CheckinForm.SLEEP_ITEMS:
        fields[name] = None if skip_sleep else cleaned.get(name)
    # Hours slept entered directly; the service replaces it when bed and wake times are given.
    fields["total_sleep_min"] = None if skip_sleep else cleaned.get("sleep_hours")
    existing = context.day_row
    answer = cleaned.get("headache")
    fields["headache"] = True if form.saves_attack() else {"yes": True, "no": False}.get(answer)
    fields["headache_peak"] = form.untimed_peak()
    body_pain = form.marked_areas()
    fields["body_map_answered"] = bool(body_pain or cleaned.get("no_body_pain"))
    # Not asked (tracking off): the stored answer stays, a hidden question erases nothing.
    if "period" in form.fields:
        fields["period"] = form.period_answer()
    else:
        fields["period"] = existing.period if existing is not None else None
    fields["triggers"] = form.trigger_answer()
    day, _ = _service_call(
        form,
        services.day_upsert,
        patient=context.patient,
        date=context.day,
        body_pain=body_pain,
        expected_version=_expected_version(existing, cleaned.get("version")),
        replace=True,
        **fields,
    )
    return day


def _expected_version(existing: Day | None, posted: int | None) -> int | None:
    """The version the patient edited; 0 (never current) if the page showed a new day but the
    day was created elsewhere meanwhile, so that entry is not silently overwritten."""
    if existing is None:
        return None
    return posted if posted is not None else 0


def _save_attack(context: CheckinContext, cleaned: dict, form: CheckinForm):
    attack = context.attack
    answer = cleaned.get("headache")
    if not form.saves_attack():
        if answer == "no" and attack is not None:
            if context.attack_continues and attack.ended_at is None:
                form.add_error(
                    "headache",
                    f"Your headache from {attack.start_date:%-d %B} is still marked as ongoing. "
                    "Choose “Headache” and give the time it ended.",
                )
                raise CheckinRejected
            if not context.attack_continues:
                _service_call(
                    form,
                    services.attack_delete,
                    patient=context.patient,
                    attack_id=attack.pk,
                )
        return None
    features = set(cleaned.get("attack_features") or ())
    fields = {
        "ended_at": cleaned.get("attack_ended_at"),
        "peak_intensity": cleaned.get("attack_peak"),
        "side": cleaned.get("attack_side") or "unknown",
        "aura_minutes": cleaned.get("attack_aura_minutes") if "aura" in features else None,
        "functional_impact": cleaned.get("attack_impact"),
        **{code: code in features for code in scales.MIGRAINE_FEATURE_CODES},
    }
    if not context.attack_continues:
        fields["started_at"] = cleaned["attack_started_at"]
    if attack is not None:
        _keep_device_time(fields, "started_at", attack.started_offset_min, context, attack, cleaned)
        _keep_device_time(fields, "ended_at", attack.ended_offset_min, context, attack, cleaned)
    saved, _ = _service_call(
        form,
        services.attack_upsert,
        patient=context.patient,
        attack_id=attack.pk if attack is not None else uuid.uuid4(),
        replace=False,
        **fields,
    )
    return saved


_FORM_CLOCKS = {"started_at": "attack_start", "ended_at": "attack_end", "taken_at": "taken_at"}


def _keep_device_time(fields: dict, name: str, offset_min, context, stored, cleaned) -> None:
    """A time a device sent with its own UTC offset is shown here in the profile zone; left
    as it was, it is not sent again, so the entry keeps its instant and the device's day
    (composing the clock with this page's day would move it when the two dates differ)."""
    moment, clock = getattr(stored, name), cleaned.get(_FORM_CLOCKS[name])
    if offset_min is None or moment is None or clock is None or name not in fields:
        return
    if moment.astimezone(context.zone).time().replace(second=0, microsecond=0) == clock:
        del fields[name]


def _save_dose(context, cleaned, row: DoseRow, attack, form: CheckinForm) -> None:
    key = row.key
    mapping = {
        "taken_at": f"{key}_time",
        "amount": f"{key}_amount",
        "quantity": f"{key}_quantity",
        "relief_2h": f"{key}_relief",
        "medication": f"{key}_take",
        "attack": f"{key}_take",
    }
    if not cleaned.get(f"{key}_take"):
        if row.existing:
            _service_call(form, services.dose_delete, patient=context.patient, dose_id=row.dose.pk)
        return
    fields = {
        "taken_at": cleaned[f"{key}_taken_at"],
        "date": context.day,
        "amount": cleaned.get(f"{key}_amount"),
        "quantity": cleaned.get(f"{key}_quantity") or 1,
        "relief_2h": cleaned.get(f"{key}_relief") or "",
    }
    if attack is not None and row.medication.kind == Medication.Kind.ACUTE:
        fields["attack"] = attack
    if row.existing:
        clock = {"taken_at": cleaned.get(f"{key}_time")}
        _keep_device_time(fields, "taken_at", row.dose.taken_offset_min, context, row.dose, clock)
        _service_call(
            form,
            services.dose_upsert,
            mapping=mapping,
            patient=context.patient,
            dose_id=row.dose.pk,
            replace=False,
            **fields,
        )
        return
    _service_call(
        form,
        services.dose_upsert,
        mapping=mapping,
        patient=context.patient,
        dose_id=uuid.uuid4(),
        medication=row.medication,
        unit=row.medication.unit,
        **fields,
    )
