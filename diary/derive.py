"""Per-day clinical facts derived from a diary: the single home of the day definitions.

Pure functions (no queries). ``diary.selectors.diary_rows`` loads the rows (for the calendar,
trends, clinician dashboard and report, insights) and they all get their days from here:
``derive_days`` for one ``DayFacts`` per day, ``derive_arrays`` for numpy columns.

Definitions (clinical reference §1, IHS trial guidelines; van der Arend et al., Cephalalgia 2023;
Bertisch et al., Neurology 2020):
- headache day: headache lasting >= 30 min that diary day, or any headache treated with acute
  medication, or the patient answered "headache: yes" for the day without details;
- migraine day: a headache >= 30 min meeting ICHD-3 criteria C and D, or a headache treated
  with migraine-specific medication (triptan, ergot, gepant, ditan), or a migraine-specific
  acute dose that day even without a logged attack (also a headache day: these drugs treat
  headache), or a typical aura of 5-60 min with or without headache (the day the attack
  starts; an aura-only day is not a headache day); an attack spanning days makes each day it
  counts on a migraine day;
- long aura: an aura over 60 min is outside typical aura (ICHD-3 1.2): never a migraine day by
  itself, and flagged (``DayFacts.long_aura``) so pages prompt the patient to get it assessed;
- an attack counts on the day it starts when it lasts >= 30 min in all (a 45-minute headache
  across 04:00 is a headache day on the day it started), and on each later day it covers when
  >= 30 of its minutes fall in that day;
- moderate/severe day: peak intensity >= 4/10;
- onset: the diary day an attack starts, unless it starts within 48 hours (real hours, not
  calendar days) of the end of an earlier attack: then it is a relapse of the same attack
  (ICHD-3 glossary); an attack still open counts as ending when it started;
- acute medication day: any acute medication taken that diary day;
- headache minutes: real elapsed minutes of the counted attacks within the diary day;
- WPI-like (one definition for dashboard, report and insights): the areas marked on the
  answered days of a 7-day week, and only for a week with >= ``WPI_MIN_ANSWERED_DAYS`` answered
  days (ACR 2016 asks about the past week; fewer days say too little). An answered day is a day
  whose body map was answered (areas marked, or "No pain today"); a check-in that left the map
  alone is not; where this was not recorded (older days) a check-in still counts.
A diary day runs from 04:00 local to 04:00 the next day (late-night entries belong to the day
that is ending). Minutes are real elapsed time, so a diary day across a clock change lasts 23 or
25 hours; an attack still open runs until ``now``.

The rules are written once, over numpy columns, in ``derive_arrays``: its work is per attack,
per day an attack covers, per dose and per "headache: yes" answer, so a whole diary costs what its
data costs. ``derive_days`` builds one ``DayFacts`` per calendar day on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain, compress, repeat
from zoneinfo import ZoneInfo

import numpy as np

from diary import scales

MIN_HEADACHE_MINUTES = 30
AURA_MIN_MINUTES, AURA_MAX_MINUTES = 5, 60
RELAPSE_HOURS = 48
WPI_WEEK_DAYS = 7
WPI_MIN_ANSWERED_DAYS = 4
DAY_MINUTES = 24 * 60  # the most headache one diary day can hold
_C_FEATURES = ("unilateral", "pulsating", "worse_with_activity")
FEATURE_BITS = {code: 1 << i for i, code in enumerate(scales.MIGRAINE_FEATURE_CODES)}
_CLASS_INDEX = {code: i for i, code in enumerate(scales.MEDICATION_CLASS_CODES)}
_SPECIFIC_CLASS = np.array(
    [code in scales.MIGRAINE_SPECIFIC_CLASSES for code in scales.MEDICATION_CLASS_CODES]
)
_ROLLOVER = timedelta(hours=scales.DAY_ROLLOVER_HOUR)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MICROSECOND = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY_US = 24 * 60 * _MINUTE_US
_RELAPSE_US = RELAPSE_HOURS * 60 * _MINUTE_US
_CRITERION_C_FEATURES = sum(FEATURE_BITS[code] for code in _C_FEATURES)
_NAUSEA_OR_VOMITING = FEATURE_BITS["nausea"] | FEATURE_BITS["vomiting"]
_PHOTOPHOBIA_AND_PHONOPHOBIA = FEATURE_BITS["photophobia"] | FEATURE_BITS["phonophobia"]
_FEATURE_SETS = tuple(  # every set of features, by mask: the DayFacts share them
    frozenset(code for code, bit in FEATURE_BITS.items() if mask & bit)
    for mask in range(1 << len(FEATURE_BITS))
)
_CLASS_SETS = tuple(  # every set of medication classes, by bitmask over MEDICATION_CLASS_CODES
    frozenset(code for i, code in enumerate(scales.MEDICATION_CLASS_CODES) if mask >> i & 1)
    for mask in range(1 << len(scales.MEDICATION_CLASS_CODES))
)
_CLASS_BITS = 1 << np.arange(len(scales.MEDICATION_CLASS_CODES))


@dataclass(frozen=True, slots=True)
class AttackSpan:
    """The parts of a headache attack the day rules need (features: MIGRAINE_FEATURE_CODES)."""

    id: object
    started_at: datetime
    ended_at: datetime | None
    start_date: date
    end_date: date | None
    peak: int
    features: frozenset[str]
    aura_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class DoseEntry:
    """One dose; ``med_class`` is a code of ``scales.MEDICATION_CLASS_CODES``."""

    date: date
    med_class: str
    acute: bool
    attack_id: object = None
    name: str = ""


@dataclass(slots=True)
class DayFacts:
    """Everything the pages, report and insights need to know about one diary day."""

    date: date
    recorded: bool = False  # a check-in (Day row) exists
    # The body map was answered (areas marked, or "No pain today"): True/False as the check-in
    # recorded it; None when it was not recorded (older days, clients that do not send it).
    pain_answered: bool | None = None
    headache_day: bool = False
    migraine_day: bool = False
    moderate_severe_day: bool = False
    onset: bool = False
    peak_intensity: int | None = None
    headache_minutes: int = 0
    features: frozenset[str] = frozenset()
    acute_medication_day: bool = False
    medication_classes: frozenset[str] = frozenset()
    medication_names: tuple[str, ...] = ()
    stress: int | None = None
    sleep_quality: int | None = None
    total_sleep_min: int | None = None
    sleep_efficiency: float | None = None
    mood: int | None = None  # daily 0-10 items of the check-in
    fatigue: int | None = None
    pain: dict[str, int] = field(default_factory=dict)
    triggers: list[str] | None = None  # trigger keys ticked; None: not answered
    long_aura: bool = False  # an attack starting this day had an aura over 60 min
    period: bool | None = None  # menstruating: as answered on the check-in (None: no answer)
    ongoing: bool = False  # an attack with no end yet covers this day

    @property
    def has_entry(self) -> bool:
        """Something was recorded: a check-in, a headache (ongoing too), an aura or acute
        medication."""
        return (
            self.recorded
            or self.ongoing
            or self.headache_day
            or self.migraine_day
            or self.long_aura
            or self.acute_medication_day
        )

    @property
    def headache_without_duration(self) -> bool:
        """A headache day with no timed headache: a bare "headache: yes" (or a zero-length
        attack), which the >= 30 min rule could not check."""
        return self.headache_day and self.headache_minutes == 0

    @property
    def map_answered(self) -> bool:
        """Counts as an answered day for the WPI-like week: the recorded answer, or for days
        where it was not recorded, any check-in (the rule before it was asked)."""
        return self.recorded if self.pain_answered is None else self.pain_answered

    @property
    def painful_areas(self) -> int:
        return len(self.pain)

    @property
    def mean_pain(self) -> float | None:
        return sum(self.pain.values()) / len(self.pain) if self.pain else None


@dataclass(frozen=True, slots=True)
class AttackColumns:
    """Attacks as parallel columns (entry i of each is one attack): what ``derive_arrays`` reads.

    ``diary.selectors.DiaryRows`` fills them straight from query rows, without an object per
    attack; ``from_spans`` builds them from ``AttackSpan`` objects.
    """

    ids: Sequence[object]  # what DoseColumns.attack_id refers to
    started_at: Sequence[datetime]
    ended_at: Sequence[datetime | None]
    start_date: Sequence[date]
    end_date: Sequence[date | None]
    peak: Sequence[int]
    aura_minutes: Sequence[int | None]
    features: np.ndarray  # int FEATURE_BITS masks

    @classmethod
    def from_spans(cls, attacks: Iterable[AttackSpan]) -> AttackColumns:
        attacks = list(attacks)
        return cls(
            ids=[attack.id for attack in attacks],
            started_at=[attack.started_at for attack in attacks],
            ended_at=[attack.ended_at for attack in attacks],
            start_date=[attack.start_date for attack in attacks],
            end_date=[attack.end_date for attack in attacks],
            peak=[attack.peak for attack in attacks],
            aura_minutes=[attack.aura_minutes for attack in attacks],
            features=np.array([feature_mask(a.features) for a in attacks], dtype=np.int64),
        )


@dataclass(frozen=True, slots=True)
class DoseColumns:
    """Doses as parallel columns (entry i of each is one dose): what ``derive_arrays`` reads."""

    date: Sequence[date]
    med_class: Sequence[str]  # codes of scales.MEDICATION_CLASS_CODES
    acute: Sequence[bool]
    attack_id: Sequence[object]  # the attack the dose treated, or None
    name: Sequence[str] = ()  # the medication's name (only the pages show it)

    @classmethod
    def from_entries(cls, doses: Iterable[DoseEntry]) -> DoseColumns:
        doses = list(doses)
        return cls(
            date=[dose.date for dose in doses],
            med_class=[dose.med_class for dose in doses],
            acute=[dose.acute for dose in doses],
            attack_id=[dose.attack_id for dose in doses],
            name=[dose.name for dose in doses],
        )


@dataclass(frozen=True, slots=True)
class DerivedDays:
    """The derived facts of each day of a range: entry i of each column is ``start`` + i days.

    A day without data has no headache, onset or acute medication.
    """

    start: date
    headache_day: np.ndarray  # bool
    migraine_day: np.ndarray  # bool
    moderate_severe_day: np.ndarray  # bool
    onset: np.ndarray  # bool
    peak: np.ndarray  # int: worst attack counted that day (0-10), -1 when none counts
    headache_minutes: np.ndarray  # int, at most DAY_MINUTES
    features: np.ndarray  # int FEATURE_BITS masks of the attacks counted that day
    medication: np.ndarray  # bool (days, MEDICATION_CLASS_CODES): acute medication per class
    long_aura: np.ndarray  # bool: an attack starting that day had an aura over 60 minutes
    ongoing: np.ndarray  # bool: an attack with no end yet covers that day (up to today)

    def days_with_data(self) -> np.ndarray:
        """Indexes of the days with a headache, a migraine day, an onset, a long aura, an
        ongoing attack or acute medication."""
        flagged = self.headache_day | self.migraine_day | self.onset | self.long_aura
        flagged = flagged | self.ongoing
        return np.flatnonzero(flagged | self.medication.any(axis=1))


def feature_mask(features: Iterable[str]) -> int:
    """The FEATURE_BITS mask of some MIGRAINE_FEATURE_CODES (how the rules store features)."""
    return sum(FEATURE_BITS[code] for code in set(features))


def feature_names(mask: int) -> frozenset[str]:
    """The MIGRAINE_FEATURE_CODES in a FEATURE_BITS mask."""
    return _FEATURE_SETS[mask]


def migraine_criteria_met(features, peak, aura_minutes) -> np.ndarray:
    """ICHD-3 1.1 C (>=2 of unilateral, pulsating, moderate/severe, worse with activity) and
    D (nausea and/or vomiting, or photophobia and phonophobia), or an aura of 5-60 minutes or
    of unrecorded length; element-wise over FEATURE_BITS masks (aura_minutes NaN: unrecorded)."""
    features, aura_minutes = np.asarray(features), np.asarray(aura_minutes, dtype=float)
    moderate_severe = np.asarray(peak) >= scales.MODERATE_SEVERE_MIN
    c_count = np.bitwise_count(features & _CRITERION_C_FEATURES) + moderate_severe
    both = _PHOTOPHOBIA_AND_PHONOPHOBIA
    d_met = ((features & _NAUSEA_OR_VOMITING) != 0) | ((features & both) == both)
    aura_met = _has(features, "aura") & (np.isnan(aura_minutes) | _aura_in_range(aura_minutes))
    return ((c_count >= 2) & d_met) | aura_met


def aura_qualifies(features, aura_minutes) -> np.ndarray:
    """An aura of 5-60 recorded minutes (a migraine day by itself), element-wise."""
    return _has(np.asarray(features), "aura") & _aura_in_range(np.asarray(aura_minutes))


def _has(features: np.ndarray, code: str) -> np.ndarray:
    return (features & FEATURE_BITS[code]) != 0


def _aura_in_range(aura_minutes: np.ndarray) -> np.ndarray:
    return (aura_minutes >= AURA_MIN_MINUTES) & (aura_minutes <= AURA_MAX_MINUTES)


def aura_needs_assessment(aura_minutes) -> np.ndarray:
    """An aura over 60 minutes, element-wise (NaN: unrecorded, not flagged): outside typical
    aura (ICHD-3 1.2 C: each symptom 5-60 min), so the patient is prompted to get it assessed
    rather than having it silently not count."""
    return np.asarray(aura_minutes, dtype=float) > AURA_MAX_MINUTES


def attack_meets_migraine_criteria(attack: AttackSpan) -> bool:
    """``migraine_criteria_met`` for one attack (ICHD-3 C and D, or an aura of 5-60 minutes)."""
    aura_minutes = np.nan if attack.aura_minutes is None else attack.aura_minutes
    return bool(migraine_criteria_met(feature_mask(attack.features), attack.peak, aura_minutes))


def diary_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The span of one diary day: 04:00 local to 04:00 local the next day."""
    rollover = time(scales.DAY_ROLLOVER_HOUR)
    start = datetime.combine(day, rollover, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), rollover, tzinfo=zone)


