"""Menstrual cycles from the daily "Period today?" answers: starts, perimenstrual days, cycles.

Pure numpy, shared by the menstrual insight, the cycle adjustment of the other onset analyses
and the clinician report. ICHD-3 appendix A1.1 (menstrual migraine): day 1 is the first day of
menstruation, the day before is day -1 and there is no day 0, so the window "day 1 +/- 2"
(days -2 to +3) is five calendar days: two before the start and the first three of bleeding.

Choices where the criteria are silent (and why):
- A *start* is a day answered "yes" with no "yes" on the ``START_GAP_DAYS`` days before it.
  Unanswered days count as not menstruating there, since many patients answer only the "yes"
  days; seven clear days bridge a few forgotten check-ins inside one period (bleeding rarely
  lasts longer than 7-8 days, cycles rarely shorter than 21) without merging two periods.
- A start is *observed* only when the patient kept the diary just before it (a check-in on
  day -1 or -2): a "yes" on the first day back after a break may be a period already under
  way, and its true day 1 unknown.
- A cycle *counts* towards the ICHD-3 criterion when its whole window (days -2 to +3) is in the
  diary with the headache status known on at least 4 of its 5 days: one forgotten check-in
  should not throw a cycle away (a patient who skips one day in eight would lose half of them),
  more than one leaves too much room for an unlogged attack.
- Consecutive cycles: two counted starts at most ``MAX_CYCLE_DAYS`` apart (a longer gap means a
  period in between was probably not logged, so the run is broken).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW_BEFORE = 2  # days -2 and -1
WINDOW_FROM_START = 3  # days 1, 2 and 3
WINDOW_DAYS = WINDOW_BEFORE + WINDOW_FROM_START
START_GAP_DAYS = 7
MAX_CYCLE_DAYS = 45
MIN_CYCLES = 3  # ICHD-3 A1.1: at least three consecutive cycles
MIN_KNOWN_WINDOW_DAYS = 4  # of the 5 window days, for a cycle to count


def menstruation_starts(period: np.ndarray, recorded: np.ndarray) -> np.ndarray:
    """Indexes of observed menstruation starts (day 1), see the module docstring.

    ``period``: float per day, 1 yes, 0 no, NaN not answered; ``recorded``: a check-in exists.
    """
    yes = np.asarray(period) == 1  # NaN compares False
    recorded = np.asarray(recorded, dtype=bool)
    starts = []
    for day in np.flatnonzero(yes):
        if day < 1 or yes[max(0, day - START_GAP_DAYS) : day].any():
            continue
        if recorded[max(0, day - WINDOW_BEFORE) : day].any():
            starts.append(day)
    return np.array(starts, dtype=np.int64)


def window_days(starts: np.ndarray, days: int) -> np.ndarray:
    """Bool per day: inside days -2 to +3 of one of the ``starts`` (ICHD-3 A1.1)."""
    window = np.zeros(days, dtype=bool)
    for start in np.asarray(starts, dtype=np.int64):
        window[max(0, start - WINDOW_BEFORE) : min(days, start + WINDOW_FROM_START)] = True
    return window


def perimenstrual_days(period: np.ndarray, recorded: np.ndarray) -> np.ndarray:
    """Bool per day: inside the perimenstrual window of an observed start."""
    return window_days(menstruation_starts(period, recorded), len(period))


@dataclass(frozen=True)
class CyclePattern:
    """The ICHD-3 A1.1 count over the counted cycles of a diary.

    ``counted_starts``: day indexes of the starts whose whole window was observed;
    ``with_attack``: per counted start, an attack started in its window; ``run``: the longest
    run of consecutive counted cycles; ``outside_onsets``: onsets on days between the first and
    last counted window that fall outside every window (pure vs menstrually related).
    """

    starts: np.ndarray
    counted_starts: np.ndarray
    with_attack: np.ndarray
    with_migraine: np.ndarray
    run: int
    window_onsets: int
    outside_onsets: int

    @property
    def cycles(self) -> int:
        return len(self.counted_starts)

    @property
    def cycles_with_attack(self) -> int:
        return int(np.count_nonzero(self.with_attack))

    @property
    def enough_cycles(self) -> bool:
        return self.run >= MIN_CYCLES

    @property
    def criterion_met(self) -> bool:
        """Attacks on days -2 to +3 in at least two of three counted cycles (>= 2/3 of them),
        over at least three consecutive cycles (ICHD-3 A1.1.1 and A1.1.2, criterion B)."""
        return self.enough_cycles and 3 * self.cycles_with_attack >= 2 * self.cycles

    @property
    def subtype(self) -> str | None:
        """ "pure" (A1.1.1: attacks only in the windows), "related" (A1.1.2: also at other
        times of the cycle), or None when the criterion is not met."""
        if not self.criterion_met:
            return None
        return "pure" if self.outside_onsets == 0 else "related"


def cycle_pattern(
    *,
    period: np.ndarray,
    recorded: np.ndarray,
    headache_known: np.ndarray,
    onset: np.ndarray,
    migraine_onset: np.ndarray | None = None,
) -> CyclePattern:
    """The observed starts, the cycles that count and the A1.1 count (module docstring).

    ``onset``: a new attack starts that day (relapses within 48 h are not onsets, the same
    definition as every onset analysis); ``migraine_onset``: the onsets meeting the migraine
    day rules (counted for the report, the criterion itself uses every onset).
    """
    onset = np.asarray(onset, dtype=bool)
    migraine_onset = onset if migraine_onset is None else np.asarray(migraine_onset, bool)
    known = np.asarray(headache_known, dtype=bool)
    days = len(onset)
    starts = menstruation_starts(period, recorded)
    counted = [
        start
        for start in starts
        if start >= WINDOW_BEFORE
        and start + WINDOW_FROM_START <= days
        and known[start - WINDOW_BEFORE : start + WINDOW_FROM_START].sum() >= MIN_KNOWN_WINDOW_DAYS
    ]
    counted = np.array(counted, dtype=np.int64)
    spans = [slice(start - WINDOW_BEFORE, start + WINDOW_FROM_START) for start in counted]
    with_attack = np.array([onset[span].any() for span in spans], dtype=bool)
    with_migraine = np.array([migraine_onset[span].any() for span in spans], dtype=bool)
    window = window_days(starts, days)
    if len(counted):
        between = np.zeros(days, dtype=bool)
        between[counted[0] - WINDOW_BEFORE : counted[-1] + WINDOW_FROM_START] = True
    else:
        between = np.zeros(days, dtype=bool)
    return CyclePattern(
        starts=starts,
        counted_starts=counted,
        with_attack=with_attack,
        with_migraine=with_migraine,
        run=_longest_run(counted),
        window_onsets=int(np.count_nonzero(onset & window & between)),
        outside_onsets=int(np.count_nonzero(onset & ~window & between)),
    )


def _longest_run(counted: np.ndarray) -> int:
    """The most counted cycles in a row, each start at most MAX_CYCLE_DAYS after the last."""
    if not len(counted):
        return 0
    best = run = 1
    for gap in np.diff(counted):
        run = run + 1 if gap <= MAX_CYCLE_DAYS else 1
        best = max(best, run)
    return best
