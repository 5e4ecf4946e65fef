"""Possible triggers (the check-in's checklist) and a new headache attack the next day.

Onsets as in ``stress_headache``: the risk set is the days t after a logged headache-free day
t-1 (``common.clear_day_before``), here with the trigger question answered on day t-1; the
outcome is an attack starting on day t (a relapse within 48 hours is no onset, ICHD-3). For
each trigger ticked in the diary, the days after it are compared with the days after answered
days without it (not only after days with no trigger at all: a real effect of one trigger
would then make every trigger that co-occurs with it look harmful). The effect is the common
odds ratio over weekday and weekend outcome days (drinks and late nights cluster at weekends,
and so do attacks for reasons of their own) by exact conditional inference
(``stats.StratifiedExact``: never liberal with few days or onsets, where a penalized model's
Wald test was, in null simulations), tested one-sided for a raised risk; the counts and
absolute risks are shown with it. Patients expect trigger lists (Kelman, Cephalalgia 2007),
but most ticked triggers are noise, so:

- minimum data as for every onset kind: >= 60 such days and >= 10 onsets overall, and per
  trigger >= 5 days with it and >= 5 without; otherwise it says what is missing;
- false-discovery control across the triggers tested: the kind joins the Bonferroni family of
  association kinds with one p-value, Simes' test of "no trigger matters" (Simes 1986), so a
  diary in which no trigger matters gets a false claim no more often than before; once that
  gate passes, Benjamini-Hochberg at q = 0.10 on the one-sided p-values picks the triggers
  (Simes and BH reject together, Benjamini & Bogomolov, JRSS B 2014, for families selected
  first), each shown with a false-coverage-adjusted interval (Benjamini & Yekutieli, JASA 2005)
  at R q / m per end, never narrower than 95%, which excludes no effect exactly when claimed;
- a few found triggers are shown, strongest evidence first, and the others tested as "no
  clear sign" in checklist order: never a ranking of raw correlations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import StratifiedExact

KIND = "triggers"
FDR_Q = 0.10
TOP_SHOWN = 3
WEEKEND = (5, 6)
OWN_PREFIX = "own:"  # the patient's own triggers (diary.scales.OWN_TRIGGER_PREFIX)


@dataclass(frozen=True)
class TriggerTests:
    """The per-trigger tests, by key, kept for the multiplicity step (never stored)."""

    tests: dict[str, StratifiedExact]
    log_scale: bool = True


def analyze(diary: DiaryArrays) -> InsightResult:
    """Every ticked trigger against next-day onset; the kind's p-value is Simes' over them."""
    answered = diary.triggers_answered
    if answered is None or diary.n < 2 or not answered.any():
        return _insufficient(common.onset_table(np.zeros(0, bool), np.zeros(0, bool)), [])
    usable = common.clear_day_before(diary)[1:] & answered[:-1]
    onset = diary.onset[1:][usable]
    overall = common.onset_table(np.zeros(len(onset), bool), onset)
    weekend = np.isin(common.weekday(diary)[1:], WEEKEND)[usable]
    tested, untested, tests = [], [], {}
    for key, label in diary.trigger_labels.items():
        days = diary.triggers.get(key)
        if days is None or not days.any():
            continue
        exposed = days[:-1][usable]
        table = common.onset_table(exposed, onset)
        entry = _entry(key, label, table)
        if table.exposed_days < common.MIN_EXPOSED_DAYS or (
            table.unexposed_days < common.MIN_EXPOSED_DAYS
        ):
            untested.append(entry)
            continue
        tests[key] = StratifiedExact(
            tuple(_cells(exposed[stratum], onset[stratum]) for stratum in (weekend, ~weekend))
        )
        low, high = tests[key].interval(common.ALPHA / 2)
        entry.update(odds_ratio=tests[key].effect, ci95_low=low, ci95_high=high)
        entry["p_one_sided"] = tests[key].p_above()
        tested.append(entry)
    overall_needs = _overall_needs(overall)
    if common.shortfall(overall_needs) or not tested:
        return _insufficient(overall, untested + tested, overall_needs)
    return InsightResult(
        kind=KIND,
        status=common.NOT_FOUND,
        p_value=simes([entry["p_one_sided"] for entry in tested]),
        n_days=overall.days,
        n_events=overall.events,
        details={
            "tested": tested,
            "untested": untested,
            "fdr_q": FDR_Q,
            "adjusted_for": ["weekend"],
            "evidence": common.evidence_label(overall.events),
        },
        candidate=True,
        test=TriggerTests(tests),
    )


def _entry(key: str, label: str, table: common.OnsetTable) -> dict:
    return {
        "key": key,
        "label": label,
        "exposed_days": table.exposed_days,
        "exposed_onsets": table.exposed_events,
        "unexposed_days": table.unexposed_days,
        "unexposed_onsets": table.unexposed_events,
        "risk_exposed": table.risk_exposed,
        "risk_unexposed": table.risk_unexposed,
        "missing_exposed": max(0, common.MIN_EXPOSED_DAYS - table.exposed_days),
        "missing_unexposed": max(0, common.MIN_EXPOSED_DAYS - table.unexposed_days),
    }


def _cells(exposed: np.ndarray, onset: np.ndarray) -> tuple[int, int, int, int]:
    return common.onset_table(exposed, onset).cells()


def simes(p_values: list[float]) -> float:
    """Simes' (1986) p-value for "none of these effects is real": min over i of m p_(i) / i.
    It rejects at a level exactly when Benjamini-Hochberg at that level rejects anything."""
    ordered = np.sort(np.asarray(p_values, dtype=float))
    m = len(ordered)
    return float(min(1.0, np.min(m * ordered / np.arange(1, m + 1))))


def benjamini_hochberg(p_values: list[float], q: float) -> np.ndarray:
    """Which hypotheses Benjamini-Hochberg (1995) rejects at FDR level ``q`` (step-up)."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    below = p[order] <= q * np.arange(1, m + 1) / m
    rejected = np.zeros(m, bool)
    if below.any():
        rejected[order[: int(np.flatnonzero(below).max()) + 1]] = True
    return rejected


