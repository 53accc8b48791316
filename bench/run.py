"""The whole bench in one command: `make bench` (or `.venv/bin/python -m bench.run [--quick]`).

1. builds the large authority (scrutiny_bench) and the national-scale ones (100,000 and
   1,000,000 actions) with `generate_authority`, on this machine's PostgreSQL;
2. measures the API under load, the pages, the importer and the reminder sweep;
3. runs the reliability scenarios at full size (RELIABILITY_SCALE=full) on
   scrutiny_reliability;
4. writes bench/results.md.

--quick builds small versions (8 committees; 20,000 and 100,000 actions) and runs the
reliability scenarios at their small size, for development; its results say so.
"""

import argparse
import os
import subprocess
import sys
import time

from bench.common import (
    LARGE_DB,
    NATIONAL_DB,
    OUT,
    PYTHON,
    ROOT,
    Results,
    db_url,
    fresh_database,
    generate_authority,
    load_average,
    manage,
)


def part(module: str, *args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([PYTHON, "-m", module, *args], cwd=ROOT, env=env)
    if result.returncode:
        print(f"!! {module} failed with {result.returncode}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        help="parts to skip: build api pages importer sweep reliability",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        if not any(old.name.startswith(s) for s in args.skip):
            old.unlink()
    started = time.monotonic()
    run = Results("run")
    run.note(
        f"{'QUICK (development) scale' if args.quick else 'Full scale'}; load at start {load_average()}"
    )
    # (label, actions, due on the sweep day): the 1,000,000 carries a council-wide day of
    # 10,000 due (issue 17), sent over SMTP by bench.sweep.
    sizes = [
        ("100k", 20_000 if args.quick else 100_000, 1000),
        ("1m", 100_000 if args.quick else 1_000_000, 2000 if args.quick else 10_000),
    ]

    if "build" not in args.skip:
        fresh_database(LARGE_DB)
        manage(LARGE_DB, "migrate", "--noinput", "-v0")
        t = time.monotonic()
        out = generate_authority(
            LARGE_DB,
            "--scale",
            "large",
            "--seed",
            "1",
            *(["--committees", "8"] if args.quick else []),
        )
        run.record(
            "build the large authority",
            round(time.monotonic() - t, 1),
            "s",
            target="minutes, not hours",
            passed=time.monotonic() - t < 600,
            note=" ".join(out.split()),
            command=f".venv/bin/python -m bench.generate_authority --scale large --seed 1{' --committees 8' if args.quick else ''}",
        )
        for label, count, due in sizes:
            name = NATIONAL_DB.format(label=label)
            fresh_database(name)
            manage(name, "migrate", "--noinput", "-v0")
            t = time.monotonic()
            out = generate_authority(
                name,
                "--scale",
                "national",
                "--actions",
                str(count),
                "--due",
                str(due),
                "--seed",
                "1",
            )
            run.record(
                f"build the national authority, {count:,} actions",
                round(time.monotonic() - t, 1),
                "s",
                note=" ".join(out.split()),
                command=f".venv/bin/python -m bench.generate_authority --scale national --actions {count} --due {due} --seed 1",
            )

    seconds = "3" if args.quick else "8"
    if "api" not in args.skip:
        part("bench.api_load", "--database", LARGE_DB, "--seconds", seconds)
        part("bench.api_load", "--database", LARGE_DB, "--seconds", seconds, "--uncached")
        part("bench.api_cpu", "--database", LARGE_DB, "--repeat", "50" if args.quick else "200")
    if "pages" not in args.skip:
        part("bench.pages", "--database", LARGE_DB)
    if "importer" not in args.skip:
        part("bench.importer", "--database", LARGE_DB)
    if "sweep" not in args.skip:
        for label, _, _ in sizes:
            part("bench.sweep", "--database", NATIONAL_DB.format(label=label), "--label", label)

    if "reliability" not in args.skip:
        scale = "small" if args.quick else "full"
        env = {
            **os.environ,
            "DATABASE_URL": db_url("scrutiny_reliability"),
            "RELIABILITY_SCALE": scale,
        }
        t = time.monotonic()
        command = [
            "timeout",
            "1500",
            str(ROOT / ".venv" / "bin" / "pytest"),
            "-m",
            "reliability",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rA",
            "tests/reliability/test_reliability_workers.py",
            "tests/reliability/test_reliability_outages.py",
            "tests/reliability/test_reliability_hostile_input.py",
        ]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        tail = [
            line
            for line in result.stdout.splitlines()
            if line.startswith(("PASSED", "FAILED", "ERROR", "XFAIL", "XPASS", "SKIPPED"))
        ]
        summary = (
            result.stdout.strip().splitlines()[-1]
            if result.stdout.strip()
            else result.stderr[-500:]
        )
        rel = Results(f"reliability_run_{scale}")
        rel.record(
            f"reliability scenarios at {scale} size",
            summary,
            target="all pass",
            passed=result.returncode == 0,
            note=f"{time.monotonic() - t:.0f} s",
            command=f"RELIABILITY_SCALE={scale} DATABASE_URL={db_url('scrutiny_reliability')} .venv/bin/pytest -m reliability tests/reliability/test_reliability_*.py",
        )
        for line in tail:
            rel.note(line)
        if result.returncode:
            rel.note("OUTPUT:\n" + result.stdout[-6000:])

    run.record(
        "whole bench",
        round((time.monotonic() - started) / 60, 1),
        "min",
        target="about 30 min",
        command=".venv/bin/python -m bench.run" + (" --quick" if args.quick else ""),
    )
    run.note(f"load at end {load_average()}")
    subprocess.run([PYTHON, "-m", "bench.report"], cwd=ROOT, check=False)


if __name__ == "__main__":
    sys.exit(main())
