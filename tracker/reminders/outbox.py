"""Planning reminders into the ledger, and delivering what is due from it.

`sweep(now)` is the whole job: plan what the rules say is due, then deliver. It is safe to
run any number of times, in any number of processes at once:

- planning inserts ledger rows with ON CONFLICT DO NOTHING against the unique constraint;
- delivering claims one pending row at a time with SELECT ... FOR UPDATE SKIP LOCKED, sends
  it and marks it sent in the same transaction, so two workers never hold the same row, a
  stop (a deferral, a meeting moved in modern.gov) waits for the row lock and then finds the
  row sent, and a worker that dies releases its row (its transaction rolls back) for the next
  sweep.

A crash after the mail server accepted a message but before the ledger commit re-sends it
on the next sweep (at-least-once), with the same Message-ID so mail systems can recognise it.
On PostgreSQL most marks commit without waiting for the disk (`deliver_due` says why), so a
killed worker still repeats at most the one message in flight, but a crash of the database
server itself may repeat up to BATCH - 1 messages. A lost reminder costs a missed statutory
deadline; a rare duplicate costs a second email.
"""

import contextlib
import datetime as dt
import hashlib
import logging
import random
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from actions.models import Action
from committees.models import LONDON, Committee, Deferral
from config.prepared_statements import can_prepare
from tracker.reminders import links, mime, notify, pipelining, rules
from tracker.reminders.emails import absolute, render_email
from tracker.reminders.ledger import Reminder

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = dt.timedelta(hours=6)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(LONDON)


def moment_from_text(value: str) -> dt.datetime:
    """An ISO 8601 date-time replaying another moment (`send_reminders --now`, the `deliver`
    task's `now`); one without a zone is on the council's clock, not UTC. ValueError names
    what was wrong."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"give an ISO date-time such as 2018-01-16T09:00, not {str(value)[:40]!r}"
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    return moment


def is_morning(now: dt.datetime) -> bool:
    """Whether the day's scheduled reminders may go: from REMINDER_HOUR, local time."""
    return local_now(now).hour >= settings.REMINDER_HOUR


# --- Addressing and rendering -------------------------------------------------------------


def _link_for(draft: rules.Draft) -> str:
    ctx = draft.context
    if draft.rule in (Reminder.Rule.REPORT_DUE_SOON, Reminder.Rule.REPORT_OVERDUE) and draft.to:
        return absolute(links.report_submission_url(ctx["kind"], ctx["thing"], draft.to))
    if draft.rule == Reminder.Rule.ACTION_OVERDUE:
        return absolute(ctx["action"].get_absolute_url())
    if draft.rule == Reminder.Rule.ITEM_DEFERRED:
        target = ctx["deferral"].agenda_item or ctx["deferral"].topic
        return absolute(target.get_absolute_url())
    if draft.rule == Reminder.Rule.CHAIR_DIGEST:
        return absolute(draft.committee.get_absolute_url())
    # Recommendations awaiting a response are listed on the committee page, each anchored.
    committee = ctx["response"].resolution.committee
    return absolute(committee.get_absolute_url() + f"#response-{ctx['response'].pk}")


def address(draft: rules.Draft, now: dt.datetime) -> Reminder:
    """Turn a draft into an unsaved ledger row: recipient, copies, subject and body.

    Someone with no email address is not skipped: the committee's officer is told instead,
    with a note to pass it on; with no officer address either, the row is recorded as failed.
    """
    officer = draft.committee.officer
    recipient = draft.to
    redirected_from = None
    if recipient is None or not recipient.email:
        redirected_from = recipient
        recipient = officer if officer and officer.email else None
    cc = []
    if draft.copy_officer and officer and officer.email and recipient != officer:
        cc.append(officer.email)

    context = {
        **draft.context,
        "recipient": recipient,
        "intended": draft.to,
        "redirected_from": redirected_from,
        "redirected": recipient is not None and recipient != draft.to,
        "reason": draft.reason,
        "committee": draft.committee,
        "link": _link_for(draft),
        "for_date": draft.for_date,
    }
    if draft.rule == Reminder.Rule.ACTION_OVERDUE and draft.to is not None:
        context["update_link"] = absolute(
            links.action_update_url(draft.context["action"], draft.to)
        )
    email = render_email(draft.rule, context)
    reminder = Reminder(
        rule=draft.rule,
        about=draft.about,
        for_date=draft.for_date,
        committee=draft.committee,
        recipient=recipient,
        recipient_email=recipient.email if recipient else "",
        recipient_name=recipient.name if recipient else "",
        cc=cc,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
        next_attempt_at=now,
        created_at=now,
    )
    if recipient is None:
        reminder.status = Reminder.Status.FAILED
        reminder.last_error = (
            f"Nobody to send to: {draft.to or 'no one'} has no email address and "
            f"{draft.committee} has no officer with one."
        )
    return reminder


