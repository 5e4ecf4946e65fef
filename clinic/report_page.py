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
from insights.analysis.common import number
from insights.selectors import current_insights
from insights.templatetags.insight_format import EVENT_LABELS

# What each insight tests, said of the patient (third person) for the clinician's report.
CLINICIAN_SUBJECTS = {
    "stress_headache": "higher stress and a headache starting the next day",
    "stress_letdown": "a drop in stress and a headache starting that day or the next",
    "sleep_pain": "a short or poor night and more painful areas the next day",
    "pain_stress_feedback": "pain on one day and stress the next",
    "pain_spread": "the weekly count of painful areas and time",
    "menstrual_migraine": "days -2 to +3 of a period and a headache starting",
    "triggers": "possible triggers ticked on the check-in and a headache starting the next day",
}
CLINICIAN_COUNTS = {
    "headache_frequency": "Headache days",
    "medication_overuse": "Acute-medication days (ICHD-3 8.2)",
}
CLINICIAN_VERDICTS = {
    "found": "The patient's diary links",
    "not_found": "The patient's diary shows no clear link between",
}
CHART_KINDS = ("headache", "migraine", "medication")
CHART_FILLS = {"headache": "#f08a3c", "migraine": "#8f1d0b", "medication": "#3d6fb6"}
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 300, 50, 10  # SVG units; 30 days fill the height


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
        current = current_insights(patient=patient)
        insights = [i for i in current if i.status != "insufficient_data"]
        waiting = [i for i in current if i.status == "insufficient_data"]
    return {
        "patient": patient,
        "report": data,
        "grant": grant,
        "insights": insights,
        "insights_waiting": waiting,
        "insight_rows": [(i, clinician_sentence(i)) for i in insights or ()],
        "insight_template": _insight_cards_template(),
        "profile": getattr(patient, "patient_profile", None),
        "shapes": bodymap.heat_shapes(data.heat),
        "chart_bars": chart_bars(data.chart),
        "chart_labels": chart_labels(data.chart),
        "chart_box": {"width": CHART_WIDTH, "height": CHART_TOP + CHART_HEIGHT + 16},
        "chart_scale": {"y15": CHART_TOP + CHART_HEIGHT // 2},
        "figure": bodymap.figure(),
        "period_query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        "form": ReportPeriodForm(initial={"start": start, "end": end}, today=end),
    }


def clinician_sentence(insight) -> str:
    """One stored insight as a sentence for the clinician: in the third person, with its
    evidence (effect, interval, days and events), e.g. "The patient's diary links a drop in
    stress and a headache starting that day or the next (odds ratio 1.9, interval 1.2 to 3.1;
    84 days, 14 headache starts)." Patient pages keep the second-person summaries."""
    evidence = []
    if insight.effect is not None:
        effect = f"{insight.effect_label or 'effect'} {number(insight.effect)}"
        if insight.ci_low is not None or insight.ci_high is not None:
            high = "no upper limit" if insight.ci_high is None else number(insight.ci_high)
            effect += f", interval {number(insight.ci_low)} to {high}"
        evidence.append(effect)
    counted = f"{insight.n_days} days"
    if insight.n_events is not None:
        counted += f", {insight.n_events} {EVENT_LABELS.get(insight.kind, 'events').lower()}"
    evidence.append(counted)
    if insight.kind in CLINICIAN_COUNTS:
        subject = CLINICIAN_COUNTS[insight.kind]
        verdict = "reach" if insight.status == "found" else "stay below"
        return f"{subject} {verdict} a published alert level ({'; '.join(evidence)})."
    subject = CLINICIAN_SUBJECTS.get(insight.kind, insight.get_kind_display().lower())
    verdict = CLINICIAN_VERDICTS.get(insight.status, "Not assessed yet:")
    return f"{verdict} {subject} ({'; '.join(evidence)})."


def chart_bars(bars: list[report_module.ChartBar]) -> list[dict]:
    """SVG geometry of the monthly chart: per 30-day block three bars (headache, migraine,
    acute medication days per 30 days), scaled so that 30 days fill the height."""
    if not bars:
        return []
    slot = CHART_WIDTH / len(bars)
    width = min(slot / 4, 22)
    shapes = []
    for i, bar in enumerate(bars):
        left = i * slot + (slot - 3 * width) / 2
        for j, (kind, value) in enumerate(zip(CHART_KINDS, bar.values, strict=True)):
            height = CHART_HEIGHT * min(value, 30) / 30
            shapes.append(
                {
                    "kind": kind,
                    "fill": CHART_FILLS[kind],
                    "x": round(left + j * width, 1),
                    "y": round(CHART_TOP + CHART_HEIGHT - height, 1),
                    "width": round(width - 1, 1),
                    "height": round(height, 1),
                    "value": round(value),
                    "label_x": round(left + j * width + (width - 1) / 2, 1),
                }
            )
    return shapes


def chart_labels(bars: list[report_module.ChartBar]) -> list[dict]:
    slot = CHART_WIDTH / len(bars) if bars else 0
    return [
        {
            "x": round(i * slot + slot / 2, 1),
            "text": f"{bar.start:%-d %b}–{bar.end:%-d %b}" + ("*" if bar.partial else ""),
            "bar": bar,
        }
        for i, bar in enumerate(bars)
    ]


def pdf_filename(start: date, end: date) -> str:
    return f"flaremap-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"


def _insight_cards_template() -> str:
    try:
        get_template("insights/_cards.html")
    except TemplateDoesNotExist:
        return "clinic/_insights_fallback.html"
    return "insights/_cards.html"
