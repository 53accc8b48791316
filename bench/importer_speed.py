"""The importer's reading speed over the labelled corpus: `python -m bench.importer_speed`.

Reads every page of ../shared/minutes/ (or --corpus; the "SOURCE:" line left out, as the
scorer does) and every seed of ../shared/seeds/ (or --seeds) with `read_minutes` and
`propose`, as a dry run for no committee, and prints kilobytes of minutes read per second:
the whole input's size over the sum of each file's median time (7 runs after one warm-up),
and the same over the best CPU time of those runs, which a busy machine disturbs less.
Nothing is saved and no database is needed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _texts(corpus: Path, seeds: Path) -> list[tuple[str, bytes]]:
    texts = []
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text()
        if text.startswith("SOURCE:"):
            text = text.split("\n", 1)[1] if "\n" in text else ""
        texts.append((f"minutes/{path.name}", text.encode()))
    for path in sorted(p for p in seeds.glob("*") if p.is_file()):
        texts.append((f"seeds/{path.name}", path.read_bytes()))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=SHARED / "minutes")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tracker.importer.parsing import propose
    from tracker.importer.reading import MinutesError, read_minutes
    from tracker.importer.targets import Calendar

    def run(name: str, data: bytes):
        try:
            return propose(read_minutes(data, name.rsplit("/", 1)[-1]), calendar=Calendar())
        except MinutesError as error:
            return error

    groups: dict[str, list[float]] = {"minutes": [0.0, 0.0, 0.0], "seeds": [0.0, 0.0, 0.0]}
    for name, data in _texts(args.corpus, args.seeds):
        run(name, data)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            run(name, data)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        group = groups[name.split("/", 1)[0]]
        group[0] += len(data) / 1024
        group[1] += statistics.median(times)
        group[2] += min(cpu)
    total_kb = sum(g[0] for g in groups.values())
    total_s = sum(g[1] for g in groups.values())
    if not total_s:
        print(f"nothing to read in {args.corpus} or {args.seeds}")
        return
    for label, (kb, seconds, cpu) in groups.items():
        if seconds:
            print(
                f"{label}: {kb:.0f} KB in {seconds:.3f} s = {kb / seconds:.0f} KB/s "
                f"(best CPU time: {kb / max(cpu, 1e-9):.0f} KB/s)"
            )
    total_cpu = sum(g[2] for g in groups.values())
    print(
        f"all: {total_kb:.0f} KB in {total_s:.3f} s = {total_kb / total_s:.0f} KB/s "
        f"(best CPU time: {total_kb / max(total_cpu, 1e-9):.0f} KB/s)"
    )


if __name__ == "__main__":
    main()
