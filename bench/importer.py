"""The minutes importer's speed: `python -m bench.importer`, kilobytes of minutes per second.

Reads each seed in ../shared/seeds/ (or --seeds) with `tracker.importer.reading.read_minutes`
and proposes meetings, items and resolutions from it with `tracker.importer.parsing.propose`,
as a dry run for no committee (nothing is saved). Median of 5 after one warm-up.
"""

import argparse
import contextlib
import statistics
import time
from pathlib import Path

from bench.common import LARGE_DB, ROOT, Results, setup_django

SEEDS = ROOT.parent / "shared" / "seeds"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--database", default=LARGE_DB)
    args = parser.parse_args()
    setup_django(args.database)
    res = Results("importer")
    try:
        from tracker.importer.parsing import propose
        from tracker.importer.reading import MinutesError, read_minutes
    except ImportError as exc:
        res.note(f"The importer is not there yet ({exc}); not measured this run.")
        return
    seeds = sorted(p for p in args.seeds.glob("*") if p.is_file())
    if not seeds:
        res.note(f"No seeds in {args.seeds}; not measured.")
        return
    total_kb = total_s = 0.0
    for seed in seeds:
        data = seed.read_bytes()

        def run(data=data, name=seed.name):
            try:
                return propose(read_minutes(data, name))
            except MinutesError as exc:
                return exc

        result = run()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        kb = len(data) / 1024
        total_kb += kb
        total_s += t
        found = (
            f"{len(result.meetings)} meetings, {sum(len(m.items) for m in result.meetings)} items"
            if hasattr(result, "meetings")
            else f"refused: {result}"
        )
        res.record(
            f"{seed.name} ({kb:.0f} KB)", round(kb / t), "KB/s", note=f"{t * 1000:.0f} ms; {found}"
        )
        if seed.name.startswith("002_"):
            res.record(
                "seed 002 (the agenda pack) proposed in",
                round(t * 1000),
                "ms",
                target="< 500 ms",
                passed=t < 0.5,
            )
    res.record(
        "all seeds", round(total_kb / total_s), "KB/s", note=f"{total_kb:.0f} KB in {total_s:.2f} s"
    )
    # The inputs of the tests that guard against catastrophic backtracking, timed here rather
    # than asserted in the test suite.
    from tests.importer.test_formats import HOSTILE_LINE
    from tests.importer.test_styles import five_megabytes_of_near_matches

    for name, text in (
        ("a hostile 300 KB line", HOSTILE_LINE),
        ("5 MB of near-matches", five_megabytes_of_near_matches()),
    ):
        start = time.perf_counter()
        with contextlib.suppress(MinutesError):
            propose(text)
        res.record(f"{name} proposed in", round(time.perf_counter() - start, 2), "s")


if __name__ == "__main__":
    main()
