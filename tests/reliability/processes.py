"""What the fault-injection tests share (`tests/reliability/test_reliability_*.py`): real Celery workers and
beats as subprocesses on a Redis database of their own, mail written to files, the size of
each scenario, and a report of the figures for `bench/results.md`.

RELIABILITY_SCALE=full runs the sizes of the issue (10,000 and 20,000 reminders, as `make
bench` does); anything else runs the same scenarios smaller, for the normal test suite.
"""

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.reminders.test_celery_worker import (
    CELERY,
    MESSAGE_ID,
    ROOT,
    database_url,
    mail_files,
    message_ids,
    reset_producer_pools,
    sent_count,
    wait_until,
)

__all__ = [
    "MESSAGE_ID",
    "mail_files",
    "message_ids",
    "sent_count",
    "wait_until",
]

FULL = os.environ.get("RELIABILITY_SCALE", "").lower() == "full"
SCALE = "full" if FULL else "small"
# A Redis database no other test flushes (test_celery_worker uses 14, tests.services 15).
BROKER = "redis://127.0.0.1:6379/13"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL and Redis (set DATABASE_URL to a postgres:// URL): the workers "
    "are other processes and cannot reach SQLite's in-memory test database",
)


def size(small: int, full: int) -> int:
    return full if FULL else small


def report(scenario: str, **figures) -> None:
    """Add this scenario's figures to var/bench/reliability_<scale>.json (read by bench.report)."""
    path = ROOT / "var" / "bench" / f"reliability_{SCALE}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[scenario] = figures
    path.write_text(json.dumps(data, indent=1, default=str))


class Processes:
    """Workers, beats and servers started by a test; every one is ended when it ends."""

    def __init__(self, tmp_path: Path, mail_dir: Path, broker: str):
        self.tmp_path = tmp_path
        self.mail_dir = mail_dir
        self.broker = broker
        self.started: list[subprocess.Popen] = []
        self.count = 0

    def env(self, **extra) -> dict:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "SECRET_KEY": "reliability-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker,
            "EMAIL_BACKEND": "file",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "REMINDER_HOUR": "0",
            "SITE_URL": "https://scrutiny.example.test",
            **{key: str(value) for key, value in extra.items()},
        }

    def spawn(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115
        try:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        self.started.append(process)
        return process

    def worker(self, **env) -> subprocess.Popen:
        self.count += 1
        return self.spawn(
            f"worker-{self.count}",
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"reliability-{self.count}@%h",
            ],
            self.env(**env),
        )

    def beat(self, **env) -> subprocess.Popen:
        self.count += 1
        return self.spawn(
            f"beat-{self.count}",
            [
                str(CELERY),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.tmp_path / f"beat-{self.count}-schedule"),
                "--pidfile=",
            ],
            self.env(REMINDER_SWEEP_SECONDS=10, **env),
        )

    def redis(self, port: int) -> subprocess.Popen:
        self.count += 1
        return self.spawn(
            f"redis-{self.count}",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )

    def logs(self, prefix: str = "") -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.tmp_path.glob(f"{prefix}*.log"))
        )

    @staticmethod
    def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.started:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.kill(process)


def send_from_this_process_to(broker: str):
    """Point this process's Celery app at `broker` (default queue); returns the undo."""
    from config.celery import app

    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue="celery")
    reset_producer_pools()

    def undo():
        app.conf.update(saved)
        reset_producer_pools()

    return undo


def flush(broker: str) -> None:
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(broker, socket_connect_timeout=3).flushdb()
