"""The reminder sweep at national scale: `python -m bench.sweep --database scrutiny_bench_national_1m`.

On a database built by `generate_authority --scale national`, on its sweep day at 09:00:

- find: the overdue-action rule plus the ledger check, as now (bookmark `next_reminder_on`
  and key lookups) and as it was before (every open overdue action, whole days of ledger
  keys; a copy of the old code is below), and the bare SQL that selects the same rows;
- sweep: plan (find, render, record) and deliver everything due, with the in-memory mail
  backend (no network), before and after, each inside a transaction that is rolled back so
  both see the same data;
- the partial indexes: the bookmark lookup and the outbox claim with and without their
  partial index (dropped inside a rolled-back transaction), with EXPLAIN ANALYZE;
- the day over SMTP (issue 17): plan and deliver everything due to a local SMTP listener
  (bench/smtp_sink.py, its own process) with each message marked sent in its own committed
  transaction, as a worker does; the listener counts messages and distinct Message-IDs.
  Then the delivery as it was before (a new SMTP session per message, the claim compiled
  per message and the committee and officer read per message) on the first 1,000 of the
  same day. Both change the database
  for real, so what they added is deleted and the bookmarks they moved are put back;
- what bounds a reminder over SMTP: the commit floor (single-row UPDATE + COMMIT in a loop,
  each waiting for its WAL flush, or one in BATCH as delivery commits, on a scratch
  table) and the SMTP exchange alone (a day's
  message sent over and over to the listener, no database).
"""

import argparse
import datetime as dt
import time

from bench.common import Results, load_average, setup_django

TARGET_SWEEP_SECONDS = 10.0
TARGET_RATIO = 3.0
OLD_PENDING_INDEX = (
    "CREATE INDEX reminder_pending_old ON tracker_reminder (next_attempt_at) "
    "WHERE status = 'pending'"
)


# --- The code as it was before the bookmark (commit 4833c42), for the before figures -------


def legacy_actions_overdue(today):
    from actions.models import Action
    from committees import calendar
    from tracker.reminders.rules import Draft, Rule

    drafts = []
    actions = (
        Action.objects.overdue(on=today)
        .filter(owner__isnull=False)
        .select_related("owner", "committee__officer", "due_back_meeting", "agenda_item")
    )
    for action in actions:
        first = calendar.next_working_day(action.due_on)
        if today < first:
            continue
        weeks = (today - first).days // 7
        drafts.append(
            Draft(
                Rule.ACTION_OVERDUE,
                f"action:{action.pk}:overdue",
                first + dt.timedelta(weeks=weeks),
                action.owner,
                action.committee,
                f"you own action {action.reference}",
                {"action": action, "days_late": action.days_late(today)},
            )
        )
    return drafts


def legacy_new_only(drafts):
    from tracker.reminders.ledger import Reminder

    drafts = list(drafts)
    if not drafts:
        return []
    dates = {d.for_date for d in drafts}
    known = set(
        Reminder.objects.filter(for_date__in=dates).values_list("rule", "about", "for_date")
    )
    seen, fresh = set(), []
    for draft in drafts:
        key = (draft.rule, draft.about, draft.for_date)
        if key not in known and key not in seen:
            seen.add(key)
            fresh.append(draft)
    return fresh


class Legacy:
    """Swap the old rule and ledger check in, for the length of a `with`."""

    def __enter__(self):
        from tracker.reminders import outbox, rules

        self.saved = (rules.SCHEDULED_RULES, outbox._new_only, outbox._advance_action_bookmarks)
        rules.SCHEDULED_RULES = tuple(
            legacy_actions_overdue if r is rules.actions_overdue else r
            for r in rules.SCHEDULED_RULES
        )
        outbox._new_only = legacy_new_only
        outbox._advance_action_bookmarks = lambda drafts, today: None
        return self

    def __exit__(self, *exc):
        from tracker.reminders import outbox, rules

        rules.SCHEDULED_RULES, outbox._new_only, outbox._advance_action_bookmarks = self.saved