KEY_BATCH = 2000


def _new_only(drafts: Iterable[rules.Draft]) -> list[rules.Draft]:
    """Drop drafts the ledger already holds, before paying to render them.

    Looks up just these drafts' keys through the unique index (rule, about, for_date), in
    batches, rather than loading every ledger row of the dates concerned.
    """
    drafts = list(drafts)
    if not drafts:
        return []
    wanted: dict[str, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for d in drafts:
        abouts, dates = wanted[d.rule]
        abouts.add(d.about)
        dates.add(d.for_date)
    known = set()
    for rule, (abouts, dates) in wanted.items():
        abouts = sorted(abouts)
        for start in range(0, len(abouts), KEY_BATCH):
            known.update(
                Reminder.objects.filter(
                    rule=rule, about__in=abouts[start : start + KEY_BATCH], for_date__in=dates
                ).values_list("rule", "about", "for_date")
            )
    seen = set()
    fresh = []
    for draft in drafts:
        key = (draft.rule, draft.about, draft.for_date)
        if key not in known and key not in seen:
            seen.add(key)
            fresh.append(draft)
    return fresh


# Reminders rendered and recorded together by `plan`, each batch committed on its own.
PLAN_BATCH = 500


def plan(
    now: dt.datetime | None = None,
    *,
    dry_run: bool = False,
    recorded: Callable[[], None] | None = None,
) -> list[Reminder]:
    """Record in the ledger every reminder the rules say is due now; return the new ones.

    They are rendered and recorded PLAN_BATCH at a time, and `recorded` is called after each
    batch: outside a caller's transaction the batch is then committed, so delivery can begin
    (in another process) while the rest are rendered. A sweep stopped part-way leaves whole
    batches recorded, their actions' bookmarks moved on; the next plans the rest, since the
    ledger refuses a second of any."""
    now = now or timezone.now()
    today = local_now(now).date()
    drafts = rules.drafts_for(today, morning=is_morning(now))
    fresh = _new_only(drafts)
    planned: list[Reminder] = []
    for start in range(0, len(fresh), PLAN_BATCH):
        batch = fresh[start : start + PLAN_BATCH]
        planned += _record([address(d, now) for d in batch], dry_run=dry_run)
        if not dry_run:
            _advance_action_bookmarks(batch, today)
            if recorded is not None:
                recorded()
    if not dry_run:
        # Drafts the ledger already held (an earlier sweep stopped before moving them on).
        new = {id(d) for d in fresh}
        _advance_action_bookmarks([d for d in drafts if id(d) not in new], today)
    return planned


def _advance_action_bookmarks(drafts: list[rules.Draft], today: dt.date) -> None:
    """Once this week's overdue reminder is in the ledger, the action waits a week.

    Only bookmarks that are still due are moved (a save that moved the due date into the
    future since the rule read it keeps its own). Plain UPDATEs: a bookmark is not history.
    """
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for draft in drafts:
        if draft.rule == Reminder.Rule.ACTION_OVERDUE:
            by_day[draft.for_date + dt.timedelta(weeks=1)].append(draft.context["action"].pk)
    still_due = Q(next_reminder_on__isnull=True) | Q(next_reminder_on__lte=today)
    for day, pks in by_day.items():
        for start in range(0, len(pks), KEY_BATCH):
            Action._base_manager.filter(still_due, pk__in=pks[start : start + KEY_BATCH]).update(
                next_reminder_on=day
            )


def plan_deferral(deferral: Deferral, now: dt.datetime | None = None) -> list[Reminder]:
    now = now or timezone.now()
    drafts = rules.item_deferred(deferral, local_now(now).date())
    return _record([address(d, now) for d in _new_only(drafts)])


def stop_report_reminders(deferral: Deferral) -> int:
    """A deferred report is no longer due at the meeting it left: its reminders still
    waiting to go (a retry after a mail failure) are stopped, not sent. One being sent at
    this moment holds its row lock: the UPDATE waits for it, then finds it sent."""
    subjects = Q(about__startswith=f"topic:{deferral.topic_id}:")
    if deferral.agenda_item_id:
        subjects |= Q(about__startswith=f"item:{deferral.agenda_item_id}:")
    return Reminder.objects.filter(
        subjects,
        status=Reminder.Status.PENDING,
        rule__in=(Reminder.Rule.REPORT_DUE_SOON, Reminder.Rule.REPORT_OVERDUE),
        created_at__lte=deferral.created_at,
    ).update(
        status=Reminder.Status.STOPPED,
        last_error=f"Deferred to {deferral.destination} before it was sent.",
    )


def _record(reminders: list[Reminder], *, dry_run: bool = False) -> list[Reminder]:
    if not dry_run and reminders:
        Reminder.objects.bulk_create(reminders, batch_size=500, ignore_conflicts=True)
    return reminders


# --- Delivering -----------------------------------------------------------------------------


@dataclass
class Outcome:
    reminder: Reminder
    delivered: bool
    error: str = ""
    server_unreachable: bool = False


def is_permanent(exc: Exception) -> bool:
    """A refusal the mail server will repeat (5xx); anything else may pass if we try later."""
    if isinstance(exc, notify.NotifyError):
        return exc.permanent
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def is_unreachable(exc: Exception) -> bool:
    """The server itself is down or dropped us, as opposed to refusing one message."""
    if isinstance(exc, notify.NotifyError):
        return exc.stops_sweep
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    # Every SMTPException is an OSError: a refusal (SMTPRecipientsRefused, 5xx/4xx replies)
    # is the server answering about one message, not the server being unreachable.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter, so a recovering mail server is not stampeded."""
    base = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    delay = dt.timedelta(seconds=base * random.uniform(0.5, 1.5))
    return min(delay, MAX_RETRY_DELAY)


def _reply_to(reminder: Reminder) -> list[str]:
    """The footer says to reply to the committee's officer: so does the Reply-To."""
    officer = reminder.committee.officer if reminder.committee_id else None
    return [officer.email] if officer and officer.email else []


def _message(reminder: Reminder, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=reminder.subject,
        body=reminder.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient_email],
        cc=reminder.cc,
        reply_to=_reply_to(reminder),
        headers={"Message-ID": reminder.message_id},
        connection=connection,
    )
    message.attach_alternative(reminder.body_html, "text/html")
    return message


