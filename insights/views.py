"""Insight pages: the patient's stored insight cards and the mechanism explanations.

Pages only read stored rows (``insights.selectors``); recomputing happens in the background.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from insights import selectors
from insights.mechanisms import KIND_MECHANISMS, MECHANISM_BY_SLUG, MECHANISMS
from insights.models import INSIGHT_KINDS


@login_required
def insight_list(request):
    """The patient's current insights (clinicians read them in each patient's report)."""
    if not request.user.is_patient:
        return redirect("clinic:dashboard")
    insights = selectors.current_insights(patient=request.user)
    context = {
        "nav": "insights",
        "insights": insights,
        "found": sum(1 for insight in insights if insight.status == "found"),
        "assessed": sum(1 for insight in insights if insight.status != "insufficient_data"),
        "updating": selectors.recompute_pending(patient=request.user),
        "mechanisms": MECHANISMS,
    }
    return render(request, "insights/list.html", context)


def mechanism_detail(request, slug: str):
    """A short explanation of one mechanism, with the insight kinds that relate to it."""
    mechanism = MECHANISM_BY_SLUG.get(slug)
    if mechanism is None:
        raise Http404("No such page.")
    titles = dict(INSIGHT_KINDS)
    related = [titles[kind] for kind, slugs in KIND_MECHANISMS.items() if slug in slugs]
    others = [other for other in MECHANISMS if other.slug != slug]
    context = {"nav": "insights", "mechanism": mechanism, "related": related, "others": others}
    return render(request, "insights/mechanism.html", context)


def mechanism_index(request):
    return render(
        request, "insights/mechanisms.html", {"nav": "insights", "mechanisms": MECHANISMS}
    )
