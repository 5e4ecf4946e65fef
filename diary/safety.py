"""Warning signs that a headache needs urgent medical care (a safety net, not a diagnosis).

One pure function decides; the check-in shows its answer after saving (it never blocks a save)
and ``templates/diary/warning_signs.html`` explains the same signs. The signs are the usual
"red flags" for secondary headache (SNNOOP10, Do et al., Neurology 2019; ICHD-3 6.x, 7.x):
thunderclap onset, aura longer than 60 minutes (ICHD-3 1.2.1 allows 5-60), new neurological
deficits, fever with a stiff neck, headache after a head injury, a new headache after 50.
"""

from __future__ import annotations

from dataclasses import dataclass

AURA_MAX_MINUTES = 60  # typical aura lasts 5-60 min (ICHD-3 1.2.1); longer needs assessment
THUNDERCLAP_MIN_PEAK = 7  # a sudden *severe* headache (IHS: 7-10 is severe)
NEW_HEADACHE_AGE = 50


@dataclass(frozen=True)
class WarningSign:
    code: str
    text: str


SIGNS = {
    "sudden": WarningSign(
        "sudden", "a sudden, severe headache that reached its worst within a minute"
    ),
    "long_aura": WarningSign("long_aura", "an aura lasting more than an hour"),
    "neuro": WarningSign("neuro", "new weakness, numbness, trouble speaking or loss of vision"),
    "fever_neck": WarningSign("fever_neck", "a headache with fever and a stiff neck"),
    "head_injury": WarningSign("head_injury", "a headache after a blow to the head"),
    "new_over_50": WarningSign("new_over_50", "a new kind of headache after the age of 50"),
}


def warning_signs(
    *,
    flags: frozenset[str] | set[str] = frozenset(),
    peak: int | None = None,
    aura_minutes: int | None = None,
) -> list[WarningSign]:
    """The warning signs in one headache entry, in a fixed order (empty: none).

    ``flags`` are the patient's ticks (``diary.forms.RED_FLAG_CHOICES``). A sudden onset counts
    when the worst pain is severe (>= 7) or not given: a thunderclap headache is severe by
    definition, and an unrated one must not slip through. A 10/10 headache that built up
    slowly is not a warning sign by itself (migraine can be that bad).
    """
    found = set()
    if "sudden" in flags and (peak is None or peak >= THUNDERCLAP_MIN_PEAK):
        found.add("sudden")
    if aura_minutes is not None and aura_minutes > AURA_MAX_MINUTES:
        found.add("long_aura")
    found |= {
        code for code in ("neuro", "fever_neck", "head_injury", "new_over_50") if code in flags
    }
    return [sign for code, sign in SIGNS.items() if code in found]