def _send(reminder: Reminder, connection) -> None:
    """The one seam between the ledger and the mail service: GOV.UK Notify sends each reminder
    from its template (recording its receipts on the row); any other backend gets the email."""
    if isinstance(connection, notify.NotifyEmailBackend):
        connection.send_reminder(reminder)
        return
    # Opened here, inside the attempt (a refused connection is this reminder's failure), and
    # kept open: Django's backends close a connection they opened for one send, and a fresh
    # SMTP session per reminder cost more than the rest of the sweep together.
    connection.open()
    if isinstance(connection, SMTPBackend):
        # What Django's SMTP backend would send, built without its generic MIME path.
        data = mime.message_bytes(reminder, _reply_to(reminder))
        if data is not None:
            recipients = [reminder.recipient_email, *reminder.cc]
            recipients = [mime.envelope_address(a) for a in recipients if a]
            if recipients:
                sender = mime.envelope_address(settings.DEFAULT_FROM_EMAIL)
                pipelining.sendmail(connection.connection, sender, recipients, data)
            return
    _message(reminder, connection).send()


# Messages sent over one mail-server connection before it is closed and a new one opened:
# a session per message is slow, and some servers refuse more than a few dozen per session.
# It errs low because a server that drops a session past its own limit looks unreachable
# (`is_unreachable`), which ends the sweep; a new session costs 1 to 2.5 ms of the worker's CPU
# against the bench's local listener (bench.sweep), about 0.1 ms per message at 20.
MESSAGES_PER_CONNECTION = 20


