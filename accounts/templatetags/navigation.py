"""Which entry of the main navigation the current page belongs to.

Taken from the URL that served the page (``request.resolver_match``), not from each view's
context, so a new page under a known path is highlighted without anyone remembering to say so.
A view's ``nav`` context value only decides where the URL alone cannot: a past day opened from
the calendar belongs to Calendar, today's check-in to Today.
"""

from django import template

register = template.Library()

TABS = ("today", "calendar", "trends", "insights")  # the patient's bottom tab bar
MORE = (
    "medications",
    "triggers",
    "questionnaires",
    "sharing",
    "notifications",
    "account",
)  # behind "More"

_BY_VIEW = {
    "diary:today": "today",
    "diary:calendar": "calendar",
    "diary:trends": "trends",
    "diary:medications": "medications",
    "diary:medication_edit": "medications",
    "diary:medication_stop": "medications",
    "diary:medication_remove": "medications",
    "diary:triggers": "triggers",
    "diary:trigger_remove": "triggers",
    "diary:questionnaires": "questionnaires",
    "diary:questionnaire": "questionnaires",
    "accounts:notifications": "notifications",
    "diary:export_csv": "account",
    "diary:import_csv": "account",
    "clinic:dashboard": "dashboard",
    "clinic:redeem": "redeem",
}
_BY_NAMESPACE = {"insights": "insights", "accounts": "account", "clinic": "sharing"}
_BY_CONTEXT = {"profile": "account"}  # older ``nav`` values that name the page differently


def section_for(*, view_name: str, namespace: str, nav: str, clinician: bool) -> str:
    """The navigation entry ("today", "sharing", "dashboard", ...) of one page, or ""."""
    if view_name in _BY_VIEW:
        return _BY_VIEW[view_name]
    if view_name == "diary:day":
        return "today" if nav == "today" else "calendar"
    if namespace == "clinic" and clinician:
        return "dashboard"  # a patient's report, opened from the clinician's list
    if namespace in _BY_NAMESPACE:
        return _BY_NAMESPACE[namespace]
    return _BY_CONTEXT.get(nav, nav)


@register.simple_tag(takes_context=True)
def nav_section(context) -> dict:
    """``{% nav_section as here %}``: ``here.current`` and ``here.in_more`` for the menu."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    current = section_for(
        view_name=match.view_name if match else "",
        namespace=match.namespace if match else "",
        nav=context.get("nav") or "",
        clinician=bool(getattr(user, "is_clinician", False)),
    )
    return {"current": current, "in_more": current in MORE}
