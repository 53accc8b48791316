"""CPU per API request: `python -m bench.api_cpu [--root DIR] [--repeat 200]`.

The three lists of `bench.api_load` (and its trivial view), read through Django's test
client in this process as the bench's staff user, uncached (API_CACHE_SECONDS=0) and then
cached: the CPU seconds this process and its PostgreSQL backend spend per request. On a
machine shared with other work, wall-clock throughput measures the neighbours; CPU per
request is what one request costs whatever else runs, and 2 cores divided by it bounds the
requests per second.

To measure another checkout of the project on the same database, e.g. the code as it was
before issue 17, copy this file into it and run it there with this virtualenv:
`mkdir /tmp/before && git archive 8639b10 | tar -x -C /tmp/before && cp bench/api_cpu.py
/tmp/before/bench/ && (cd /tmp/before && /work/main/.venv/bin/python -m bench.api_cpu)`.
"""

import argparse
import os
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="scrutiny_bench")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    from bench.common import ROOT, Results, load_average, setup_django

    setup_django(args.database)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.api_load import endpoints
    from bench.authority import BENCH_USERNAME

    res = Results("api_cpu")
    token = Token.objects.get(user__username=BENCH_USERNAME).key
    _, _, _, paths = endpoints()
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        return (int(fields[11]) + int(fields[12])) / tick

    print(f"{ROOT}; load {load_average()}", flush=True)
    for cache_seconds in (0, 300):
        settings.API_CACHE_SECONDS = cache_seconds
        mode = "uncached" if cache_seconds == 0 else "cached"
        for name, path in paths.items():
            for _ in range(5):
                client.get(path)
            py0, pg0, wall0 = time.process_time(), backend_cpu(), time.perf_counter()
            for _ in range(args.repeat):
                response = client.get(path)
            py = (time.process_time() - py0) / args.repeat * 1000
            pg = (backend_cpu() - pg0) / args.repeat * 1000
            wall = (time.perf_counter() - wall0) / args.repeat * 1000
            line = (
                f"{name}, {mode}: {py + pg:.2f} ms CPU per request (Python {py:.2f} + "
                f"PostgreSQL {pg:.2f}); wall {wall:.1f} ms; HTTP {response.status_code}"
            )
            print(line, flush=True)
            res.record(
                f"CPU per request, {name}, {mode}",
                round(py + pg, 2),
                "ms",
                note=f"Python {py:.2f} ms + PostgreSQL {pg:.2f} ms; wall {wall:.1f} ms "
                f"(load {load_average()})",
            )


if __name__ == "__main__":
    main()
