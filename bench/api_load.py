"""The API under load: `python -m bench.api_load [--seconds 8]` on the large authority.

gunicorn (2 workers, 1 thread each, DEBUG off, bench settings) serves the bench database on
127.0.0.1; wrk (or, without it, nothing: the part says so) drives it at 1, 10 and 50
connections for a bounded time per endpoint, with a staff token. Before the load, each
endpoint's queries are counted at page_size 10 and 200 with Django's test client.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request

from bench.common import LARGE_DB, PYTHON, ROOT, Results, db_url, load_average, setup_django

PORT = 8765
CONCURRENCY = (1, 10, 50)
TARGET_P95_MS = 50.0
TARGET_RATIO = 0.5


def endpoints():
    from django.db.models import Count, Q

    from actions.models import Action
    from committees.models import Committee, Meeting

    committee = (
        Committee.objects.annotate(n=Count("actions", filter=Q(actions__status="open")))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(committee=committee, status="held")
        .annotate(n=Count("items__resolutions"))
        .order_by("-n", "-date")
        .first()
    )
    overdue = Action.objects.overdue().count()
    return (
        committee,
        meeting,
        overdue,
        {
            "outstanding actions of one committee": f"/api/actions/?committee={committee.slug}&status=open",
            "all overdue actions": "/api/actions/?overdue=true",
            "a meeting with its items and resolutions": f"/api/agenda-items/?meeting={meeting.pk}",
            "trivial JSON view": "/bench/trivial/",
        },
    )


def count_queries(path: str, token: str, page_size: int) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    sep = "&" if "?" in path else "?"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{path}{sep}page_size={page_size}")
    return response.status_code, len(queries)


def start_gunicorn(database: str, log_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db_url(database),
    }
    log = open(log_path, "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "1",
            "--worker-class",
            "sync",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=2).read()
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log_path}") from None
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within 30 s: see {log_path}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def wrk(path: str, token: str, clients: int, seconds: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(clients, 2)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            "-H",
            f"Authorization: Token {token}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=LARGE_DB)
    parser.add_argument("--seconds", type=int, default=8, help="per endpoint and concurrency")
    args = parser.parse_args()
    setup_django(args.database)
    from rest_framework.authtoken.models import Token

    from bench.authority import BENCH_USERNAME

    res = Results("api")
    token = Token.objects.get(user__username=BENCH_USERNAME).key
    committee, meeting, overdue, paths = endpoints()
    res.note(
        f"Largest committee {committee.slug}; meeting {meeting.pk} ({meeting.date}); "
        f"{overdue:,} overdue actions. Staff token; default page size 50. gunicorn --workers 2 "
        f"--threads 1 (sync), DEBUG off, bench settings, PostgreSQL on 127.0.0.1; wrk on the "
        f"same 2-core machine. Load before: {load_average()}"
    )

    for name, path in paths.items():
        if path.startswith("/bench/"):
            continue
        small = count_queries(path, token, 10)
        large = count_queries(path, token, 200)
        res.record(
            f"queries per request, {name}: page_size 10 / 200",
            f"{small[1]} / {large[1]}",
            "queries",
            target="the same at both sizes",
            passed=small[1] == large[1] and small[0] == large[0] == 200,
            note=f"HTTP {small[0]} / {large[0]}",
        )

    if not shutil.which("wrk"):
        res.note("wrk is not installed (`apt-get install wrk`): no load figures this run.")
        return
    server = start_gunicorn(args.database, ROOT / "var" / "bench" / "gunicorn.log")
    try:
        figures: dict[tuple[str, int], dict] = {}
        for name, path in paths.items():
            wrk(path, token, 10, 2)  # warm-up: connections, caches, plans
            for clients in CONCURRENCY:
                data = wrk(path, token, clients, args.seconds)
                figures[(name, clients)] = data
        for name in paths:
            for clients in CONCURRENCY:
                data = figures[(name, clients)]
                trivial = figures[("trivial JSON view", clients)]
                ratio = data["rps"] / trivial["rps"]
                p95 = data["p95"] / 1000
                checks = []
                if clients == 10 and name != "trivial JSON view":
                    checks.append(p95 < TARGET_P95_MS)
                    checks.append(ratio >= TARGET_RATIO)
                res.record(
                    f"{name}, {clients} client{'s' if clients > 1 else ''}",
                    f"{data['rps']:.0f} req/s; p50 {data['p50'] / 1000:.1f} ms, p95 {p95:.1f} ms, "
                    f"p99 {data['p99'] / 1000:.1f} ms; {ratio:.2f} of trivial",
                    "",
                    target=f"p95 < {TARGET_P95_MS:.0f} ms and >= {TARGET_RATIO} of trivial"
                    if checks
                    else "",
                    passed=all(checks) if checks else None,
                    note=f"{data['requests']} requests, {data['errors']} socket errors, "
                    f"{data['status_errors']} non-2xx",
                )
        res.note(f"Load after: {load_average()}")
    finally:
        stop(server)


if __name__ == "__main__":
    os.environ.setdefault("PYTHON", PYTHON)
    main()
