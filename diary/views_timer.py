"""The attack timer ("Headache started now" / "Ended now") and the 2-hour relief follow-up.

Plain POST forms that redirect back (no script needed); the writes are
``services.attack_start_now``, ``attack_end_now`` and ``dose_upsert``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from diary import scales, selectors, services, timer
from diary.days import patient_zone
from diary.followups import FOLLOW_UP_AFTER, follow_up_question
from diary.views import patient_required


class AttackStartForm(forms.Form):
    peak_intensity = forms.TypedChoiceField(
        choices=[(level, level) for level in timer.START_LEVELS], coerce=int
    )


class ReliefForm(forms.Form):
    relief_2h = forms.ChoiceField(choices=scales.RELIEF_LEVELS)


def _back(request) -> str:
    """Where the tap came from (``next``, this site only), else Today."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("diary:today")


@patient_required
@require_POST
def attack_start(request):
    """One tap: an ongoing attack from now, with the pain tapped (while one is ongoing, the
    tap shows that one instead of starting another)."""
    form = AttackStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tap how strong the headache is (1–10) to start it.")
        return redirect(_back(request))
    attack, outcome = services.attack_start_now(
        patient=request.user, peak_intensity=form.cleaned_data["peak_intensity"]
    )
    ongoing = timer.ongoing_for(request.user, attack)
    if outcome is services.Outcome.UNCHANGED:
        messages.info(request, f"Your headache since {ongoing.since} is still ongoing.")
    else:
        messages.success(
            request, f"Headache started at {ongoing.since}. Tap “Ended now” when it is over."
        )
    return redirect(_back(request))


@patient_required
@require_POST
def attack_end(request, attack_id):
    try:
        attack, outcome = services.attack_end_now(patient=request.user, attack_id=attack_id)
    except services.NotFound:
        raise Http404("That headache is not in your diary.") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request))
    clock = attack.ended_at.astimezone(patient_zone(request.user)).strftime("%H:%M")
    if outcome is services.Outcome.UNCHANGED:
        messages.info(request, f"This headache had already ended at {clock}.")
    else:
        messages.success(request, f"Headache ended at {clock}. Add what it was like below.")
    return redirect(_back(request))


@patient_required
@require_http_methods(["GET", "POST"])
def follow_up(request, dose_id):
    """ "How well did it work?" for one dose: the page a reminder links to. One tap saves the
    relief two hours after the dose (``dose_upsert``, only that field)."""
    patient = request.user
    dose = selectors.live_dose(patient=patient, dose_id=dose_id)
    if dose is None:
        raise Http404("That dose is not in your diary.")
    form = ReliefForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        relief = form.cleaned_data["relief_2h"]
        services.dose_upsert(patient=patient, dose_id=dose.pk, replace=False, relief_2h=relief)
        messages.success(request, f"Saved: {dict(scales.RELIEF_LEVELS)[relief]}. Thank you.")
        return redirect(_back(request))
    status = 400 if request.method == "POST" else 200
    zone = patient_zone(patient)
    return render(
        request,
        "diary/follow_up.html",
        {
            "nav": "today",
            "dose": dose,
            "form": form,
            "question": follow_up_question(dose, zone),
            "choices": scales.RELIEF_LEVELS,
            "too_early": timezone.now() - dose.taken_at < FOLLOW_UP_AFTER,
            "taken_on": dose.taken_at.astimezone(zone),
        },
        status=status,
    )
