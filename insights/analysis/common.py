"""What every insight kind shares: the diary as arrays, the result type, minimum-data rules and
the plain-language wording (clinical reference §6). No Django here: arrays in, dataclasses out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import numpy as np

from diary import scales  # plain constants, no Django
from insights.analysis import cycle

ALPHA = 0.05
FOUND, NOT_FOUND, INSUFFICIENT = "found", "not_found", "insufficient_data"

# Minimum data (clinical reference §6).
MIN_AT_RISK_DAYS = 60
MIN_ONSETS = 10
ESTABLISHED_ONSETS = 24
MIN_EXPOSED_DAYS = 5
MIN_DAY_PAIRS = 42
MIN_SPREAD_WEEKS = 8
MIN_LOGGED_DAYS_PER_WEEK = 4
WINDOW_DAYS = 30
MIN_LOGGED_IN_WINDOW = 20  # of the latest 30 days, before counts per 30 days are meaningful

ASSOCIATION_NOTE = "This is an association, not proof that one causes the other."
CLINICIAN_NOTE = "It may be worth discussing with your clinician."
PATTERN_NOTE = "This is a pattern in your own diary, not a diagnosis."
MORE_DATA_NOTE = (
    "Small effects take many days to show, so more data may still reveal one; keep logging."
)


_LARGEST_FLOAT = np.finfo(float).max


@dataclass(frozen=True)
class DiaryArrays:
    """One patient's diary, one row per calendar day from ``start`` (row 0) to the latest day.

    Missing values are NaN (never imputed). ``pain`` holds the 0-10 intensity of each WPI area
    (0 = not painful on a logged day, NaN on days without a check-in); ``medication`` marks
    acute-medication days per class of ``medication_classes``. Day flags come from the single
    home of the clinical day definitions, ``diary.derive``.
    """

    start: date
    recorded: np.ndarray  # bool: a daily check-in exists
    headache_day: np.ndarray  # bool
    migraine_day: np.ndarray  # bool
    onset: np.ndarray  # bool: a new attack starts that day (relapses are not onsets)
    peak: np.ndarray  # float: worst headache 0-10 that day, 0 without headache
    stress: np.ndarray  # float 0-10 or NaN
    sleep_minutes: np.ndarray  # float total sleep time of the night before, or NaN
    sleep_quality: np.ndarray  # float 1-5 or NaN
    pain: np.ndarray  # float (days, 19)
    medication: np.ndarray  # bool (days, classes)
    period: np.ndarray  # float: 1 menstruating, 0 not, NaN not answered
    tracks_cycle: bool = False  # the patient opted in to cycle tracking (profile)
    medication_classes: tuple[str, ...] = scales.MEDICATION_CLASS_CODES
    area_codes: tuple[str, ...] = scales.PAIN_AREA_CODES
    # Triggers: days whose trigger question was answered (None: none were), each ticked key's
    # days (bool), and the label of every key of the patient's checklist (defaults + own).
    triggers_answered: np.ndarray | None = None
    triggers: dict[str, np.ndarray] = field(default_factory=dict)
    trigger_labels: dict[str, str] = field(
        default_factory=lambda: dict(scales.DEFAULT_TRIGGER_LABELS)
    )

    @property
    def n(self) -> int:
        return len(self.recorded)

    @cached_property
    def headache_known(self) -> np.ndarray:
        """Days whose headache status is known: a check-in or a recorded headache."""
        return self.recorded | self.headache_day

    @cached_property
    def at_risk(self) -> np.ndarray:
        """Days on which a new attack could start: known, and not inside a continuing attack."""
        return self.headache_known & ~(self.headache_day & ~self.onset)

    @cached_property
    def painful(self) -> np.ndarray:
        """(days, areas) bool: the area was marked painful (NaN, no check-in, is not painful)."""
        return self.pain > 0  # NaN compares False

    @cached_property
    def pain_by_area(self) -> np.ndarray:
        """``pain`` transposed to (areas, days) and contiguous: per-day sums and maxima over the
        19 areas then run along whole days at once instead of 19 values at a time."""
        return np.ascontiguousarray(self.pain.T)

    @cached_property
    def painful_areas(self) -> np.ndarray:
        """Number of painful WPI areas per day (NaN without a check-in)."""
        return np.where(self.recorded, (self.pain_by_area > 0).sum(axis=0), np.nan)

    @cached_property
    def stress_known(self) -> np.ndarray:
        """Days with a stress rating (several kinds pair it with the day before or after)."""
        return ~np.isnan(self.stress)

    @cached_property
    def worst_pain(self) -> np.ndarray:
        """Worst pain of the day, 0-10: headache peak or the most painful body area."""
        # the maximum of nan_to_num(pain): NaN ignored, +inf as the largest float, at least 0
        body = np.fmax.reduce(self.pain_by_area, axis=0, initial=0)
        body = np.minimum(body, _LARGEST_FLOAT)
        return np.where(self.recorded, np.maximum(body, self.peak), np.nan)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=int(index))


def empty_diary(*, start: date, days: int, tracks_cycle: bool = False) -> DiaryArrays:
    """A diary of ``days`` days with nothing logged (tests and loaders fill it in)."""
    return DiaryArrays(
        start=start,
        recorded=np.zeros(days, bool),
        headache_day=np.zeros(days, bool),
        migraine_day=np.zeros(days, bool),
        onset=np.zeros(days, bool),
        peak=np.zeros(days),
        stress=np.full(days, np.nan),
        sleep_minutes=np.full(days, np.nan),
        sleep_quality=np.full(days, np.nan),
        pain=np.full((days, len(scales.PAIN_AREA_CODES)), np.nan),
        medication=np.zeros((days, len(scales.MEDICATION_CLASS_CODES)), bool),
        period=np.full(days, np.nan),
        tracks_cycle=tracks_cycle,
    )


@dataclass(frozen=True)
class InsightResult:
    """One insight with its evidence, ready to store (``insights.models.Insight`` fields)."""

    kind: str
    status: str
    summary: str = ""
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None  # one-sided, Bonferroni-adjusted for association kinds
    n_days: int = 0
    n_events: int | None = None
    effect_label: str = ""
    details: dict = field(default_factory=dict)
    candidate: bool = False  # the kind-specific rules for a claim hold (e.g. a rise >= 2 areas)
    test: object = field(default=None, compare=False, repr=False)
    """What the final step needs to test in the claimed direction and widen the interval for
    the number of kinds tested (a ``stats.Wald``); never stored."""


# --- Minimum data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """A minimum-data rule: ``have`` of something of which ``need`` are required."""

    have: int
    need: int
    singular: str
    plural: str

    @property
    def missing(self) -> int:
        return max(0, self.need - self.have)

    def phrase(self) -> str:
        return f"{self.missing} more {self.singular if self.missing == 1 else self.plural}"


def shortfall(needs: list[Need]) -> list[Need]:
    return [need for need in needs if need.missing > 0]


def insufficient(kind: str, needs: list[Need], *, what: str, n_days: int = 0, **extra):
    """An ``insufficient_data`` result that says exactly what is missing."""
    missing = shortfall(needs)
    needed = join_phrases(need.phrase() for need in missing)
    summary = f"Not enough data yet to look at {what}: it needs {needed}."
    details = {"missing": [{"what": n.plural, "have": n.have, "need": n.need} for n in missing]}
    details.update(extra)
    return InsightResult(
        kind=kind, status=INSUFFICIENT, summary=summary, n_days=n_days, details=details
    )


def join_phrases(phrases) -> str:
    items = list(phrases)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def evidence_label(onsets: int) -> str:
    """10-23 onsets: preliminary; 24 or more: established (clinical reference §6). The stored
    code stays; pages show it as ``EVIDENCE_TEXT`` says, since "established" only means enough
    headache starts were logged, not that the link is proven."""
    return "established" if onsets >= ESTABLISHED_ONSETS else "preliminary"


EVIDENCE_TEXT = {
    "established": f"{ESTABLISHED_ONSETS} or more headache starts logged",
    "preliminary": f"preliminary: fewer than {ESTABLISHED_ONSETS} headache starts logged",
}


def clear_day_before(diary: DiaryArrays) -> np.ndarray:
    """Days t at risk of a new attack whatever happens on them: day t-1 is logged without a
    headache and day t's headache status is known. The risk set is fixed by the day before, so
    it cannot depend on the outcome (an attack continuing into day t does not remove day t
    from some analyses and not others), and a stress rating on day t-1 precedes any onset on
    day t."""
    clear = np.zeros(diary.n, bool)
    if diary.n > 1:
        clear[1:] = diary.headache_known[:-1] & ~diary.headache_day[:-1] & diary.headache_known[1:]
    return clear


def cycle_covariate(diary: DiaryArrays, outcome_days: np.ndarray) -> np.ndarray | None:
    """For patients who track their cycle: 1.0 where an outcome day (indexes into the diary)
    falls on days -2 to +3 of a period (ICHD-3 A1.1), as a covariate of the onset models, so
    attacks that come with the period cannot pass for an effect of whatever else happens to
    rise before it (stress, short nights). None when the patient does not track, or when too
    few rows are in or out of the window to fit it (< MIN_EXPOSED_DAYS)."""
    if not diary.tracks_cycle:
        return None
    window = cycle.perimenstrual_days(diary.period, diary.recorded)
    column = window[np.asarray(outcome_days, dtype=np.int64)].astype(float)
    inside = int(np.count_nonzero(column))
    if min(inside, len(column) - inside) < MIN_EXPOSED_DAYS:
        return None
    return column


def weekday(diary: DiaryArrays) -> np.ndarray:
    """Day of the week of every row (Monday 0)."""
    return (diary.start.weekday() + np.arange(diary.n)) % 7


# --- Wording -----------------------------------------------------------------------------------


def number(value: float | None, digits: int = 2) -> str:
    """A number as a patient reads it: 2 significant digits, no trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "very large"
    if value == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    if decimals <= 0:
        return f"{_round(value, 0):.0f}"
    return f"{_round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")


