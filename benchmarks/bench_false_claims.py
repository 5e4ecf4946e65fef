"""How often a diary with no real effect gets a false `found` association (issue 19).

Runs ``analyze_diary`` on realistic null diaries (persistent weekend-driven stress, clustered
weekend attacks, longer weekend sleep, persistent body pain, runs of missing days; see
``tests.insights.synthetic.realistic_null_diary``) and prints the share with any `found`
association kind, with its exact (Clopper-Pearson) 95% interval, against the nominal 5%.
Then the same for null trigger diaries (``tests.insights.synthetic.trigger_diary``: the 7
checklist triggers plus ``--own-triggers`` own ones, none changing anything): the share with
any trigger claimed, and how many triggers were named.

    python benchmarks/bench_false_claims.py [--diaries 500] [--days 365] [--own-triggers 5]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scipy.stats import binomtest  # noqa: E402

from insights.analysis import ALPHA_FAMILY, ASSOCIATION_MODULES, analyze_diary  # noqa: E402
from tests.insights.synthetic import realistic_null_diary, trigger_diary  # noqa: E402

ASSOCIATIONS = {module.KIND for module in ASSOCIATION_MODULES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diaries", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first-seed", type=int, default=100_000)
    parser.add_argument("--own-triggers", type=int, default=5)
    args = parser.parse_args()
    by_kind, any_found, started = collections.Counter(), 0, time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.diaries):
        results = analyze_diary(realistic_null_diary(seed=seed, days=args.days))
        found = {r.kind for r in results if r.kind in ASSOCIATIONS and r.status == "found"}
        by_kind.update(found)
        any_found += bool(found)
    interval = binomtest(any_found, args.diaries).proportion_ci(0.95, method="exact")
    print(
        f"{args.diaries} null diaries of {args.days} days: any false found in {any_found} "
        f"= {any_found / args.diaries:.1%} (95% CI {interval.low:.1%} to {interval.high:.1%}); "
        f"nominal family-wise level {ALPHA_FAMILY:.0%}"
    )
    for kind in sorted(ASSOCIATIONS):
        print(f"  {kind:22} {by_kind[kind]:4d} ({by_kind[kind] / args.diaries:.1%})")
    print(f"  {time.perf_counter() - started:.1f} s")
    null_triggers(args)


def null_triggers(args) -> None:
    """Diaries with many triggers ticked and none of them mattering: any trigger `found` is
    a false claim (the kind's share of the family-wise level gates them all together)."""
    claimed, named, tested, started = 0, 0, 0, time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.diaries):
        diary = trigger_diary(seed=seed, days=args.days, own=args.own_triggers)
        result = next(r for r in analyze_diary(diary) if r.kind == "triggers")
        claimed += result.status == "found"
        named += len(result.details.get("found", []))
        tested = max(tested, len(diary.trigger_labels))
    interval = binomtest(claimed, args.diaries).proportion_ci(0.95, method="exact")
    print(
        f"{args.diaries} null trigger diaries of {args.days} days, "
        f"{tested} triggers each: a trigger claimed in {claimed} "
        f"= {claimed / args.diaries:.1%} (95% CI {interval.low:.1%} to {interval.high:.1%}); "
        f"{named} triggers named in all"
    )
    print(f"  {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
