"""Check that the real services the suite needs are reachable: `python -m tests.services postgres redis`.

Exits 1 naming the service that is down and how to start it, so CI fails with a reason
instead of a wall of connection errors.
"""

import os
import sys

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

HOW_TO_START = {
    "postgres": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def postgres_problem() -> str | None:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return str(exc)


CHECKS = {"postgres": postgres_problem, "redis": redis_problem}


def main(names: list[str]) -> int:
    failed = 0
    for name in names or list(CHECKS):
        problem = CHECKS[name]()
        if problem:
            failed += 1
            print(f"{name} is not reachable: {problem}\n  start it with: {HOW_TO_START[name]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
