"""The patient's diary pages: daily check-in, calendar, trends, medications, questionnaires.

Thin: reads come from ``diary.checkin``/``diary.selectors``, writes go through
``diary.services`` (the check-in's one-transaction save is ``diary.checkin.save_checkin``).
Every page works without JavaScript; scripts only enhance (slider, tap-to-mark body map).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from diary import bodymap, checkin, month, safety, scales, selectors, services, timer, trends
from diary.days import patient_today
from diary.forms import (
    FATIGUE_LABELS,
    MOOD_LABELS,
    PAIN_STEPS,
    PEAK_LABELS,
    QUESTIONNAIRE_ITEMS,
    STRESS_LABELS,
    CheckinForm,
    MedicationForm,
    QuestionnaireForm,
    TriggerForm,
)
from diary.models import Medication

TRENDS_DEFAULT_DAYS = 30


def patient_required(view):
    """Logged-in patients only; clinicians and admins have no diary of their own (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_patient:
            raise PermissionDenied("Only patients keep a diary.")
        return view(request, *args, **kwargs)

    return wrapper


# --- daily check-in ----------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
def today(request):
    """Today's check-in (the diary day by the 04:00 rule in the patient's time zone)."""
    return _day_page(request, patient_today(request.user))


@patient_required
@require_http_methods(["GET", "POST"])
def day(request, day: date):
    return _day_page(request, day)


def _day_page(request, day: date):
    attack_choice = request.GET.get("attack") or request.POST.get("attack_choice") or None
    context = checkin.load_checkin(patient=request.user, day=day, attack_choice=attack_choice)
    if context.is_future:
        return render(request, "diary/day_future.html", _page(context), status=404)
    if request.method == "POST" and request.POST.get("action") == "carry":
        values = checkin.carry_forward(context, request.POST)
        form = CheckinForm(initial=values, context=context)
        messages.info(request, "Filled in yesterday’s body areas and medications. Check and save.")
    elif request.method == "POST" and request.POST.get("action") == "usual_sleep":
        form = CheckinForm(initial=checkin.use_usual_sleep(context, request.POST), context=context)
    elif request.method == "POST":
        form = CheckinForm(request.POST, context=context)
        if form.is_valid() and checkin.save_checkin(form=form):
            messages.success(request, f"Saved for {day:%A %-d %B}.")
            _warn(request, form)
            return redirect(_day_url(context, day))
    else:
        form = CheckinForm(initial=checkin.initial_values(context), context=context)
    page = _checkin_page(context, form, attack_choice)
    if context.is_today:
        page.update(timer.today_cards(context.patient, [context.attack, *context.other_attacks]))
    codes = request.session.pop(WARNING_SESSION_KEY, []) if request.method == "GET" else []
    page["warning_signs"] = [safety.SIGNS[code] for code in codes if code in safety.SIGNS]
    return render(request, "diary/day.html", page)


WARNING_SESSION_KEY = "checkin_warning_signs"


def _warn(request, form: CheckinForm) -> None:
    """After saving (never instead of it): warning signs in the headache just logged."""
    signs = safety.warning_signs(**checkin.safety_inputs(form))
    if signs:
        request.session[WARNING_SESSION_KEY] = [sign.code for sign in signs]


def warning_signs(request):
    """Static page: headache warning signs that need urgent care (linked from the check-in)."""
    return render(request, "diary/warning_signs.html", {"signs": safety.SIGNS.values(), "nav": ""})


def _day_url(context, day: date) -> str:
    if context.is_today:
        return reverse("diary:today")
    return reverse("diary:day", kwargs={"day": day})


def _page(context) -> dict:
    day = context.day
    previous, following = day - timedelta(days=1), day + timedelta(days=1)
    return {
        "nav": "today" if context.is_today else "calendar",
        "ctx": context,
        "day": day,
        "relative": _relative(day, context.today),
        "previous_day": previous,
        "next_day": following if following <= context.today else None,
        "next_is_today": following == context.today,
        "today": context.today,
        # Only in the small hours does "today" still mean the day that is ending.
        "before_rollover": context.now.hour < scales.DAY_ROLLOVER_HOUR,
    }


def _relative(day: date, today: date) -> str:
    delta = (today - day).days
    return {0: "Today", 1: "Yesterday"}.get(delta, "")


def _checkin_page(context, form: CheckinForm, attack_choice) -> dict:
    page = _page(context)
    pain_values = {}
    for area in scales.PAIN_AREAS:
        raw = form[scales.pain_field(area.code)].value()
        try:
            pain_values[area.code] = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            pain_values[area.code] = None
    page.update(
        form=form,
        pain_rows=[
            {"area": area, "field": form[scales.pain_field(area.code)]}
            for area in scales.PAIN_AREAS
        ],
        body_views=[
            {
                "name": view,
                "title": view.capitalize(),
                "sides": bodymap.side_labels(view),
                "head": bodymap.HEAD[view],
                "shapes": [
                    {
                        "shape": shape,
                        "value": pain_values[shape.code],
                        "name": _area_name(shape),
                        "tall": shape.h >= AREA_NAME_BESIDE_VALUE_HEIGHT,
                    }
                    for shape in bodymap.shapes(view)
                ],
            }
            for view in ("front", "back")
        ],
        marked_count=sum(1 for value in pain_values.values() if value),
        pain_steps=",".join(str(step) for step in PAIN_STEPS),
        pain_labels=json.dumps({value: scales.ihs_grade(value) for value in range(1, 11)}),
        dose_rows=[
            {"row": row, **form.dose_fields(row)}
            for row in form.dose_rows
            if row.existing or row.recent
        ],
        more_dose_rows=[
            {"row": row, **form.dose_fields(row)}
            for row in form.dose_rows
            if not row.existing and not row.recent
        ],
        carry_json=json.dumps(checkin.carry_payload(context)),
        attack_choice=attack_choice or "",
        draft_key=checkin.draft_key(context, attack_choice),
        sleep_summary=_sleep_summary(context.day_row),
        quick_start=json.dumps(_quick_times(context, start=True)),
        quick_end=json.dumps(_quick_times(context, start=False)),
        stress_labels=json.dumps(STRESS_LABELS),
        peak_labels=json.dumps(PEAK_LABELS),
        mood_labels=json.dumps(MOOD_LABELS),
        fatigue_labels=json.dumps(FATIGUE_LABELS),
    )
    return page


AREA_NAME_BESIDE_VALUE_HEIGHT = 40  # shapes this tall show their name and value together


AREA_SHORT_NAMES = {"Shoulder girdle": "Shoulder", "Hip (buttock)": "Hip"}


def _area_name(shape) -> list[str]:
    """The visible name inside a body-map shape, one word per line ("Upper", "arm"); the side
    is given by the shape's place and the captions, the full name by its accessible label."""
    label = scales.PAIN_AREA_BY_CODE[shape.code].label.split(",")[0]
    return AREA_SHORT_NAMES.get(label, label).split()


def _quick_times(context, *, start: bool) -> list[tuple[str, str]]:
    """One-tap times for a headache's start or end ('wake' = the wake-up time entered)."""
    if not context.is_today:
        choices = [("Morning", "09:00"), ("Afternoon", "14:00"), ("Evening", "19:00")]
        return [("On waking", "wake"), *choices] if start else choices
    day_start = datetime.combine(context.day, time(scales.DAY_ROLLOVER_HOUR), tzinfo=context.zone)
    choices = []
    for label, hours in (("Now", 0), ("1 h ago", 1), ("3 h ago", 3)):
        moment = context.now - timedelta(hours=hours)
        if moment >= day_start:
            choices.append((label, moment.strftime("%H:%M")))
    return [*choices, ("On waking", "wake")] if start else choices[:2]


def _sleep_summary(day_row) -> dict | None:
    if day_row is None or day_row.total_sleep_min is None:
        return None
    hours, minutes = divmod(day_row.total_sleep_min, 60)
    efficiency = day_row.sleep_efficiency
    return {
        "total": f"{hours} h {minutes:02d} min",
        "in_bed": (
            f"{day_row.time_in_bed_min // 60} h {day_row.time_in_bed_min % 60:02d} min"
            if day_row.time_in_bed_min is not None
            else None
        ),
        "efficiency": efficiency,
        "low_efficiency": efficiency is not None and efficiency < trends.LOW_EFFICIENCY,
    }


# --- calendar ------------------------------------------------------------------------------------


@patient_required
def calendar(request):
    """A month of the diary: headache status and painful-area load for each day."""
    patient = request.user
    today_ = patient_today(patient)
    first = month.parse_month(request.GET.get("month"), today_)
    last = month.month_end(first)
    facts = []
    if first <= today_:
        facts = selectors.day_facts(patient=patient, start=first, end=min(last, today_))
    weeks = month.month_grid(first=first, facts=facts, today=today_)
    return render(
        request,
        "diary/calendar.html",
        {
            "nav": "calendar",
            "first": first,
            "weeks": weeks,
            "today": today_,
            "previous_month": month.shift_month(first, -1),
            "next_month": month.shift_month(first, 1) if last < today_ else None,
            "recorded_days": sum(fact.has_entry for fact in facts),
            "headache_days": sum(fact.headache_day for fact in facts),
            "migraine_days": sum(fact.migraine_day for fact in facts),
            "medication_days": sum(fact.acute_medication_day for fact in facts),
            "tracks_cycle": getattr(patient.patient_profile, "tracks_cycle", False),
            "is_future_month": first > today_,
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        },
    )


# --- trends --------------------------------------------------------------------------------------


@patient_required
def trends_page(request):
    """Charts of the last 30, 90 or 365 days, drawn on the server as SVG."""
    patient = request.user
    try:
        days = int(request.GET.get("days", TRENDS_DEFAULT_DAYS))
    except ValueError:
        days = TRENDS_DEFAULT_DAYS
    if days not in trends.PERIODS:
        days = TRENDS_DEFAULT_DAYS
    end = patient_today(patient)
    start = end - timedelta(days=days - 1)
    facts = selectors.day_facts(patient=patient, start=start, end=end)
    figures = trends.build_trends(facts)
    return render(
        request,
        "diary/trends.html",
        {"nav": "trends", "t": figures, "days": days, "periods": trends.PERIODS},
    )


# --- medications ---------------------------------------------------------------------------------


def _add_service_errors(form, error: ValidationError) -> None:
    for name, messages_ in error.message_dict.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)


