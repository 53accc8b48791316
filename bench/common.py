"""What every part of the bench shares: where results go, the bench databases, timing.

Each part records figures with `record(...)` into `var/bench/<part>.json` (not committed);
`python -m bench.report` turns them into `bench/results.md` (committed).
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
OUT = ROOT / "var" / "bench"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
LARGE_DB = "scrutiny_bench"
NATIONAL_DB = "scrutiny_bench_national_{label}"


def db_url(name: str) -> str:
    return f"{SERVER}/{name}"


def setup_django(database: str | None = None) -> None:
    """Django with the bench settings on a bench database (DATABASE_URL wins if set)."""
    if database and not os.environ.get("BENCH_KEEP_DATABASE_URL"):
        os.environ["DATABASE_URL"] = db_url(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def command_line() -> str:
    """The command that is running, as someone would type it from the project folder."""
    return shlex.join(
        [".venv/bin/python", "-m", sys.modules["__main__"].__spec__.name, *sys.argv[1:]]
    )


class Results:
    """The figures of one part, saved as JSON after each one so a crash keeps what was done."""

    def __init__(self, part: str):
        self.part = part
        self.path = OUT / f"{part}.json"
        OUT.mkdir(parents=True, exist_ok=True)
        self.data = {"part": part, "command": command_line(), "rows": [], "notes": []}
        self.save()

    def record(
        self,
        name: str,
        value,
        unit: str = "",
        *,
        target: str = "",
        passed: bool | None = None,
        note: str = "",
        command: str | None = None,
    ):
        row = {
            "name": name,
            "value": value,
            "unit": unit,
            "target": target,
            "passed": passed,
            "note": note,
            "command": command or self.data["command"],
        }
        self.data["rows"].append(row)
        self.save()
        mark = "" if passed is None else (" PASS" if passed else " MISS")
        print(f"[{self.part}] {name}: {value} {unit}{mark} {target}".rstrip(), flush=True)
        return row

    def note(self, text: str) -> None:
        self.data["notes"].append(text)
        self.save()
        print(f"[{self.part}] note: {text.splitlines()[0]}", flush=True)

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=1, default=str))


def timed(fn, *, repeat: int = 5, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time of `fn()` in seconds over `repeat` runs after `warmup` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def psql(database: str, sql: str) -> None:
    """Run SQL on the server as the postgres user (database creation and drops)."""
    import psycopg

    with psycopg.connect(db_url(database), autocommit=True) as conn:
        conn.execute(sql)


def fresh_database(name: str) -> None:
    """Drop and create one of the bench's own databases (never any other)."""
    if not name.startswith(("scrutiny_bench", "scrutiny_reliability")):
        raise ValueError(f"refusing to recreate {name}: not a bench database")
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{name}"')


def manage(database: str, *args: str, quiet: bool = False) -> str:
    return _run(database, ["manage.py", *args], quiet=quiet)


def generate_authority(database: str, *args: str) -> str:
    """`python -m bench.generate_authority ARGS` on `database`: the benchmark data builder."""
    return _run(database, ["-m", "bench.generate_authority", *args])


def _run(database: str, command: list[str], *, quiet: bool = False) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": db_url(database),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    result = subprocess.run([PYTHON, *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        print(result.stdout, end="", flush=True)
    return result.stdout