def adjust(result: InsightResult, alpha: float) -> tuple[float, float, bool, float]:
    """The multiplicity step: the kind's Bonferroni share ``alpha`` gates Simes' p-value; past
    the gate, BH at ``FDR_Q`` picks the triggers and each tested trigger gets an interval at
    R q / m per end (at most 2.5%: never narrower than 95%). A trigger is found when picked and
    its interval excludes no effect. Returns the interval of the strongest found trigger."""
    tested = [dict(entry) for entry in result.details["tested"]]
    p_values = [entry["p_one_sided"] for entry in tested]
    gate = simes(p_values) < alpha
    picked = benjamini_hochberg(p_values, FDR_Q) & gate
    per_end = min(common.ALPHA / 2, FDR_Q * max(int(picked.sum()), 1) / len(tested))
    for entry, chosen in zip(tested, picked, strict=True):
        low, high = result.test.tests[entry["key"]].interval(per_end)
        entry.update(ci_low=low, ci_high=high, found=bool(chosen and low > 1.0))
    found = sorted((e for e in tested if e["found"]), key=lambda e: e["p_one_sided"])
    result.details["tested"] = tested
    result.details["found"] = [entry["key"] for entry in found]
    if not found:
        return None, None, False, per_end
    return found[0]["ci_low"], found[0]["ci_high"], True, per_end


def headline(result: InsightResult) -> dict:
    """The effect a card shows: the found trigger with the strongest evidence, by name; none
    when nothing is found (showing the largest of noisy effects would be a raw ranking)."""
    if result.status != common.FOUND:
        return {"effect": None, "ci_low": None, "ci_high": None, "effect_label": ""}
    top = next(e for e in result.details["tested"] if e["key"] == result.details["found"][0])
    label = f"odds ratio of a headache starting the day after {top['label']} (weekend adjusted)"
    return {"effect": top["odds_ratio"], "effect_label": label}


def _overall_needs(table: common.OnsetTable) -> list[common.Need]:
    return common.onset_needs(
        table,
        days_noun=(
            "day after a headache-free day with triggers answered",
            "days after a headache-free day with triggers answered",
        ),
        exposed_noun=("", ""),
        unexposed_noun=("", ""),
    )[:2]


def _insufficient(table, entries: list[dict], needs=None) -> InsightResult:
    needs = needs if needs is not None else _overall_needs(table)
    result = common.insufficient(
        KIND, needs, what="possible triggers", n_days=table.days, untested=entries
    )
    if common.shortfall(needs):
        return _with_summary(result, result.summary + _untested_text(entries))
    summary = "Not enough data yet to look at possible triggers." + _untested_text(entries)
    if not entries:
        summary = (
            "Not enough data yet to look at possible triggers: tick the ones that apply on "
            "the check-in (or “None today”)."
        )
    return _with_summary(result, summary)


def _with_summary(result: InsightResult, summary: str) -> InsightResult:
    copy = object.__new__(InsightResult)
    copy.__dict__.update(result.__dict__, summary=summary)
    return copy


def missing_text(entry: dict) -> str:
    """What one trigger still needs before it is tested, e.g. "Alcohol: tick it on 3 more
    headache-free days"."""
    parts = []
    if entry["missing_exposed"]:
        parts.append(
            f"tick it on {common.count_phrase(entry['missing_exposed'], 'more headache-free day')}"
        )
    if entry["missing_unexposed"]:
        parts.append(
            f"answer {common.count_phrase(entry['missing_unexposed'], 'more headache-free day')}"
            " without it"
        )
    return f"{entry['label']}: {' and '.join(parts)}"