@patient_required
@require_http_methods(["GET", "POST"])
def medications(request):
    """The patient's medication list: acute and preventive, with start and stop dates."""
    patient = request.user
    form = MedicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            medication, _ = services.medication_upsert(patient=patient, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Added {medication.name} to your list.")
            return redirect("diary:medications")
    listed = list(selectors.medications_for(patient=patient))
    today_ = patient_today(patient)
    return render(
        request,
        "diary/medications.html",
        {
            "nav": "today",
            "form": form,
            "acute": [m for m in listed if m.kind == Medication.Kind.ACUTE],
            "preventive": [m for m in listed if m.kind == Medication.Kind.PREVENTIVE],
            "today": today_,
        },
    )


def _own_medication(patient, medication_id) -> Medication:
    medication = selectors.medications_for(patient=patient).filter(pk=medication_id).first()
    if medication is None:
        raise Http404("No such medication on your list.")
    return medication


@patient_required
@require_http_methods(["GET", "POST"])
def medication_edit(request, medication_id):
    patient = request.user
    medication = _own_medication(patient, medication_id)
    form = MedicationForm(request.POST or None, instance=medication)
    if request.method == "POST" and form.is_valid():
        try:
            services.medication_upsert(
                patient=patient, medication_id=medication.pk, replace=True, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Medication updated.")
            return redirect("diary:medications")
    return render(
        request,
        "diary/medication_edit.html",
        {"nav": "today", "form": form, "medication": medication},
    )


@patient_required
@require_POST
def medication_stop(request, medication_id):
    """Stop a medication today (kept on the list and in past entries)."""
    patient = request.user
    medication = _own_medication(patient, medication_id)
    today_ = patient_today(patient)
    stop = max(today_, medication.started_on) if medication.started_on else today_
    services.medication_upsert(
        patient=patient, medication_id=medication.pk, replace=False, stopped_on=stop
    )
    messages.success(request, f"{medication.name} marked as stopped on {stop:%-d %B %Y}.")
    return redirect("diary:medications")


@patient_required
@require_POST
def medication_remove(request, medication_id):
    """Remove a medication from the list; doses already logged keep it for the record."""
    patient = request.user
    medication = _own_medication(patient, medication_id)
    services.medication_delete(patient=patient, medication_id=medication.pk)
    messages.success(request, f"Removed {medication.name} from your list.")
    return redirect("diary:medications")


# --- own triggers ------------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
def triggers(request):
    """The trigger checklist: the defaults, and the patient's own (add and remove here)."""
    patient = request.user
    form = TriggerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trigger, _ = services.trigger_upsert(patient=patient, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Added “{trigger.name}” to your check-in.")
            return redirect("diary:triggers")
    return render(
        request,
        "diary/triggers.html",
        {
            "form": form,
            "defaults": [label for _, label in scales.DEFAULT_TRIGGERS],
            "own": list(selectors.triggers_for(patient=patient)),
        },
    )


@patient_required
@require_POST
def trigger_remove(request, trigger_id):
    """Remove an own trigger from the check-in; days that ticked it keep it for the record."""
    patient = request.user
    trigger = selectors.triggers_for(patient=patient).filter(pk=trigger_id).first()
    if trigger is None:
        raise Http404("No such trigger on your list.")
    services.trigger_delete(patient=patient, trigger_id=trigger.pk)
    messages.success(request, f"Removed “{trigger.name}” from your check-in.")
    return redirect("diary:triggers")


# --- questionnaires ------------------------------------------------------------------------------

SCREEN_TALK = " It is a screen, not a diagnosis: talk it over with your clinician."


def screen_meaning(instrument: str, score: int, answers) -> str:
    reading = scales.screen_reading(instrument, score, answers)
    if instrument == "phq4":
        text = (
            f"In the published “{reading['band']}” range (anxiety {reading['anxiety']}/6, "
            f"mood {reading['depression']}/6)."
        )
        if reading["follow_up"]:
            names = " and ".join(INSTRUMENTS[code]["title"] for code in reading["follow_up"])
            text += f" A part scored 3 or more: please also answer {names}." + SCREEN_TALK
        return text
    if instrument in ("phq8", "gad7"):
        text = f"In the published “{reading['band']}” range."
        return text + (SCREEN_TALK if reading["positive"] else "")
    if instrument == "midas":
        return f"MIDAS {reading['band']} (published grades: I 0–5, II 6–10, III 11–20, IV 21+)."
    if instrument == "dsqsf":
        text = f"{reading['symptoms']} of 14 symptoms at least half the time and at least moderate."
        if reading["positive"]:
            return text + (
                " Together they match the symptom pattern of the IOM 2015 criteria for ME/CFS."
                + SCREEN_TALK
            )
        return text + " They do not match the symptom pattern of the IOM 2015 criteria."
    if reading["positive"]:
        return "Meets the published threshold (3 or more) for jaw pain worth checking." + (
            SCREEN_TALK
        )
    return "Below the published threshold (3) for jaw pain."


INSTRUMENTS = scales.INSTRUMENTS


def score_meaning(instrument: str, score: int, answers=None) -> str:
    """Plain-language reading of a score, without diagnosis language."""
    if instrument in scales.SCREEN_MAX_SCORE:
        return screen_meaning(instrument, score, answers)
    if instrument == "asc12":
        band = scales.asc12_band(score)
        ranges = {"none": "0–2", "mild": "3–5", "moderate": "6–8", "severe": "9–24"}
        if band == "none":
            return "In the published range for no allodynia symptoms (0–2)."
        return (
            f"In the published “{band}” range ({ranges[band]}) for allodynia symptoms during "
            "headaches. Worth mentioning to your clinician."
        )
    if instrument == "pss4":
        return "Higher means more perceived stress. PSS-4 has no clinical cut-off."
    return (
        "Higher means more symptoms. Together with how widespread your pain is, this is one "
        "part of the published ACR 2016 criteria; discuss it with your clinician."
    )


@patient_required
def questionnaires(request):
    patient = request.user
    today_ = patient_today(patient)
    cards = [
        {
            "code": status.instrument,
            **INSTRUMENTS[status.instrument],
            "latest": status.latest,
            "due": status.due,
            "meaning": (
                score_meaning(status.instrument, status.latest.score, status.latest.answers)
                if status.latest
                else ""
            ),
            "history": status.history[:8],
        }
        for status in selectors.questionnaire_statuses(patient=patient, today=today_)
    ]
    return render(
        request,
        "diary/questionnaires.html",
        {
            "nav": "today",
            "cards": cards,
            "today": today_,
            "due_cards": [card for card in cards if card["due"]],
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def questionnaire(request, instrument: str):
    if instrument not in INSTRUMENTS:
        raise Http404("Unknown questionnaire.")
    patient = request.user
    today_ = patient_today(patient)
    existing = (
        selectors.questionnaires_between(
            patient=patient, start=today_, end=today_, instrument=instrument
        )
        .order_by("-updated_at")
        .first()
    )
    initial = QuestionnaireForm.initial_from(instrument, existing.answers) if existing else None
    form = QuestionnaireForm(request.POST or None, instrument=instrument, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            response, _ = services.questionnaire_upsert(
                patient=patient,
                questionnaire_id=existing.pk if existing else None,
                instrument=instrument,
                date=today_,
                answers=form.answers(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            info = INSTRUMENTS[instrument]
            messages.success(
                request,
                f"Saved. Your {info['title']} score is {response.score} of {info['max']}.",
            )
            return redirect("diary:questionnaires")
    return render(
        request,
        "diary/questionnaire.html",
        {
            "nav": "today",
            "form": form,
            "instrument": instrument,
            "info": INSTRUMENTS[instrument],
            "existing": existing,
            "today": today_,
            "items": QUESTIONNAIRE_ITEMS[instrument],
        },
    )