class _Claims:
    """Claims the next pending reminder due at a moment: SELECT ... FOR UPDATE SKIP LOCKED of
    one row, in the caller's transaction; and marks a claimed row sent.

    Both statements are plain SQL written once per delivery run (compiling them through the
    ORM, or reading the row through `raw()`, cost more than running them), and after the first
    claim the next starts after the row last claimed, in the claim order: rows this run has
    sent leave index entries behind them until PostgreSQL cleans up, and scanning past all of
    them for every claim made a big day quadratic. A row before that point that comes free
    again (another worker died holding it) waits for the next sweep, as it would have anyway.
    Each claimed row gets its committee, with the officer its Reply-To names, from those
    already read in the run."""

    def __init__(self):
        self.after: tuple | None = None
        self.committees: dict = {}
        table = Reminder._meta.db_table
        fields = Reminder._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        # The conversions the ORM applies to these columns (JSON text, SQLite's dates).
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            for convert in db_connection.ops.get_db_converters(column) + column.get_db_converters(
                db_connection
            ):
                self.converters.append((index, convert, column))
        columns = ", ".join(db_connection.ops.quote_name(f.column) for f in fields)
        lock = (
            " FOR UPDATE SKIP LOCKED"
            if db_connection.features.has_select_for_update_skip_locked
            else ""
        )
        due = f"SELECT {columns} FROM {table} WHERE status = %s AND next_attempt_at <= %s"
        order = " ORDER BY next_attempt_at, id LIMIT 1" + lock
        self.first_sql = due + order
        self.next_sql = due + " AND (next_attempt_at, id) > (%s, %s)" + order
        self.sent_sql = (
            f"UPDATE {table} SET attempts = %s, status = %s, sent_at = %s, last_error = '', "
            "delivery_receipts = %s WHERE id = %s"
        )
        # On PostgreSQL, a mark whose commit need not wait for the disk (`deliver_due`): the
        # setting is local to the statement's own transaction, and decides how it commits.
        self.sent_soon_sql = self.sent_sql
        if db_connection.vendor == "postgresql":
            self.sent_soon_sql += " RETURNING set_config('synchronous_commit', 'off', true)"
        # The row rewritten as it stands, for a commit that must write to wait for the disk.
        self.durable_sql = f"UPDATE {table} SET sent_at = sent_at WHERE id = %s"
        self.at = Reminder._meta.get_field("next_attempt_at")
        self.receipts = Reminder._meta.get_field("delivery_receipts")
        # On PostgreSQL outside a caller's transaction, each message's transaction is written
        # out in the SQL sent, the claim after its BEGIN and the mark before its COMMIT (one
        # round trip each); `_Commits` ends what is left open.
        self.spelled_out = (
            db_connection.vendor == "postgresql"
            and not db_connection.in_atomic_block
            and db_connection.get_autocommit()
        )

    def next(self, moment: dt.datetime) -> Reminder | None:
        prep = self.at.get_db_prep_value
        params = [Reminder.Status.PENDING, prep(moment, db_connection)]
        if self.after is None:
            sql = self.first_sql
        else:
            sql = self.next_sql
            params += [prep(self.after[0], db_connection), self.after[1]]
        if self.spelled_out:
            sql = "BEGIN; " + sql
        row = self._execute(sql, params, fetch=True)
        if row is None:
            return None
        row = list(row)
        for index, convert, column in self.converters:
            row[index] = convert(row[index], column, db_connection)
        reminder = Reminder.from_db(db_connection.alias, self.attnames, row)
        self.after = (reminder.next_attempt_at, reminder.pk)
        if reminder.committee_id is not None:
            committee = self.committees.get(reminder.committee_id)
            if committee is None:
                committee = self.committees[reminder.committee_id] = (
                    Committee.objects.select_related("officer")
                    .filter(pk=reminder.committee_id)
                    .first()
                )
            reminder.committee = committee
        return reminder

    def mark_sent(self, reminder: Reminder, *, durable: bool = True) -> None:
        """One UPDATE of the claimed row, committed with the claim."""
        sql = self.sent_sql if durable else self.sent_soon_sql
        if self.spelled_out and (
            db_connection.connection.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS
        ):
            # Marked outside its claim's transaction, the row's lock would be gone and the
            # mark could overwrite a stop: the run stops instead, the message resent later.
            raise transaction.TransactionManagementError(
                f"reminder {reminder.pk} lost its claim's transaction before it was marked sent"
            )
        self._execute(
            sql + "; COMMIT" if self.spelled_out else sql,
            [
                reminder.attempts,
                reminder.status,
                self.at.get_db_prep_value(reminder.sent_at, db_connection),
                self.receipts.get_db_prep_value(reminder.delivery_receipts, db_connection),
                reminder.pk,
            ],
        )

    # The statements a run sends thousands of times, and the stem of their prepared names.
    PREPARED = {
        "first_sql": "reminder_claim_first",
        "next_sql": "reminder_claim_next",
        "sent_sql": "reminder_mark",
        "sent_soon_sql": "reminder_mark_soon",
    }

    def prepare_on_server(self) -> None:
        """Spelled out, the claim and the mark go as simple queries, which PostgreSQL parses
        and plans every time (about 0.1 ms of its CPU a message): prepare them once per
        database session, under names carrying a hash of their SQL (a session kept across a
        deployment never runs an old text), and send EXECUTE with the values instead."""
        with (
            db_connection.wrap_database_errors,
            psycopg.Cursor(db_connection.connection) as cursor,
        ):
            cursor.execute("SELECT name FROM pg_prepared_statements")
            have = {name for (name,) in cursor.fetchall()}
            for attribute, stem in self.PREPARED.items():
                sql = getattr(self, attribute)
                count = sql.count("%s")
                name = f"{stem}_{hashlib.sha1(sql.encode()).hexdigest()[:10]}"
                if name not in have:
                    numbered = sql
                    for number in range(1, count + 1):
                        numbered = numbered.replace("%s", f"${number}", 1)
                    cursor.execute(f"PREPARE {name} AS {numbered}")
                setattr(self, attribute, f"EXECUTE {name}({', '.join(['%s'] * count)})")

    def make_durable(self, reminder: Reminder) -> None:
        """Mark a sent row again, in the caller's transaction, changing nothing: a commit that
        writes, with synchronous_commit on, waits for the WAL flush of itself and all before."""
        sql = self.durable_sql
        self._execute(f"BEGIN; {sql}; COMMIT" if self.spelled_out else sql, [reminder.pk])

    def _execute(self, sql: str, params: list, *, fetch: bool = False) -> tuple | None:
        """On Django's own connection (so inside its transaction). Spelled out with BEGIN or
        COMMIT it goes as one simple query, the values bound in the client, and the answer
        read is the last statement's; otherwise through Django's cursor."""
        if self.spelled_out:
            db_connection.ensure_connection()
            with (
                db_connection.wrap_database_errors,
                psycopg.ClientCursor(db_connection.connection) as cursor,
            ):
                cursor.execute(sql, params)
                while cursor.nextset():
                    pass
                return cursor.fetchone() if fetch else None
        with db_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if fetch else None


