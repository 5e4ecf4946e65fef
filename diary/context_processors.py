"""What every patient page shows: the banner of an ongoing headache ("Headache ongoing since
22:10 yesterday — Ended now")."""

from diary import timer


def ongoing_attack(request) -> dict:
    """``ongoing_banner``: a callable, so the query runs only on pages that render the banner
    (templates call it once; ``{% with %}`` keeps the answer)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    return {"ongoing_banner": lambda: timer.ongoing_for(user)}
