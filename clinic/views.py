"""Clinician side and consent pages. Thin: access through ``accounts.access``, writes through
``accounts.services``, figures from ``clinic.selectors`` / ``clinic.report`` / ``clinic.fhir``.

Every page that shows a patient's data to a clinician records an access event.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access, services
from accounts.forms import ShareCreateForm, ShareRedeemForm
from clinic import pdf, report_page, selectors
from clinic import report as report_module
from clinic.fhir import patient_bundle
from clinic.report_page import ReportPeriodForm
from diary.days import patient_today, patient_zone

ACCESS_LOG_PAGE_SIZE = 25
DASHBOARD_PAGE_SIZE = 100
ACTION_LABELS = {
    "dashboard": "Saw your summary in their patient list",
    "report": "Opened your report",
    "report_pdf": "Downloaded your report (PDF)",
    "fhir_export": "Downloaded your diary (FHIR)",
    "api.export.pdf": "Downloaded your report (PDF) through the API",
    "share_code_guessed": "Entered a wrong share code that starts like your invitation's code",
    "share_code_reused": "Tried your share code after it had stopped working",
}


def action_label(action: str) -> str:
    """Plain words for an access-log action (API actions fall back to their own name)."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    parts = action.split(".")
    if parts[0] == "api" and len(parts) >= 2:
        if parts[1] == "export" and len(parts) >= 3:
            return f"Downloaded your diary ({parts[2].upper()}) through the API"
        return f"Read your {parts[1].replace('_', ' ')} through the API"
    return "Read your " + action.replace("_", " ").replace(".", " ")


def _forbidden(request, text: str, status: int = 403):
    return render(
        request,
        "clinic/message.html",
        {"title": "Not available for this account", "text": text},
        status=status,
    )


def _role_required(allowed, text: str):
    """A decorator: logged-in users for whom ``allowed(user)`` holds; others see ``text``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                return _forbidden(request, text)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


patient_only = _role_required(
    lambda user: user.is_patient, "Only patients share a diary; this page is for them."
)
clinician_only = _role_required(
    lambda user: user.is_clinician,
    "This page is for clinicians. To share your diary, create an invitation on the Sharing "
    "page and give the code to your clinician.",
)


# --- patient: consent ------------------------------------------------------------------------


@patient_only
@require_http_methods(["GET", "POST"])
def shares(request):
    """The patient's invitations and shares; creating one leads to its code and link."""
    form = ShareCreateForm(request.POST or None)
    form.fields["ends_on"].label = "Stop sharing on"  # the field template adds "(optional)"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                share = services.share_create(patient=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Invitation created. Give the code to your clinician.")
                return redirect("clinic:share_detail", share_id=share.pk)
        status = 400
    context = {
        "form": form,
        "shares": list(selectors.shares_of(patient=request.user)),
        "zone": patient_zone(request.user),
        "nav": "sharing",
    }
    return render(request, "clinic/shares.html", context, status=status)


@patient_only
@require_GET
def share_detail(request, share_id):
    share = selectors.share_of(patient=request.user, share_id=share_id)
    if share is None:
        raise Http404("No such invitation.")
    link = request.build_absolute_uri(f"{reverse('clinic:redeem')}?code={share.code}")
    context = {"share": share, "link": link, "zone": patient_zone(request.user), "nav": "sharing"}
    return render(request, "clinic/share_detail.html", context)


@patient_only
@require_http_methods(["GET", "POST"])
def share_revoke(request, share_id):
    """GET asks "are you sure?" (a page, so it works without JavaScript); POST stops sharing."""
    share = selectors.share_of(patient=request.user, share_id=share_id)
    if share is None:
        raise Http404("No such invitation.")
    if request.method == "GET":
        context = {"share": share, "nav": "sharing"}
        return render(request, "clinic/share_revoke.html", context)
    services.share_revoke(patient=request.user, share_id=share.pk)
    who = share.clinician.display_name if share.clinician else "This invitation"
    messages.success(request, f"Sharing stopped. {who} can no longer see your diary.")
    return redirect("clinic:shares")


@patient_only
@require_GET
def access_log(request):
    """ "Who viewed my diary": the append-only audit log, in the patient's time zone."""
    page = Paginator(selectors.access_events_for(patient=request.user), ACCESS_LOG_PAGE_SIZE)
    events = page.get_page(request.GET.get("page"))
    for event in events:
        event.label = action_label(event.action)
    return render(
        request,
        "clinic/access_log.html",
        {
            "events": events,
            "zone": patient_zone(request.user),
            "nav": "sharing",
        },
    )


# --- clinician: redeem and dashboard ---------------------------------------------------------

REDEEM_STATUS = {"unknown": 404, "revoked": 400, "used": 400, "expired": 400, "pending": 400}


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request):
    """A clinician binds a patient's invitation code to their account."""
    if request.user.is_patient:
        return _forbidden(
            request,
            "Only clinician accounts can redeem a share code. To share your own diary, create "
            "an invitation on the Sharing page.",
        )
    if not request.user.is_clinician:
        return _forbidden(request, "Only clinician accounts can redeem a share code.")
    if request.method == "GET":
        form = ShareRedeemForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "clinic/redeem.html", {"form": form, "nav": "redeem"})
    return _redeem_post(request)