def _untested_text(entries: list[dict]) -> str:
    waiting = [entry for entry in entries if entry["missing_exposed"] or entry["missing_unexposed"]]
    if not waiting:
        return ""
    return " Not tested yet: " + "; ".join(missing_text(entry) for entry in waiting) + "."


def _counts(entry: dict) -> str:
    return (
        f"a headache started the next day after {entry['exposed_onsets']} of "
        f"{common.count_phrase(entry['exposed_days'], 'day')} with it "
        f"({common.percent(entry['risk_exposed'])}), against {entry['unexposed_onsets']} of "
        f"{common.count_phrase(entry['unexposed_days'], 'day')} without it "
        f"({common.percent(entry['risk_unexposed'])})"
    )


def inline_label(entry: dict) -> str:
    """A checklist label inside a sentence ("after alcohol"); the patient's own names as typed."""
    label = entry["label"]
    return label if entry["key"].startswith(OWN_PREFIX) else label[:1].lower() + label[1:]


def card(details: dict) -> dict:
    """What the insights page lists for the kind: each found trigger with its counts, risks and
    adjusted interval (strongest evidence first, all of them), the tested ones without a clear
    sign, and what each untested one still needs. Built from the stored details."""
    level = details.get("interval_level", 95)
    by_key = {entry["key"]: entry for entry in details.get("tested", [])}
    found = [by_key[key] for key in details.get("found", []) if key in by_key]
    found_rows = [
        {
            "label": entry["label"],
            "counts": (
                f"A headache started the next day after {entry['exposed_onsets']} of "
                f"{common.count_phrase(entry['exposed_days'], 'day')} with it "
                f"({_share(entry['exposed_onsets'], entry['exposed_days'])}), and after "
                f"{entry['unexposed_onsets']} of "
                f"{common.count_phrase(entry['unexposed_days'], 'day')} without it "
                f"({_share(entry['unexposed_onsets'], entry['unexposed_days'])})."
            ),
            "effect": (
                f"Odds {common.number(entry['odds_ratio'])} times as high "
                f"({common.interval(entry['ci_low'], entry.get('ci_high'), level)})."
            ),
        }
        for entry in found
    ]
    quiet = [e["label"] for e in details.get("tested", []) if not e.get("found")]
    waiting = [
        missing_text(e)
        for e in details.get("untested", [])
        if e["missing_exposed"] or e["missing_unexposed"]
    ]
    checked = (
        f"{common.count_phrase(len(by_key), 'trigger')} checked against a new headache the next "
        "day, allowing for chance across all of them."
    )
    note = f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}" if found else common.MORE_DATA_NOTE
    return {
        "checked": checked,
        "found": found_rows,
        "quiet": quiet,
        "untested": waiting,
        "note": note,
    }


def _share(events: int, days: int) -> str:
    return f"{round(100 * events / days)}%" if days else "n/a"


def describe(result: InsightResult) -> str:
    """Found triggers first (strongest evidence, at most ``TOP_SHOWN``) with counts, risks and
    the adjusted interval; then the triggers tested without a clear sign; then what is missing."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    level = d.get("interval_level", 95)
    by_key = {entry["key"]: entry for entry in d["tested"]}
    found = [by_key[key] for key in d.get("found", [])]
    quiet = [entry for entry in d["tested"] if not entry.get("found")]
    checked = (
        f"{common.count_phrase(len(d['tested']), 'trigger')} checked together, allowing for "
        "chance across all of them"
    )
    text = []
    for entry in found[:TOP_SHOWN]:
        text.append(
            f"After {inline_label(entry)}, a new headache started more often the next day: "
            f"{_counts(entry)}; odds {common.number(entry['odds_ratio'])} times as high "
            f"({common.interval(entry['ci_low'], entry['ci_high'], level)}, weekends taken "
            "into account)."
        )
    if len(found) > TOP_SHOWN:
        text.append(f"{len(found) - TOP_SHOWN} more found: see the details.")
    if quiet:
        names = common.join_phrases(entry["label"] for entry in quiet)
        text.append(
            f"No clear sign so far that {'these raise' if len(quiet) > 1 else 'this raises'} "
            f"your chance of a headache the next day: {names}."
        )
    if found:
        text.append(
            f"{checked} ({result.n_days} days, {result.n_events} headache starts). "
            f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    else:
        text.append(f"{checked}. {common.MORE_DATA_NOTE}")
    return " ".join(text) + _untested_text(d.get("untested", []))
