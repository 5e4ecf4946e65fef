"""The one-page report as a page: its period form and the context its template renders.

The clinician's report page, its PDF download and the API's PDF export all render
``clinic/report.html`` from ``page_context``; the figures come from ``clinic.report``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts.access import Grant
from clinic import bodymap
from clinic import report as report_module
from diary.days import EARLIEST_DAY, in_diary_range
from insights.models import Insight


class ReportPeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if "end" in self.errors or "start" in self.errors:
            return cleaned
        start, end, errors = check_period(cleaned.get("start"), cleaned.get("end"), self.today)
        for name, message in errors.items():
            self.add_error(name, message)
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def check_period(start: date | None, end: date | None, today: date):
    """``(start, end, errors)``: a report period from its optional ends (default: the 90 days
    up to today) and what is wrong with it, by field (``start`` / ``end``). The page's form and
    the API's PDF export both check periods here."""
    for name, day in (("start", start), ("end", end)):
        if day is not None and not in_diary_range(day):
            return today, today, {name: f"Choose a date from {EARLIEST_DAY.year} on."}
    end = end or today
    start = start or end - timedelta(days=report_module.DEFAULT_DAYS - 1)
    if end > today:
        return start, end, {"end": f"The period cannot end after today ({today:%d %b %Y})."}
    if start > end:
        return start, end, {"start": "The start must be on or before the end."}
    if (end - start).days + 1 > report_module.MAX_DAYS:
        return start, end, {"start": f"Choose a period of at most {report_module.MAX_DAYS} days."}
    return start, end, {}


def page_context(*, grant: Grant, start: date, end: date) -> dict:
    """What ``clinic/report.html`` shows for ``grant``'s patient from ``start`` to ``end``:
    notes and insights only with their scopes. Records nothing; the caller logs the read."""
    patient = grant.patient
    data = report_module.build_report(
        patient=patient, start=start, end=end, include_notes=grant.allows("notes")
    )
    insights = waiting = None
    if grant.allows("insights"):
        current = _current_insights(patient)
        insights = [i for i in current if i.status != "insufficient_data"]
        waiting = [i for i in current if i.status == "insufficient_data"]
    return {
        "patient": patient,
        "report": data,
        "grant": grant,
        "insights": insights,
        "insights_waiting": waiting,
        "insight_template": _insight_cards_template(),
        "profile": getattr(patient, "patient_profile", None),
        "shapes": bodymap.heat_shapes(data.heat),
        "figure": bodymap.figure(),
        "period_query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        "form": ReportPeriodForm(initial={"start": start, "end": end}, today=end),
    }


def pdf_filename(start: date, end: date) -> str:
    return f"flaremap-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"


def _insight_cards_template() -> str:
    try:
        get_template("insights/_cards.html")
    except TemplateDoesNotExist:
        return "clinic/_insights_fallback.html"
    return "insights/_cards.html"


def _current_insights(patient) -> list:
    try:
        from insights.selectors import current_insights
    except ImportError:  # pragma: no cover - the insights app always ships it now
        rows = Insight.objects.filter(patient=patient, is_current=True)
        return list(rows.order_by("kind"))
    return current_insights(patient=patient)