def _redeem_post(request):
    """Failures are counted and limited by ``services.share_redeem`` (shared with the API)."""
    form = ShareRedeemForm(request.POST)
    context = {"form": form, "nav": "redeem"}
    if not form.is_valid():
        return render(request, "clinic/redeem.html", context, status=400)
    state, share = selectors.invitation_state(code=form.cleaned_data["code"])
    if share is not None and share.clinician_id == request.user.pk and state == "used":
        messages.info(request, "You already have access to this patient's diary.")
        return redirect("clinic:report", patient_id=share.patient_id)
    try:
        share = services.share_redeem(
            clinician=request.user, code=form.cleaned_data["code"], request=request
        )
    except services.ShareRedeemLimited as error:
        form.add_error(None, error.messages)
        response = render(request, "clinic/redeem.html", context, status=429)
        response["Retry-After"] = "3600"
        return response
    except services.ShareError as error:
        form.add_error("code", error.messages)
        return render(request, "clinic/redeem.html", context, status=REDEEM_STATUS[state])
    messages.success(request, f"{share.patient.email} now shares their diary with you.")
    return redirect("clinic:dashboard")


@clinician_only
@require_GET
def dashboard(request):
    """Patients sharing with this clinician; one access event per patient shown."""
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.dashboard_rows(reader=request.user, sort=sort, query=query)
    page = Paginator(rows, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    access.record_bulk_access(
        actor=request.user,
        patients=[row.patient for row in shown],
        action="dashboard",
        request=request,
    )
    context = {
        "rows": shown,
        "page": page,
        "sort": sort,
        "q": query,
        "total": bool(rows) or bool(query),
        "sorts": [
            {"key": key, "label": label, "active": key == sort, "url": f"?sort={key}"}
            for key, (label, _, _) in selectors.SORTS.items()
        ],
        "nav": "dashboard",
    }
    return render(request, "clinic/dashboard.html", context)


# --- report and export -----------------------------------------------------------------------


def _grant(request, patient_id) -> access.Grant:
    """The reader's grant for this patient with the diary scope, or 404 (ids never leak)."""
    grant = access.grant_for(request.user, patient_id)
    if not grant.allows("diary"):
        raise Http404("No such patient.")
    return grant


@login_required
@require_GET
def report(request, patient_id):
    """The one-page report for a period (default: the patient's last 90 diary days)."""
    context, status = _report_context(request, patient_id, action="report")
    return render(request, "clinic/report.html", context, status=status)


@login_required
@require_GET
def report_pdf(request, patient_id):
    """The same report as a PDF download (one A4 page, as the page prints)."""
    context, status = _report_context(request, patient_id, action="report_pdf")
    if status != 200:  # an invalid period: the page with its errors, as for the HTML report
        return render(request, "clinic/report.html", context, status=status)
    data = context["report"]
    filename = report_page.pdf_filename(data.start, data.end)
    try:
        return pdf.pdf_response(request, "clinic/report.html", context, filename=filename)
    except pdf.PdfUnavailable:
        context = {
            "title": "PDF download unavailable",
            "text": "PDF downloads are not available on this server. Use Print on the report page.",
        }
        return render(request, "clinic/message.html", context, status=503)


def _report_context(request, patient_id, *, action: str) -> tuple[dict, int]:
    """The report page's context and status for the reader's grant (404 without one); a valid
    period records an access event named ``action``."""
    grant = _grant(request, patient_id)
    patient = grant.patient
    form = ReportPeriodForm(request.GET or None, today=patient_today(patient))
    if request.GET and not form.is_valid():
        context = {
            "form": form,
            "patient": patient,
            "profile": getattr(patient, "patient_profile", None),
            "report": None,
            "grant": grant,
        }
        return context, 400
    if request.GET:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = report_module.default_period(patient)
        form = ReportPeriodForm(initial={"start": start, "end": end}, today=end)
    access.record_access(actor=request.user, patient=patient, action=action, request=request)
    context = report_page.page_context(grant=grant, start=start, end=end)
    context |= {"form": form, "nav": "dashboard" if not grant.is_self else "sharing"}
    return context, 200


@login_required
@require_GET
def fhir_export(request, patient_id):
    """Download the diary as a FHIR R4 Bundle (notes only with the notes scope)."""
    grant = _grant(request, patient_id)
    patient = grant.patient
    form = ReportPeriodForm(request.GET or None, today=patient_today(patient))
    start = end = None
    if request.GET:
        if not form.is_valid():
            payload = {"errors": {name: list(errs) for name, errs in form.errors.items()}}
            return HttpResponse(json.dumps(payload), status=400, content_type="application/json")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    access.record_access(actor=request.user, patient=patient, action="fhir_export", request=request)
    bundle = patient_bundle(patient, include_notes=grant.allows("notes"), start=start, end=end)
    response = HttpResponse(json.dumps(bundle, indent=1), content_type="application/fhir+json")
    stamp = patient_today(patient).isoformat()
    response["Content-Disposition"] = f'attachment; filename="flaremap-fhir-{stamp}.json"'
    return response
