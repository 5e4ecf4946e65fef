"""Run the benchmarks one after the other (``make bench``); each prints its own figures.

    python benchmarks/run_all.py [--quick] [--reuse]

``--quick`` runs each on small sizes (a smoke run, no figures to quote) and skips the page
weights, which need Chromium; ``--reuse`` keeps the generated databases between runs.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("bench_api.py", "bench_insights.py", "bench_scale.py", "bench_pages.py")
WITH_OPTIONS = {"bench_api.py", "bench_insights.py", "bench_scale.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    options = ["--quick"] * args.quick + ["--reuse"] * args.reuse
    failures = []
    for script in BENCHMARKS:
        if args.quick and script not in WITH_OPTIONS:
            continue
        print(f"\n=== {script} ===", flush=True)
        started = time.perf_counter()
        command = [sys.executable, str(HERE / script)]
        command += options if script in WITH_OPTIONS else []
        result = subprocess.run(command, cwd=HERE.parent)
        print(f"--- {script}: exit {result.returncode} in {time.perf_counter() - started:.0f} s")
        if result.returncode:
            failures.append(script)
    if failures:
        print("failed:", ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
