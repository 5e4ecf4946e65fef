"""Template helpers for insight cards (shared by the patient pages and the clinician report)."""

from django import template

from insights.analysis import triggers
from insights.analysis.common import EVIDENCE_TEXT, level_text, number
from insights.mechanisms import mechanisms_for
from insights.selectors import current_insights

register = template.Library()

STATUS_LABELS = {
    "found": "Pattern found",
    "not_found": "No clear pattern yet",
    "insufficient_data": "Needs more data",
}


EVENT_LABELS = {
    "stress_headache": "Headache starts",
    "stress_letdown": "Headache starts",
    "sleep_pain": "Short or poor nights",
    "pain_spread": "Weeks logged",
    "headache_frequency": "Attacks started (30 days)",
    "medication_overuse": "Acute-medication days (30 days)",
    "menstrual_migraine": "Headache starts",
    "triggers": "Headache starts",
}


@register.filter
def events_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, "")


@register.filter
def insight_number(value) -> str:
    """2 significant digits, as in the summaries (``None`` shows as a dash)."""
    if value is None:
        return "–"
    return number(float(value))


@register.filter
def insight_status(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def insight_mechanisms(kind: str):
    return mechanisms_for(kind)


@register.filter
def has_interval(insight) -> bool:
    return insight.ci_low is not None or insight.ci_high is not None


@register.filter
def interval_level(insight) -> str:
    """The interval's level: 95% widened for the number of patterns checked, so that it
    excludes no effect exactly when the insight is found (stored in details)."""
    return level_text(float((insight.details or {}).get("interval_level", 95)))


@register.filter
def trigger_card(insight) -> dict:
    """The per-trigger lists of a stored ``triggers`` insight (found, no clear sign, waiting)."""
    return triggers.card(insight.details or {})


@register.filter
def evidence_text(code: str) -> str:
    """ "established" only means 24 or more headache starts were logged; say that."""
    return EVIDENCE_TEXT.get(code, code)


@register.inclusion_tag("insights/_today.html")
def today_insights(patient):
    """Up to three stored `found` insights for today's check-in page (read, never computed
    here); a tag of the insights app, so the diary's pages need not import it."""
    found = [row for row in current_insights(patient=patient) if row.status == "found"]
    return {"insights": found[:3]}