def legacy_deliver_due(now, limit):
    """Delivery as it was before issue 17 (commit 8639b10): the claim built and compiled for
    each message, the committee and its officer read for each Reply-To, and each message
    sent through `EmailMessage.send()` on a backend that was never opened, so Django opened
    and closed an SMTP session for every message."""
    from django.core.mail import get_connection
    from django.db import transaction

    from tracker.reminders import outbox
    from tracker.reminders.ledger import Reminder

    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            reminder = (
                Reminder.objects.due(now)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if reminder is None:
                break
            reminder.committee = type(reminder.committee).objects.get(pk=reminder.committee_id)
            connection = get_connection(fail_silently=False)
            reminder.attempts += 1
            outbox._message(reminder, connection).send()
            reminder.status = Reminder.Status.SENT
            reminder.sent_at = now
            reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            sent += 1
    return sent


class SMTPDay:
    """The sweep day run for real against a local SMTP listener, then undone."""

    def __init__(self, day, now):
        import socket

        from actions.models import Action
        from tracker.reminders.ledger import Reminder

        self.day, self.now = day, now
        self.first_new_id = (
            Reminder.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1
        self.bookmarks = list(
            Action.objects.filter(status="open", owner__isnull=False)
            .filter(bookmark_due(day))
            .values_list("pk", "next_reminder_on")
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self):
        import subprocess

        from django.conf import settings
        from django.db import connection

        from bench.common import OUT, PYTHON, ROOT

        # As autovacuum would have between two real days: an earlier run's rows, sent and
        # deleted, leave dead entries in the outbox's index that every claim steps past.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tracker_reminder")

        self.summary_path = OUT / "smtp_sink.json"
        self.summary_path.unlink(missing_ok=True)
        self.sink = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.smtp_sink",
                "--port",
                str(self.port),
                "--out",
                str(self.summary_path),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.sink.stdout.readline()  # "ready"
        self.saved = {
            name: getattr(settings, name)
            for name in (
                "EMAIL_BACKEND",
                "EMAIL_HOST",
                "EMAIL_PORT",
                "EMAIL_USE_TLS",
                "EMAIL_USE_SSL",
                "EMAIL_HOST_USER",
                "EMAIL_HOST_PASSWORD",
            )
        }
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return self

    def listener(self) -> dict:
        import json

        self.sink.terminate()
        self.sink.wait(timeout=30)
        return json.loads(self.summary_path.read_text())

    def __exit__(self, *exc):
        from collections import defaultdict

        from django.conf import settings

        from actions.models import Action
        from tracker.reminders.ledger import Reminder

        if self.sink.poll() is None:
            self.sink.kill()
            self.sink.wait()
        for name, value in self.saved.items():
            setattr(settings, name, value)
        Reminder.objects.filter(id__gte=self.first_new_id).delete()
        by_day = defaultdict(list)
        for pk, day in self.bookmarks:
            by_day[day].append(pk)
        for day, pks in by_day.items():
            for start in range(0, len(pks), 5000):
                Action._base_manager.filter(pk__in=pks[start : start + 5000]).update(
                    next_reminder_on=day
                )

    def sent_in_ledger(self) -> int:
        from tracker.reminders.ledger import Reminder

        return Reminder.objects.filter(id__gte=self.first_new_id, status="sent").count()


def bookmark_due(day):
    from django.db.models import Q

    return Q(next_reminder_on__lte=day) | Q(next_reminder_on__isnull=True)


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its PostgreSQL backend (same machine).

    On a shared machine wall time mostly measures the other processes; the CPU the sweep's
    own chain used (worker, database backend, mail listener) is what it would take alone."""
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # a database on another machine
        backend = 0.0
    return time.process_time(), backend


def smtp_day(res, label, day, now, legacy_sample=1000):
    from tracker.reminders import outbox

    with SMTPDay(day, now) as run:
        cpu_before = cpu_seconds()
        start = time.perf_counter()
        planned = outbox.plan(now)
        plan_t = time.perf_counter() - start
        cpu_planned = cpu_seconds()
        outcomes = outbox.deliver_due(now)
        total_t = time.perf_counter() - start
        cpu_after = cpu_seconds()
        heard = run.listener()
        sent_ledger = run.sent_in_ledger()
    worker_cpu = cpu_after[0] - cpu_before[0]
    backend_cpu = cpu_after[1] - cpu_before[1]
    plan_cpu = sum(cpu_planned) - sum(cpu_before)
    plan_worker = cpu_planned[0] - cpu_before[0]
    deliver_worker = cpu_after[0] - cpu_planned[0]
    deliver_backend = cpu_after[1] - cpu_planned[1]
    chain_cpu = worker_cpu + backend_cpu + heard["cpu_seconds"]
    delivered = sum(o.delivered for o in outcomes)
    deliver_t = total_t - plan_t
    exactly_once = delivered == sent_ledger == heard["messages"] == heard["distinct_message_ids"]
    res.record(
        f"{label}: the day over SMTP, {delivered:,} reminders (plan + deliver, each claim committed)",
        round(total_t, 2),
        "s",
        target=f"< {TARGET_SWEEP_SECONDS:.0f} s, each once",
        passed=total_t < TARGET_SWEEP_SECONDS and exactly_once,
        note=f"plan {plan_t:.2f} s ({plan_t / max(len(planned), 1) * 1000:.2f} ms per reminder: "
        f"find, render three templates, record), deliver {deliver_t:.2f} s "
        f"({deliver_t / max(delivered, 1) * 1000:.2f} ms per message: claim, MIME, SMTP, "
        f"mark; {delivered / max(deliver_t, 1e-9):,.0f} commits a second, each message marked "
        f"sent in its own transaction, one in {outbox.BATCH} waiting for the WAL flush); "
        f"{total_t / max(delivered, 1) * 1000:.2f} ms per reminder in all. Listener: "
        f"{heard['messages']:,} messages, {heard['distinct_message_ids']:,} distinct "
        f"Message-IDs, {heard['connections']} SMTP sessions; ledger: {sent_ledger:,} sent; "
        f"{len(planned) - delivered} planned but recorded failed (nobody with an address); "
        f"load {load_average()}",
    )
    res.record(
        f"{label}: the day over SMTP, CPU used by the sweep's chain (worker + its database "
        "backend + the listener)",
        round(chain_cpu, 2),
        "s",
        target=f"< {TARGET_SWEEP_SECONDS:.0f} s",
        passed=chain_cpu < TARGET_SWEEP_SECONDS and exactly_once,
        note=f"worker {worker_cpu:.2f} s, database backend {backend_cpu:.2f} s, listener "
        f"{heard['cpu_seconds']:.2f} s; planning {plan_cpu:.2f} s of worker and backend "
        f"({plan_cpu / max(len(planned), 1) * 1000:.2f} ms per reminder, of which the worker "
        f"{plan_worker / max(len(planned), 1) * 1000:.2f} ms: rendering, links, the find), "
        f"delivering {(chain_cpu - plan_cpu) / max(delivered, 1) * 1000:.2f} ms per message "
        f"(worker {deliver_worker / max(delivered, 1) * 1000:.2f} ms: claim, MIME, SMTP; its "
        f"database backend {deliver_backend / max(delivered, 1) * 1000:.2f} ms; listener "
        f"{heard['cpu_seconds'] / max(delivered, 1) * 1000:.2f} ms). What the day would take "
        "in CPU on a machine with nothing else running, apart from the waits for the WAL "
        f"flush of every {outbox.BATCH}th mark and the run's last (the commit floor below)",
    )
    with SMTPDay(day, now) as run:
        outbox.plan(now)
        cpu_before = cpu_seconds()
        start = time.perf_counter()
        sent = legacy_deliver_due(now, legacy_sample)
        legacy_t = time.perf_counter() - start
        cpu_after = cpu_seconds()
        heard = run.listener()
    legacy_cpu = sum(cpu_after) - sum(cpu_before) + heard["cpu_seconds"]
    res.record(
        f"{label}: deliver as before (a session per message, commits waiting for the disk), "
        f"first {sent:,} of the day",
        round(legacy_t, 2),
        "s",
        note=f"{legacy_t / max(sent, 1) * 1000:.2f} ms per message against "
        f"{deliver_t / max(delivered, 1) * 1000:.2f} ms now (wall); CPU of the chain "
        f"{legacy_cpu / max(sent, 1) * 1000:.2f} ms per message against "
        f"{(chain_cpu - plan_cpu) / max(delivered, 1) * 1000:.2f} ms now; the listener saw "
        f"{heard['connections']} SMTP sessions for {heard['messages']} messages",
    )


WORKER_BROKER = "redis://127.0.0.1:6379/12"


def worker_day(res, label, day, now, processes=2):
    """The day as a deployed worker sends it: a real `celery -A config worker` with a prefork
    pool of `processes`, on Redis, sending to the local listener. The bench plans the day in
    its own process, as the sweep task does (the bench day is not today, and the worker's
    sweep plans for the real clock; the deliveries are told the bench's moment, as
    `send_reminders --now` is): after the first batch is recorded it asks the pool for help
    (`tasks.help_after_first_batch`), and after the last it enqueues the delivery the sweep
    would then do itself. So two processes work at once, as in a worker of two running a sweep.
    Timed from the start of planning to the last message marked sent in the ledger; the
    worker is started, and has loaded its URL routes, before the clock starts."""
    import os
    import signal
    import subprocess
    import uuid

    import redis
    from kombu import pools as kombu_pools

    from bench.common import OUT, ROOT, db_url
    from config.celery import app
    from tracker.reminders import outbox, tasks
    from tracker.reminders.ledger import Reminder

    broker = redis.Redis.from_url(WORKER_BROKER)
    broker.flushdb()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    log_path = OUT / "bench_worker.log"
    with SMTPDay(day, now) as run:
        from django.db import connection

        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "bench-secret-key-not-used-anywhere-else-0123456789abcdefghij",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": db_url(connection.settings_dict["NAME"]),
            "CELERY_BROKER_URL": WORKER_BROKER,
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(run.port),
            "REMINDER_DELIVERY_PROCESSES": str(processes),
        }
        with open(log_path, "wb") as log:
            worker = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={processes}",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"{queue}@%h",
                    "-Q",
                    queue,
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        try:
            deadline = time.monotonic() + 60
            while " ready." not in log_path.read_text(errors="replace"):
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            app.conf.update(broker_url=WORKER_BROKER, task_always_eager=False)
            kombu_pools.reset()
            tasks.load_url_routes()  # as each worker process did when it started

            start = time.perf_counter()
            planned = outbox.plan(now, recorded=tasks.help_after_first_batch(queue, now))
            plan_t = time.perf_counter() - start
            # The sweep's own delivery after planning, in a pool process of the worker.
            tasks.deliver.apply_async(
                kwargs={"asks_for_help": False, "now": now.isoformat()}, queue=queue
            )
            to_send = sum(r.status == Reminder.Status.PENDING for r in planned)
            # Polled cheaply (the first pending row, off the outbox's partial index): a count
            # of the sent rows every few milliseconds took CPU from the run it measured.
            waiting = Reminder.objects.filter(id__gte=run.first_new_id, status="pending")
            while waiting.exists():
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker died:\n{log_path.read_text()[-4000:]}")
                time.sleep(0.02)
            total_t = time.perf_counter() - start
        finally:
            app.conf.update(saved)
            kombu_pools.reset()
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            broker.flushdb()
        heard = run.listener()
        sent_ledger = run.sent_in_ledger()
    by_process = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if ") sent" in line and "/ForkPoolWorker-" in line:
            name = line.split("/", 1)[1].split("]", 1)[0]
            by_process[name] = by_process.get(name, 0) + 1
    exactly_once = to_send == sent_ledger == heard["messages"] == heard["distinct_message_ids"]
    deliver_t = total_t - plan_t
    res.record(
        f"{label}: the day over SMTP on one Celery worker ({processes} pool processes), "
        f"{sent_ledger:,} reminders (plan + deliver, each claim committed)",
        round(total_t, 2),
        "s",
        target=f"< {TARGET_SWEEP_SECONDS:.0f} s, each once",
        passed=total_t < TARGET_SWEEP_SECONDS and exactly_once,
        note=f"plan {plan_t:.2f} s ({plan_t / max(len(planned), 1) * 1000:.2f} ms per "
        f"reminder, delivery beginning after its first batch of {outbox.PLAN_BATCH}), then "
        f"{deliver_t:.2f} s until the last was sent; sent by process: "
        f"{', '.join(f'{k} {v:,}' for k, v in sorted(by_process.items()))}. Listener: "
        f"{heard['messages']:,} messages, {heard['distinct_message_ids']:,} distinct "
        f"Message-IDs, {heard['connections']} SMTP sessions; ledger: {sent_ledger:,} sent; "
        f"worker logging at INFO (a line a message), as the README runs it; "
        f"load {load_average()}",
    )


# --- What bounds a reminder: the commit, the SMTP exchange, the rendering -----------------

FLOOR_TABLE = "bench_commit_floor"


def commit_floor(res, label, n=2000):
    """The claim's commit alone: `n` single-row UPDATEs, each its own transaction and COMMIT,
    through a prepared statement on a scratch table of the bench database (dropped after).

    With one connection every COMMIT waits for its own WAL flush (fdatasync): that, times
    10,000, is the floor of a day delivered one committed claim at a time. With several
    connections PostgreSQL flushes the WAL of the commits waiting together once (group
    commit), which is what several workers, each with one claim per transaction, would get.
    Delivery on PostgreSQL commits each message's mark without waiting for the flush but for
    every BATCH-th and the run's last (`outbox.deliver_due`): the last figure."""
    import threading

    import psycopg
    from django.db import connection

    from tracker.reminders import outbox

    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id int PRIMARY KEY, status text, sent_at timestamptz)"
        )
        conn.execute(
            f"INSERT INTO {FLOOR_TABLE} SELECT g, 'pending', NULL FROM generate_series(1, %s) g",
            [n],
        )

    def loop(ids, synchronous=True, durable_every=1):
        """`durable_every` > 1: as delivery marks on PostgreSQL, each UPDATE its own
        transaction, all but every `durable_every`-th committing without waiting for the disk."""
        soon = " RETURNING set_config('synchronous_commit', 'off', true)"
        with psycopg.connect(**params) as conn:
            if not synchronous:
                conn.execute("SET synchronous_commit = off")
                conn.commit()
            for count, i in enumerate(ids, 1):
                conn.execute(
                    f"UPDATE {FLOOR_TABLE} SET status = 'sent', sent_at = now() WHERE id = %s"
                    + ("" if count % durable_every == 0 else soon),
                    [i],
                    prepare=True,
                )
                conn.commit()

    def timed_loop(clients, synchronous=True, durable_every=1):
        ids = list(range(1, n + 1))
        threads = [
            threading.Thread(target=loop, args=(ids[k::clients], synchronous, durable_every))
            for k in range(clients)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return (time.perf_counter() - start) / n

    try:
        one = timed_loop(1)
        four = timed_loop(4)
        unsynced = timed_loop(1, synchronous=False)
        batched = timed_loop(1, durable_every=outbox.BATCH)
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW wal_sync_method")
        method = cursor.fetchone()[0]
    res.record(
        f"{label}: the commit floor: one single-row UPDATE + COMMIT, one connection",
        round(one * 1000, 2),
        "ms per commit",
        note=f"{n:,} prepared UPDATEs, each committed ({method} per commit); "
        f"x 10,000 = {one * 10_000:.1f} s, the least a day of one committed claim per "
        f"message takes on one connection, whatever else it does. Four connections at once: "
        f"{four * 1000:.2f} ms per commit (the WAL flush shared by the commits waiting "
        f"together); with synchronous_commit off throughout: {unsynced * 1000:.2f} ms; as "
        f"delivery commits on PostgreSQL, one connection, one commit in {outbox.BATCH} waiting "
        f"for the flush: {batched * 1000:.2f} ms per commit (x 10,000 = {batched * 10_000:.1f} "
        f"s); load {load_average()}",
    )
    return one


def smtp_exchange(res, label, day, now, n=2000):
    """The SMTP exchange alone: `n` messages of a day's size (MAIL, RCPT, DATA) over sessions
    of MESSAGES_PER_CONNECTION to the listener, no database; then one long session."""
    import smtplib

    from tracker.reminders import outbox, rules

    # A message as the day sends them: rendered from the first action due that day.
    sample = outbox.address(rules.actions_overdue(day)[0], now)
    sample.pk = 1
    data = outbox.mime.message_bytes(sample, ["dso@bench.example"])
    with SMTPDay(day, now) as run:

        def send(per_session):
            start, cpu = time.perf_counter(), time.process_time()
            session, on_session = None, 0
            for _ in range(n):
                if session is None:
                    session = smtplib.SMTP("127.0.0.1", run.port)
                    on_session = 0
                session.sendmail("scrutiny@localhost", ["owner@bench.example"], data)
                on_session += 1
                if on_session >= per_session:
                    session.quit()
                    session = None
            if session is not None:
                session.quit()
            return (time.perf_counter() - start) / n, (time.process_time() - cpu) / n

        wall, cpu = send(outbox.MESSAGES_PER_CONNECTION)
        wall_one, cpu_one = send(n)
        heard = run.listener()
    res.record(
        f"{label}: the SMTP exchange alone, sessions of {outbox.MESSAGES_PER_CONNECTION}",
        round(wall * 1000, 2),
        "ms per message",
        note=f"{n:,} messages of {len(data):,} bytes, no database: {cpu * 1000:.2f} ms CPU "
        f"in the sender per message; one session for all: {wall_one * 1000:.2f} ms wall, "
        f"{cpu_one * 1000:.2f} ms CPU; listener {heard['cpu_seconds'] / (2 * n) * 1000:.2f} ms "
        f"CPU per message, {heard['connections']} sessions; load {load_average()}",
    )


# --- Bare SQL ------------------------------------------------------------------------------

BARE_BOOKMARK = """
SELECT a.* FROM actions_action a
LEFT JOIN committees_meeting m ON m.id = a.due_back_meeting_id
WHERE a.status = 'open' AND a.owner_id IS NOT NULL
  AND (a.next_reminder_on <= %(day)s OR a.next_reminder_on IS NULL)
  AND COALESCE(a.due_date, m.date) < %(day)s
"""
# The same rows without the bookmark: open, overdue, and this week's reminder (the one stage
# in the last seven days) not in the ledger.
BARE_ANTIJOIN = """
SELECT a.* FROM actions_action a
LEFT JOIN committees_meeting m ON m.id = a.due_back_meeting_id
WHERE a.status = 'open' AND a.owner_id IS NOT NULL
  AND COALESCE(a.due_date, m.date) < %(day)s
  AND NOT EXISTS (
    SELECT 1 FROM tracker_reminder r
    WHERE r.rule = 'action_overdue' AND r.about = 'action:' || a.id || ':overdue'
      AND r.for_date > %(day)s - 7 AND r.for_date <= %(day)s)
"""


def bare(sql, day, repeat=5):
    """Median seconds of the statement through psycopg directly (rows fetched), and its rows."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as conn:
        times, rows = [], []
        for n in range(repeat + 1):
            start = time.perf_counter()
            rows = conn.execute(sql, {"day": day}).fetchall()
            if n:  # the first run warms the cache
                times.append(time.perf_counter() - start)
        times.sort()
        return times[len(times) // 2], len(rows)


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--label", default=None, help="name of this size in the results")
    parser.add_argument(
        "--skip-smtp",
        action="store_true",
        help="without the day over SMTP (it writes, then undoes)",
    )
    parser.add_argument(
        "--only-smtp", action="store_true", help="only the day over SMTP (issue 17)"
    )
    parser.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        help="the sweep day the data was built for (default: today, or the next working day)",
    )
    args = parser.parse_args()
    setup_django(args.database)

    from django.db import connection, transaction
    from django.db.models import Q

    from actions.models import Action
    from committees import calendar
    from committees.models import LONDON
    from tracker.reminders import outbox, rules
    from tracker.reminders.ledger import Reminder

    label = args.label or args.database.rsplit("_", 1)[-1]
    res = Results(f"sweep_{label}")
    total = Action.objects.count()
    open_count = Action.objects.open().count()
    day = args.day or dt.date.today()
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    now = dt.datetime.combine(day, dt.time(9), tzinfo=LONDON)
    overdue = Action.objects.overdue(on=day).count()
    res.note(
        f"{label}: {total:,} actions ({open_count:,} open, {overdue:,} open and overdue), "
        f"{Reminder.objects.count():,} ledger rows; sweep day {day}; load {load_average()}"
    )

    if args.only_smtp:
        worker_day(res, label, day, now)
        smtp_day(res, label, day, now)
        commit_floor(res, label)
        smtp_exchange(res, label, day, now)
        return

    # Find: rule + ledger check, after and before.
    def find_after():
        return outbox._new_only(rules.actions_overdue(day))

    def find_before():
        return legacy_new_only(legacy_actions_overdue(day))

    def median_of(fn, n=3):
        times, result = [], None
        for _ in range(n):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        times.sort()
        return times[len(times) // 2], result

    after_t, after_drafts = median_of(find_after)
    before_t, before_drafts = median_of(find_before, n=1 if total > 200_000 else 3)
    same = {(d.about, d.for_date) for d in after_drafts} == {
        (d.about, d.for_date) for d in before_drafts
    }
    due = len(after_drafts)
    bare_t, bare_rows = bare(BARE_BOOKMARK, day)
    anti_t, anti_rows = bare(BARE_ANTIJOIN, day, repeat=3)
    res.record(f"{label}: reminders due on the day (after = before: {same})", due, "reminders")
    res.record(
        f"{label}: find due, before (all overdue, whole ledger days)", round(before_t, 3), "s"
    )
    res.record(
        f"{label}: find due, after (bookmark + key lookups)",
        round(after_t, 3),
        "s",
        note=f"{before_t / after_t:.0f}x faster than before",
    )
    res.record(
        f"{label}: bare SQL, bookmark lookup ({bare_rows} rows)", round(bare_t * 1000, 1), "ms"
    )
    res.record(
        f"{label}: bare SQL, anti-join on the ledger, no bookmark ({anti_rows} rows)",
        round(anti_t * 1000, 1),
        "ms",
    )
    res.record(
        f"{label}: find / bare SQL",
        round(after_t / bare_t, 1),
        "x",
        target=f"<= {TARGET_RATIO:.0f}x",
        passed=after_t / bare_t <= TARGET_RATIO,
        note="the find builds model objects with four joined rows each and computes the working-day stage in Python",
    )

    # Whole sweep (plan: find, render, record; then deliver), before and after, rolled back.
    def whole_sweep():
        from django.core import mail

        mail.outbox = []
        start = time.perf_counter()
        planned = outbox.plan(now)
        planned_t = time.perf_counter() - start
        outcomes = outbox.deliver_due(now)
        total_t = time.perf_counter() - start
        return (
            planned_t,
            total_t,
            len(planned),
            sum(o.delivered for o in outcomes),
            len(mail.outbox),
        )

    class Rollback(Exception):
        pass

    def in_rollback(fn):
        result = None
        try:
            with transaction.atomic():
                result = fn()
                raise Rollback
        except Rollback:
            pass
        return result

    def old_index():
        """The outbox index as it was: on next_attempt_at alone (the claim sorts every row)."""
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # DDL waits for no deferred checks
            cursor.execute("DROP INDEX reminder_pending_idx")
            cursor.execute(OLD_PENDING_INDEX)

    in_rollback(whole_sweep)  # warm-up: imports, URL resolvers, templates
    with Legacy():
        b_plan, b_total, _, b_sent, _ = in_rollback(lambda: (old_index(), whole_sweep())[1])
    a_plan, a_total, a_planned, a_sent, a_mail = in_rollback(whole_sweep)
    res.record(
        f"{label}: sweep before (plan + send {b_sent}; old rule, ledger check, outbox index)",
        round(b_total, 2),
        "s",
        note=f"plan {b_plan:.2f} s",
    )
    res.record(
        f"{label}: sweep after (plan + send {a_sent}, locmem mail backend)",
        round(a_total, 2),
        "s",
        target=f"< {TARGET_SWEEP_SECONDS:.0f} s",
        passed=a_total < TARGET_SWEEP_SECONDS and a_sent == a_mail and a_planned >= due,
        note=f"plan {a_plan:.2f} s (find {after_t:.2f} s, the rest rendering two-part emails), "
        f"deliver {a_total - a_plan:.2f} s (one transaction per message); {a_mail} emails; {a_planned - a_sent} planned but recorded failed (nobody with an address)",
    )
    res.record(
        f"{label}: sweep after / bare SQL",
        round(a_total / bare_t),
        "x",
        target=f"<= {TARGET_RATIO:.0f}x",
        passed=a_total / bare_t <= TARGET_RATIO,
        note=f"{a_total / max(a_sent, 1) * 1000:.1f} ms per reminder sent: rendering and a "
        "claimed, committed row per message, which a SELECT does not do",
    )

    # The partial index on the bookmark: the lookup with it, and with it dropped.
    rule_qs = (
        Action.objects.overdue(on=day)
        .filter(owner__isnull=False)
        .filter(Q(next_reminder_on__lte=day) | Q(next_reminder_on__isnull=True))
    )
    rule_sql, rule_params = rule_qs.query.sql_with_params()
    with_index = explain(rule_sql, rule_params)

    def without(index_sql, fn):
        result = None
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(index_sql)
                result = fn()
                raise Rollback
        except Rollback:
            pass
        return result

    no_index_t, _ = without(
        "DROP INDEX action_reminder_due_idx",
        lambda: median_of(lambda: list(rule_qs.values_list("pk"))),
    )
    with_t, _ = median_of(lambda: list(rule_qs.values_list("pk")))
    no_index_plan = without(
        "DROP INDEX action_reminder_due_idx", lambda: explain(rule_sql, rule_params)
    )
    res.record(f"{label}: due-action lookup with the partial index", round(with_t * 1000, 1), "ms")
    res.record(
        f"{label}: due-action lookup without it",
        round(no_index_t * 1000, 1),
        "ms",
        note=f"the partial index makes it {no_index_t / with_t:.0f}x faster",
    )
    res.note(
        f"EXPLAIN ANALYZE, {label}, due-action lookup WITH action_reminder_due_idx:\n{with_index}"
    )
    res.note(f"EXPLAIN ANALYZE, {label}, due-action lookup WITHOUT it:\n{no_index_plan}")

    # The outbox's partial index on pending rows: the claim query with and without it.
    def claim_times():
        outbox.plan(now)
        claim = (
            Reminder.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
        )
        sql, params = claim[:1].query.sql_with_params()
        t_new, _ = median_of(lambda: claim.first(), n=5)
        plan_new = explain(sql, params)
        old_index()
        t_old, _ = median_of(lambda: claim.first(), n=5)
        plan_old = explain(sql, params)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX reminder_pending_old")
        t_none, _ = median_of(lambda: claim.first(), n=5)
        pending = Reminder.objects.filter(status="pending").count()
        return t_new, t_old, t_none, pending, plan_new, plan_old

    t_new, t_old, t_none, pending, plan_new, plan_old = in_rollback(claim_times)
    of = f"{pending} pending of {Reminder.objects.count() + pending:,} ledger rows"
    res.record(
        f"{label}: claim of the next pending reminder, index (next_attempt_at, id) WHERE pending ({of})",
        round(t_new * 1000, 2),
        "ms",
    )
    res.record(
        f"{label}: claim, old index (next_attempt_at) WHERE pending",
        round(t_old * 1000, 2),
        "ms",
        note="sorts every pending row for each message claimed: quadratic over a sweep",
    )
    res.record(f"{label}: claim, no partial index", round(t_none * 1000, 2), "ms")
    res.note(f"EXPLAIN ANALYZE, {label}, claim with (next_attempt_at, id):\n{plan_new}")
    res.note(f"EXPLAIN ANALYZE, {label}, claim with the old (next_attempt_at) index:\n{plan_old}")

    if not args.skip_smtp:
        worker_day(res, label, day, now)
        smtp_day(res, label, day, now)
        commit_floor(res, label)
        smtp_exchange(res, label, day, now)


if __name__ == "__main__":
    main()