# On PostgreSQL, one mark in this many commits waiting for the disk (`deliver_due`).
BATCH = 16


# Due reminders for each process delivering beside the first (`helpers_wanted`).
DUE_PER_HELPER = 100


def helpers_wanted(now: dt.datetime | None = None) -> int:
    """How many more processes should deliver what is due now: none on an ordinary sweep,
    up to REMINDER_DELIVERY_PROCESSES - 1 when there are hundreds. A helper that finds
    nothing left (the others were quicker) simply ends."""
    spare = settings.REMINDER_DELIVERY_PROCESSES - 1
    if spare < 1:
        return 0
    due = Reminder.objects.due(now or timezone.now())[: spare * DUE_PER_HELPER].count()
    return min(spare, due // DUE_PER_HELPER)


class _Commits:
    """One transaction per message, as cheaply as the database allows.

    On PostgreSQL, outside a caller's transaction, each message's transaction is spelled out
    in the SQL: BEGIN goes with the claim and COMMIT with the mark (`_Claims.spelled_out`),
    two round trips and two statements for the driver a message, where Django's
    `transaction.atomic()` made four of each. Django's connection stays in autocommit, so the
    run ends any transaction still open (a claim that found nothing, a failure recorded, an
    error) itself. So nothing between a claim and its mark (`_send`, a mail backend) may use
    Django's transaction API (`atomic`, `on_commit`, `select_for_update`): Django would take
    the open transaction for autocommit. A database error there stops the run (`_attempt`),
    rather than pass for the mail server's. Anywhere else each message is a
    `transaction.atomic()`, which inside a caller's transaction is a savepoint."""

    def __init__(self, claims: _Claims):
        self.claims = claims
        self.spelled_out = claims.spelled_out

    def __enter__(self):
        if self.spelled_out and can_prepare(db_connection):
            db_connection.ensure_connection()
            self.claims.prepare_on_server()
        return self

    def __exit__(self, *exc):
        if self.spelled_out:
            self._end("ROLLBACK")  # nothing is left open, even after an error

    @contextlib.contextmanager
    def each(self):
        if not self.spelled_out:
            with transaction.atomic():
                yield
            return
        try:
            yield
        except BaseException:
            self._end("ROLLBACK")
            raise
        self._end("COMMIT")

    @staticmethod
    def _end(command: str) -> None:
        """COMMIT or ROLLBACK what is still open on the connection, if anything is."""
        raw = db_connection.connection
        if (
            raw is None
            or raw.closed
            or raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        ):
            return
        with db_connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(command)


def deliver_due(now: dt.datetime | None = None, *, limit: int | None = None) -> list[Outcome]:
    """Send pending reminders whose time has come, one claimed row per transaction.

    On PostgreSQL, outside a caller's transaction, a mark's commit does not wait for its WAL
    flush but for every BATCH-th message's, and a run that ends with marks not yet flushed
    makes them durable with one commit that does wait: a day of reminders is not a day of
    waits for the disk, one per message. Every commit is still made before the next message
    is sent, so a killed worker repeats at most the message in flight (an asynchronous commit
    is lost only if the database server itself stops, and then at most BATCH - 1 marks)."""
    outcomes: list[Outcome] = []
    connection = None
    sent_on_connection = 0
    claims = _Claims()
    unflushed: Reminder | None = None  # the last mark not yet known to be on disk
    since_flush = 0
    try:
        with _Commits(claims) as commits:
            may_defer = commits.spelled_out
            while limit is None or len(outcomes) < limit:
                moment = now or timezone.now()
                durable = (
                    not may_defer
                    or since_flush + 1 >= BATCH
                    or (limit is not None and len(outcomes) + 1 == limit)
                )
                with commits.each():
                    reminder = claims.next(moment)
                    if reminder is None:
                        break
                    if connection is None:
                        connection = get_connection(fail_silently=False)
                        sent_on_connection = 0
                    outcome = _attempt(reminder, connection, moment, claims, durable=durable)
                outcomes.append(outcome)
                if outcome.delivered and not durable:
                    unflushed, since_flush = reminder, since_flush + 1
                else:
                    # A durable commit (and a failure's, which waits for the disk) flushes
                    # the WAL up to itself, with every mark before it.
                    unflushed, since_flush = None, 0
                sent_on_connection += 1
                if (
                    not outcome.delivered or sent_on_connection >= MESSAGES_PER_CONNECTION
                ) and connection is not None:
                    connection.close()
                    connection = None
                if outcome.server_unreachable:
                    break  # the rest wait for the next sweep rather than each failing in turn
            if unflushed is not None:
                # The run's last mark again, in a commit that waits for the disk: its flush
                # takes every earlier mark with it.
                with commits.each():
                    claims.make_durable(unflushed)
    finally:
        if connection is not None:
            connection.close()
    return outcomes


def _attempt(
    reminder: Reminder, connection, now: dt.datetime, claims: _Claims, *, durable: bool = True
) -> Outcome:
    reminder.attempts += 1
    try:
        _send(reminder, connection)
    except (DatabaseError, psycopg.Error):
        # Not the mail server's answer: the run stops, and the claim's transaction is rolled
        # back (the reminder waits, unattempted, for the next run).
        raise
    except Exception as exc:
        reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent(exc) or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            reminder.status = Reminder.Status.FAILED
        else:
            reminder.next_attempt_at = now + retry_delay(reminder.attempts)
        # Only while it is still pending: a stop made by this same transaction (or by a
        # caller's, around the delivery) holds, and a stopped reminder is not tried again.
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.PENDING).update(
            attempts=reminder.attempts,
            last_error=reminder.last_error,
            status=reminder.status,
            next_attempt_at=reminder.next_attempt_at,
            delivery_receipts=reminder.delivery_receipts,
        )
        log.warning(
            "reminder %s (%s) not delivered, attempt %s: %s",
            reminder.pk,
            reminder.rule,
            reminder.attempts,
            type(exc).__name__,
        )
        return Outcome(
            reminder,
            delivered=False,
            error=reminder.last_error,
            server_unreachable=is_unreachable(exc),
        )
    reminder.status = Reminder.Status.SENT
    reminder.sent_at = now
    reminder.last_error = ""
    claims.mark_sent(reminder, durable=durable)
    log.info("reminder %s (%s) sent", reminder.pk, reminder.rule)
    return Outcome(reminder, delivered=True)


def sweep(now: dt.datetime | None = None) -> list[Outcome]:
    """Plan and deliver: the periodic job, and what `send_reminders` runs."""
    plan(now)
    return deliver_due(now)