def window_starts(days, zone: ZoneInfo) -> np.ndarray:
    """When each diary day (date ordinals) begins, in microseconds since the epoch.

    The instants of ``diary_window(day, zone)[0]``: the UTC offset of 04:00 local is looked up
    for each day (fold 0, as for an aware datetime), so clock changes fall where they should.
    """
    days = np.asarray(days, dtype=np.int64)
    rollovers = map(datetime.__add__, map(datetime.fromordinal, days.tolist()), repeat(_ROLLOVER))
    offsets = list(map(zone.utcoffset, rollovers))
    in_microseconds = {offset: offset // _MICROSECOND for offset in set(offsets)}  # a zone has few
    local = (days - _EPOCH_ORDINAL) * _DAY_US + _ROLLOVER // _MICROSECOND
    return local - np.fromiter(map(in_microseconds.__getitem__, offsets), np.int64, len(days))


def _onset_flags(started: np.ndarray, ended: np.ndarray, still_open: np.ndarray) -> np.ndarray:
    """Per attack: it starts more than 48 hours after every earlier attack has ended (ICHD-3
    glossary: a recurrence within 48 h is a relapse; Bertisch et al., Neurology 2020).

    Moments are microseconds; an open attack counts as ending when it started, so a forgotten
    end time does not turn every later attack into a relapse.
    """
    order = np.argsort(started, kind="stable")
    ended = np.where(still_open, started, ended)
    ended_by = np.maximum.accumulate(ended[order])
    onset_in_order = np.ones(len(order), dtype=bool)
    onset_in_order[1:] = started[order][1:] > ended_by[:-1] + _RELAPSE_US
    onset = np.empty(len(order), dtype=bool)
    onset[order] = onset_in_order
    return onset


def derive_arrays(
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    attacks: AttackColumns,
    doses: DoseColumns,
    headache_answers: Iterable[date] = (),
    now: datetime | None = None,
) -> DerivedDays:
    """The day rules for every day from ``start`` to ``end``, as numpy columns.

    The work is per attack, per day an attack covers, per dose and per answer, never per day of
    the range: the days without data only cost their share of a few numpy fills.
    ``headache_answers`` are the days the patient answered "headache: yes"; ``attacks`` may
    include earlier attacks so an onset on ``start`` is judged correctly. An open attack runs
    until ``now`` (default: the current time) and covers every diary day up to today's (before
    04:00 that is the day that is ending, never the next one).
    """
    now = now or datetime.now(tz=zone)
    today = (now.astimezone(zone) - _ROLLOVER).date()
    days = _Days(first=start.toordinal(), count=max((end - start).days + 1, 0))
    acute = _AcuteDoses.of(doses, days)
    spans = _AttackArrays.of(attacks, acute, now, today)
    covered = _AttackDays.of(spans, acute, days, zone)
    headache_day = days.flags(_ordinals(headache_answers)) | acute.specific_taken
    headache_day[covered.day[covered.headache]] = True
    migraine_day = acute.specific_taken.copy()
    migraine_day[covered.day[covered.migraine]] = True
    peak, minutes, features = _counted_attack_totals(covered, days.count)
    return DerivedDays(
        start=start,
        headache_day=headache_day,
        migraine_day=migraine_day,
        moderate_severe_day=peak >= scales.MODERATE_SEVERE_MIN,
        onset=days.flags(spans.onset_days()),
        peak=peak,
        headache_minutes=minutes,
        features=features,
        medication=acute.medication,
        long_aura=days.flags(spans.first_day[spans.long_aura]),
        ongoing=spans.open_days(days),
    )


@dataclass(frozen=True, slots=True)
class _Days:
    """The range's days: index i is the day with ordinal ``first`` + i."""

    first: int
    count: int

    def index(self, ordinals: np.ndarray) -> np.ndarray:
        """The indexes of the given days (date ordinals) that fall in the range."""
        index = ordinals - self.first
        return index[(index >= 0) & (index < self.count)]

    def flags(self, ordinals: np.ndarray) -> np.ndarray:
        """A bool per day, set on the given days (date ordinals) that fall in the range."""
        flags = np.zeros(self.count, dtype=bool)
        flags[self.index(ordinals)] = True
        return flags


@dataclass(frozen=True, slots=True)
class _AcuteDoses:
    """The acute doses (the only ones the rules count): per day, and per attack they treated."""

    medication: np.ndarray  # bool (days, MEDICATION_CLASS_CODES)
    taken: np.ndarray  # bool per day: any acute dose
    specific_taken: np.ndarray  # bool per day: a migraine-specific acute dose
    treated_attacks: frozenset  # ids of the attacks with a linked acute dose (whatever its day)
    specific_attacks: frozenset  # ids of those with a linked migraine-specific one

    @classmethod
    def of(cls, doses: DoseColumns, days: _Days) -> _AcuteDoses:
        acute = list(doses.acute)
        med_class = list(compress(doses.med_class, acute))
        attack_id = list(compress(doses.attack_id, acute))
        is_specific = list(map(scales.MIGRAINE_SPECIFIC_CLASSES.__contains__, med_class))
        day = np.fromiter(map(date.toordinal, compress(doses.date, acute)), np.int64) - days.first
        class_index = np.fromiter(map(_CLASS_INDEX.__getitem__, med_class), np.int64)
        inside = (day >= 0) & (day < days.count)
        day, class_index = day[inside], class_index[inside]
        medication = np.zeros((days.count, len(scales.MEDICATION_CLASS_CODES)), dtype=bool)
        medication[day, class_index] = True
        taken, specific_taken = np.zeros(days.count, bool), np.zeros(days.count, bool)
        taken[day] = True
        specific_taken[day[_SPECIFIC_CLASS[class_index]]] = True
        return cls(
            medication=medication,
            taken=taken,
            specific_taken=specific_taken,
            treated_attacks=frozenset(attack_id) - {None},
            specific_attacks=frozenset(compress(attack_id, is_specific)) - {None},
        )

    def treated(self, attack_ids: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """Per attack: treated with a linked acute dose, and with a migraine-specific one."""
        treated = map(self.treated_attacks.__contains__, attack_ids)
        specific = map(self.specific_attacks.__contains__, attack_ids)
        return np.fromiter(treated, bool, len(attack_ids)), np.fromiter(specific, bool)


@dataclass(frozen=True, slots=True)
class _AttackArrays:
    """Attacks as numpy columns, with the rules that depend on the attack alone."""

    started: np.ndarray  # microseconds since the epoch
    ended: np.ndarray  # microseconds since the epoch; an open attack ends ``now``
    still_open: np.ndarray  # bool: no end time yet
    first_day: np.ndarray  # ordinal of the diary day it starts
    end_day: np.ndarray  # ordinal of the diary day it ends, -1 while still open
    last_day: np.ndarray  # last diary day it covers (open: today, or its start if later)
    peak: np.ndarray
    features: np.ndarray  # FEATURE_BITS masks
    migraine: np.ndarray  # bool: meets the migraine criteria
    aura: np.ndarray  # bool: an aura of 5-60 minutes
    long_aura: np.ndarray  # bool: an aura over 60 minutes (to be assessed)
    treated: np.ndarray  # bool: an acute dose was linked to it
    treated_specific: np.ndarray  # bool: a migraine-specific acute dose was linked to it

    @classmethod
    def of(cls, attacks: AttackColumns, acute: _AcuteDoses, now: datetime, today: date):
        count = len(attacks.ids)
        first_day = _ordinals(attacks.start_date)
        end_day = _end_days(attacks.end_date)
        still_open = end_day < 0
        ended_at = [now if moment is None else moment for moment in attacks.ended_at]
        moments = _microseconds(chain(attacks.started_at, ended_at))
        aura_minutes = np.array(attacks.aura_minutes, dtype=float)  # None becomes NaN
        peak = np.array(attacks.peak, dtype=np.int64)
        features = np.asarray(attacks.features, dtype=np.int64)
        treated, treated_specific = acute.treated(attacks.ids)
        return cls(
            started=moments[:count],
            ended=moments[count:],
            still_open=still_open,
            first_day=first_day,
            end_day=end_day,
            last_day=np.where(still_open, np.maximum(first_day, today.toordinal()), end_day),
            peak=peak,
            features=features,
            migraine=migraine_criteria_met(features, peak, aura_minutes),
            aura=aura_qualifies(features, aura_minutes),
            long_aura=aura_needs_assessment(aura_minutes),
            treated=treated,
            treated_specific=treated_specific,
        )

    def onset_days(self) -> np.ndarray:
        return self.first_day[_onset_flags(self.started, self.ended, self.still_open)]

    def open_days(self, days: _Days) -> np.ndarray:
        """A bool per day of the range: an attack still open covers it."""
        first = self.first_day[self.still_open] - days.first
        last = self.last_day[self.still_open] - days.first
        _, day = _covered_days(first, last, days.count)
        return days.flags(day + days.first)


@dataclass(frozen=True, slots=True)
class _AttackDays:
    """Each day of the range an attack covers (as a day index), and whether it counts."""

    day: np.ndarray  # index into the range's days
    minutes: np.ndarray  # the attack's minutes within the day's window
    peak: np.ndarray  # the attack's
    features: np.ndarray  # the attack's FEATURE_BITS mask
    headache: np.ndarray  # bool: makes a headache day
    migraine: np.ndarray  # bool: makes a migraine day

    @classmethod
    def of(cls, spans: _AttackArrays, acute: _AcuteDoses, days: _Days, zone: ZoneInfo):
        first, last = spans.first_day - days.first, spans.last_day - days.first
        attack, day = _covered_days(first, last, days.count)
        minutes = _minutes_on_days(spans.started[attack], spans.ended[attack], day, days, zone)
        first_day = day == first[attack]
        whole = (spans.ended - spans.started) // _MINUTE_US
        long_enough = (minutes >= MIN_HEADACHE_MINUTES) | (
            first_day & (whole[attack] >= MIN_HEADACHE_MINUTES)
        )
        treated = spans.treated[attack] | acute.taken[day]
        headache = long_enough | treated
        specific = (spans.treated_specific[attack] | acute.specific_taken[day]) & treated
        migraine_like = spans.migraine[attack] & long_enough
        aura = spans.aura[attack]
        migraine = (headache & (migraine_like | specific | aura)) | (first_day & aura)
        return cls(
            day=day,
            minutes=minutes,
            peak=spans.peak[attack],
            features=spans.features[attack],
            headache=headache,
            migraine=migraine,
        )


def _covered_days(
    first_day: np.ndarray, last_day: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """(attack index, day index) for every day from first_day to last_day within 0..count-1."""
    low = np.maximum(first_day, 0)
    days_each = np.maximum(np.minimum(last_day, count - 1) - low + 1, 0)
    attack = np.arange(len(days_each)).repeat(days_each)
    first_pair = (days_each.cumsum() - days_each).repeat(days_each)
    return attack, low[attack] + np.arange(len(attack)) - first_pair


def _minutes_on_days(
    started: np.ndarray, ended: np.ndarray, day: np.ndarray, days: _Days, zone: ZoneInfo
) -> np.ndarray:
    """Whole minutes of each attack (started to ended) within its diary day's window."""
    needed = np.zeros(days.count + 1, dtype=bool)  # the days whose window start is needed
    needed[day] = needed[day + 1] = True
    boundary = needed.nonzero()[0]
    window_start = np.zeros(days.count + 1, dtype=np.int64)
    window_start[boundary] = window_starts(boundary + days.first, zone)
    overlap = np.minimum(window_start[day + 1], ended) - np.maximum(window_start[day], started)
    return np.maximum(overlap // _MINUTE_US, 0)


def _counted_attack_totals(covered: _AttackDays, count: int):
    """Per day, over the attacks it counts: worst peak (-1 if none), minutes, features."""
    day = covered.day[covered.headache]
    peak = np.full(count, -1, dtype=np.int64)
    np.maximum.at(peak, day, np.maximum(covered.peak[covered.headache], 0))
    minutes = np.bincount(day, weights=covered.minutes[covered.headache], minlength=count)
    features = np.zeros(count, dtype=np.int64)
    np.bitwise_or.at(features, day, covered.features[covered.headache])
    return peak, np.minimum(minutes, DAY_MINUTES).astype(np.int64), features


def derive_days(
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    days: Iterable = (),
    attacks: AttackColumns | Iterable[AttackSpan] = (),
    doses: DoseColumns | Iterable[DoseEntry] = (),
    now: datetime | None = None,
) -> list[DayFacts]:
    """One DayFacts per calendar day from ``start`` to ``end`` inclusive.

    ``days`` are Day rows (or objects with the same attributes); ``attacks`` may include
    earlier attacks so an onset on ``start`` is judged correctly. The rules come from
    ``derive_arrays``; this adds the check-ins and medication names.
    """
    if not isinstance(attacks, AttackColumns):
        attacks = AttackColumns.from_spans(attacks)
    if not isinstance(doses, DoseColumns):
        doses = DoseColumns.from_entries(doses)
    facts = [DayFacts(date=start + timedelta(days=i)) for i in range((end - start).days + 1)]
    days = list(days)
    answers = _apply_day_rows(facts, start, days)
    derived = derive_arrays(
        start=start,
        end=end,
        zone=zone,
        attacks=attacks,
        doses=doses,
        headache_answers=answers,
        now=now,
    )
    _apply_derived(facts, derived)
    _apply_untimed_peaks(facts, start, days)
    _apply_medication_names(facts, start, doses)
    return facts


def _apply_untimed_peaks(facts: list[DayFacts], start: date, days: Iterable) -> None:
    """The worst pain of a headache logged without times ("sometime today") joins the day's
    peak; the day is already a headache day of unknown length (a "headache: yes" answer)."""
    for row in days:
        peak = getattr(row, "headache_peak", None)
        index = (row.date - start).days
        if peak is None or not 0 <= index < len(facts):
            continue
        fact = facts[index]
        fact.peak_intensity = max(peak, fact.peak_intensity or 0)


def _apply_day_rows(facts: list[DayFacts], start: date, days: Iterable) -> list[date]:
    """Copy the check-ins into their days; return the days answered "headache: yes"."""
    answers = []
    for row in days:
        index = (row.date - start).days
        if not 0 <= index < len(facts):
            continue
        fact = facts[index]
        fact.recorded = True
        fact.stress = row.stress
        fact.sleep_quality = row.sleep_quality
        fact.total_sleep_min = row.total_sleep_min
        fact.sleep_efficiency = row.sleep_efficiency
        fact.mood = getattr(row, "mood", None)
        fact.fatigue = getattr(row, "fatigue", None)
        fact.pain = row.pain_map
        fact.pain_answered = True if fact.pain else getattr(row, "body_map_answered", None)
        fact.period = getattr(row, "period", None)
        fact.triggers = getattr(row, "triggers", None)
        if row.headache:
            answers.append(row.date)
    return answers


def _apply_derived(facts: list[DayFacts], derived: DerivedDays) -> None:
    """Copy the derived columns into the DayFacts of the days that have any."""
    index = derived.days_with_data()
    columns = zip(
        index.tolist(),
        derived.headache_day[index].tolist(),
        derived.migraine_day[index].tolist(),
        derived.moderate_severe_day[index].tolist(),
        derived.onset[index].tolist(),
        derived.peak[index].tolist(),
        derived.headache_minutes[index].tolist(),
        derived.features[index].tolist(),
        (derived.medication[index] @ _CLASS_BITS).tolist(),
        derived.long_aura[index].tolist(),
        derived.ongoing[index].tolist(),
        strict=True,
    )
    for (
        i,
        headache,
        migraine,
        severe,
        onset,
        peak,
        minutes,
        features,
        classes,
        aura,
        ongoing,
    ) in columns:
        fact = facts[i]
        fact.headache_day = headache
        fact.migraine_day = migraine
        fact.moderate_severe_day = severe
        fact.onset = onset
        fact.peak_intensity = None if peak < 0 else peak
        fact.headache_minutes = minutes
        fact.features = _FEATURE_SETS[features]
        fact.acute_medication_day = classes != 0
        fact.medication_classes = _CLASS_SETS[classes]
        fact.long_aura = aura
        fact.ongoing = ongoing


def _apply_medication_names(facts: list[DayFacts], start: date, doses: DoseColumns) -> None:
    """Names of each day's acute medications, in the order the doses come (each name once)."""
    for day, acute, name in zip(doses.date, doses.acute, doses.name, strict=False):
        index = (day - start).days
        if not (acute and name and 0 <= index < len(facts)):
            continue
        fact = facts[index]
        if name not in fact.medication_names:
            fact.medication_names = (*fact.medication_names, name)


def _ordinals(days: Iterable[date]) -> np.ndarray:
    return np.fromiter(map(date.toordinal, days), np.int64)


def _end_days(end_dates: Iterable[date | None]) -> np.ndarray:
    """Ordinals of the days attacks end; -1 for an attack still open."""
    return np.array([-1 if day is None else day.toordinal() for day in end_dates], np.int64)


def _microseconds(moments: Iterable[datetime]) -> np.ndarray:
    """Aware datetimes as exact integer microseconds since the epoch (real elapsed time)."""
    return np.array([(moment - _EPOCH) // _MICROSECOND for moment in moments], dtype=np.int64)


def wpi_areas(facts: Iterable[DayFacts]) -> frozenset[str]:
    """WPI-like areas (their count is 0-19): marked on any of the given days (ACR 2016,
    Wolfe 2016). ``wpi_week`` adds the answered-days rule every page uses."""
    return frozenset(code for fact in facts for code in fact.pain)


@dataclass(frozen=True, slots=True)
class WpiWeek:
    """The WPI-like count of one week (ACR 2016 asks about the past week), with the number of
    answered days behind it; ``wpi`` is None when too few days were answered to count."""

    start: date
    end: date
    answered_days: int
    areas: frozenset[str]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def enough(self) -> bool:
        return self.answered_days >= WPI_MIN_ANSWERED_DAYS

    @property
    def wpi(self) -> int | None:
        return len(self.areas) if self.enough else None

    @property
    def generalized(self) -> bool:
        """ACR 2016 generalized pain in this week (False when too few days were answered)."""
        return self.enough and generalized_pain(self.areas)


def wpi_week(facts: Iterable[DayFacts], *, end: date) -> WpiWeek:
    """The WPI-like of the 7 diary days ending on ``end``: the areas marked on its answered days
    (``DayFacts.map_answered``), counted only with >= WPI_MIN_ANSWERED_DAYS of them. Days missing
    from ``facts`` count as unanswered."""
    start = end - timedelta(days=WPI_WEEK_DAYS - 1)
    answered = [fact for fact in facts if start <= fact.date <= end and fact.map_answered]
    return WpiWeek(start, end, len(answered), wpi_areas(answered))


def wpi_weeks(facts: Sequence[DayFacts]) -> list[WpiWeek]:
    """``wpi_week`` for consecutive 7-day blocks counted back from the last day (so the latest
    week is always whole), oldest first; the first block is shorter when the days do not
    divide into weeks."""
    if not facts:
        return []
    first, last = facts[0].date, facts[-1].date
    weeks = []
    end = last
    while end >= first:
        week = wpi_week(facts[max(0, (end - first).days - WPI_WEEK_DAYS + 1) :], end=end)
        weeks.append(WpiWeek(max(week.start, first), end, week.answered_days, week.areas))
        end -= timedelta(days=WPI_WEEK_DAYS)
    return weeks[::-1]


def wpi_week_arrays(answered: np.ndarray, painful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``wpi_weeks`` over numpy columns (the insights' arrays): per whole 7-day block counted
    back from the last day, oldest first, the number of answered days and, per area, whether
    it was marked on an answered day (``painful``: bool (days, areas)). The rule's count is
    ``areas.sum(axis=1)`` where answered >= WPI_MIN_ANSWERED_DAYS."""
    weeks = len(answered) // WPI_WEEK_DAYS
    offset = len(answered) - weeks * WPI_WEEK_DAYS
    painful = np.asarray(painful, dtype=bool)
    answered = np.asarray(answered, dtype=bool)[offset:].reshape(weeks, WPI_WEEK_DAYS)
    painful = painful[offset:].reshape(weeks, WPI_WEEK_DAYS, painful.shape[1])
    return answered.sum(axis=1), (painful & answered[:, :, None]).any(axis=1)


def generalized_pain(areas: Iterable[str]) -> bool:
    """ACR 2016 generalized pain: pain in >= 4 of 5 regions; jaw, chest, abdomen don't count."""
    regions = {
        scales.PAIN_AREA_BY_CODE[code].region
        for code in areas
        if scales.PAIN_AREA_BY_CODE[code].counts_for_generalized
    }
    return len(regions) >= 4