def _round(value: float, decimals: int) -> float:
    """``round(value, decimals)`` with the value's own rounding rule. numpy's scalar round is
    several times slower than Python's, so for a np.float64 it is redone on a Python float the
    way numpy does it: scale by 10**decimals (an exact power of ten below 1e9), round half to
    even, scale back; np.float64(0.15) so rounds to 0.2 where the float 0.15 rounds to 0.1."""
    if type(value) is np.float64 and decimals < 9:
        scale = 10.0**decimals
        return round(float(value) * scale) / scale
    return round(value, decimals)


def interval(low: float | None, high: float | None, level: float = 95) -> str:
    top = "no upper limit" if high is None or math.isinf(high) else number(high)
    return f"{level_text(level)} interval {number(low)} to {top}"


def level_text(level: float) -> str:
    """95 -> "95%", 97.5 -> "97.5%", 96.666 -> "96.7%"."""
    return f"{round(level, 1):g}%"


def count_phrase(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 headache day", "2 headache days"."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def certainty(result: InsightResult) -> str:
    """The interval in plain words, consistent with the decision: the interval shown is
    widened for the number of patterns checked (Bonferroni), so "clear" means it excludes no
    effect in the direction the sentence names."""
    tests = result.details.get("tests", 1)
    checked = f"allowing for the {tests} patterns checked" if tests > 1 else "allowing for chance"
    no_effect = 1.0 if getattr(result.test, "log_scale", False) else 0.0
    if result.status != FOUND and result.ci_high is not None and result.ci_high < no_effect:
        return "If anything, your diary points the other way; that is not the pattern named here."
    if result.status != FOUND and result.ci_low is not None and result.ci_low > no_effect:
        return "The change is clear, but smaller than the size needed to call it this pattern."
    if result.status == FOUND:
        strength = "very likely" if (result.p_value or 1) < ALPHA / 10 else "likely"
        return f"Even {checked}, this is {strength} more than chance."
    if result.details.get("p_unadjusted", 1) < ALPHA:
        return (
            f"There is a hint of this, but {checked} it could still be chance, so the wide "
            "interval includes no effect."
        )
    return f"So far this could well be chance ({checked})."


def percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{round(100 * value)}%"


def days_phrase(count: int, noun: str = "day") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def days_phrase_float(value: float) -> str:
    """ "1 day", "0.75 days", "2 days" as a patient reads them."""
    text = number(value)
    return f"{text} day" if text == "1" else f"{text} days"


def finite_or_none(value: float | None) -> float | None:
    """JSON and the database store no infinities: unbounded ends are stored as NULL."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class OnsetTable:
    """Exposed/unexposed at-risk days against a new attack starting (2x2 table)."""

    exposed_events: int
    exposed_days: int
    unexposed_events: int
    unexposed_days: int

    @property
    def days(self) -> int:
        return self.exposed_days + self.unexposed_days

    @property
    def events(self) -> int:
        return self.exposed_events + self.unexposed_events

    @property
    def risk_exposed(self) -> float:
        return self.exposed_events / self.exposed_days if self.exposed_days else math.nan

    @property
    def risk_unexposed(self) -> float:
        return self.unexposed_events / self.unexposed_days if self.unexposed_days else math.nan

    def cells(self) -> tuple[int, int, int, int]:
        return (
            self.exposed_events,
            self.exposed_days - self.exposed_events,
            self.unexposed_events,
            self.unexposed_days - self.unexposed_events,
        )


def onset_result(
    kind: str, table: OnsetTable, test, *, n_events: int, effect_label: str, **details
) -> InsightResult:
    """The result of an onset analysis before the multiplicity step: the odds ratio of a
    penalized logistic model (``test``, a ``stats.Wald`` on the log scale, tested for a raised
    risk) with the 2x2 counts a patient and clinician can check."""
    low, high = test.interval(ALPHA / 2)
    return InsightResult(
        kind=kind,
        status=NOT_FOUND,
        effect=test.effect,
        ci_low=low,
        ci_high=high,
        p_value=test.p_above(),
        n_days=table.days,
        n_events=n_events,
        effect_label=effect_label,
        details={
            **details,
            "risk_exposed": table.risk_exposed,
            "risk_unexposed": table.risk_unexposed,
            "exposed_days": table.exposed_days,
            "exposed_onsets": table.exposed_events,
            "unexposed_days": table.unexposed_days,
            "unexposed_onsets": table.unexposed_events,
            "evidence": evidence_label(n_events),
        },
        candidate=True,
        test=test,
    )


def onset_table(exposed: np.ndarray, event: np.ndarray) -> OnsetTable:
    """Counts of the 2x2 table from boolean arrays over the usable days only."""
    exposed, event = np.asarray(exposed, dtype=bool), np.asarray(event, dtype=bool)
    exposed_days = int(np.count_nonzero(exposed))
    exposed_events = int(np.count_nonzero(exposed & event))
    return OnsetTable(
        exposed_events=exposed_events,
        exposed_days=exposed_days,
        unexposed_events=int(np.count_nonzero(event)) - exposed_events,
        unexposed_days=len(exposed) - exposed_days,
    )


def onset_needs(
    table: OnsetTable,
    *,
    exposed_noun: tuple[str, str],
    unexposed_noun: tuple[str, str],
    days_noun: tuple[str, str],
    onsets: int | None = None,
) -> list[Need]:
    """Onset analyses: >=60 at-risk days, >=10 onsets, >=5 exposed and >=5 unexposed days.
    Each phrase names what is counted: onsets inside the risk set, not every logged start."""
    events = table.events if onsets is None else onsets
    return [
        Need(table.days, MIN_AT_RISK_DAYS, *days_noun),
        Need(
            events,
            MIN_ONSETS,
            "headache start after a headache-free day",
            "headache starts after a headache-free day",
        ),
        Need(table.exposed_days, MIN_EXPOSED_DAYS, *exposed_noun),
        Need(table.unexposed_days, MIN_EXPOSED_DAYS, *unexposed_noun),
    ]
