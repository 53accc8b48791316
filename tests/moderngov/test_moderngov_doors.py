"""The doors of the sync: the command, the periodic task beside the reminder sweep, and the
modern.gov page of the officers' admin."""

import datetime as dt
import functools
import io
import socket

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from committees.models import AgendaItem, Authority, Committee, Meeting
from config.celery import app
from tests.builders import from_a_shell
from tests.moderngov.conftest import HEALTH
from tracker.moderngov import sync as sync_module
from tracker.moderngov.client import WebService
from tracker.moderngov.models import Difference, SyncRun
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

D = dt.date


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("sync_moderngov", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_syncs_the_authority_and_says_what_changed(riverside, december_2026):
    out = run_command("--authority", "riverside", "--committee", str(HEALTH))

    assert out.splitlines() == [
        "changed: Health Overview and Scrutiny Committee: added from modern.gov",
        "changed: Health Overview and Scrutiny Committee: meeting of 20 January 2027 added",
        "changed: Health Overview and Scrutiny Committee: item “GP Access” added to the meeting of 20 January 2027",
        "Riverside Borough Council: 3 change(s), 0 new difference(s), 0 fault(s) (Done).",
    ]
    assert SyncRun.objects.get().committee_ids == [HEALTH]


@pytest.mark.django_db
def test_the_command_dry_run_saves_nothing(riverside, december_2026):
    out = run_command(
        "--authority", "riverside", "--dry-run", "--from", "2027-01-01", "--to", "2027-01-31"
    )

    assert out.splitlines()[0] == (
        "would change: Children's Services Overview and Scrutiny Committee: added from modern.gov"
    )
    assert out.splitlines()[-1] == (
        "Riverside Borough Council: 17 change(s), 0 new difference(s), 0 fault(s) (Done) - dry run, "
        "nothing saved."
    )
    assert (Committee.objects.count(), Meeting.objects.count(), SyncRun.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--authority", "nowhere"], "No authority has the slug 'nowhere'."),
        (
            ["--authority", "riverside", "--committee", "999"],
            "Committee 999 is not among Riverside Borough Council's modern.gov committees "
            "(144, 163); add it on the authority first.",
        ),
        (
            ["--authority", "riverside", "--committee", "=1+1"],
            "Error: argument --committee: give a modern.gov committee id (a number), not '=1+1'",
        ),
        (
            ["--authority", "riverside", "--committee", "abc"],
            "Error: argument --committee: give a modern.gov committee id (a number), not 'abc'",
        ),
        (
            ["--authority", "riverside", "--committee", "²"],
            "Error: argument --committee: give a modern.gov committee id (a number), not '²'",
        ),
        (
            ["--authority", "riverside", "--from", "14/01/2027"],
            "Error: argument --from: give a real date as YYYY-MM-DD, not '14/01/2027'",
        ),
        (
            ["--authority", "riverside", "--from", "2026-02-31"],
            "Error: argument --from: give a real date as YYYY-MM-DD, not '2026-02-31'",
        ),
        (
            ["--authority", "riverside", "--from", "2027-02-01", "--to", "2027-01-01"],
            "--from 2027-02-01 is after --to 2027-01-01.",
        ),
        (
            ["--authority", "riverside", "--from", "2020-01-01", "--to", "9999-12-31"],
            "Ask for at most 1098 days at a time (2020-01-01 to 9999-12-31 is longer).",
        ),
    ],
)
def test_the_command_refuses_what_it_cannot_do_and_says_why(args, said, riverside, december_2026):
    with pytest.raises(CommandError) as refused:
        run_command(*args)
    assert str(refused.value) == said
    assert SyncRun.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--committee", "abc"],
            "error: argument --committee: give a modern.gov committee id (a number), not 'abc'",
        ),
        (
            ["--from", "31/02/2026"],
            "error: argument --from: give a real date as YYYY-MM-DD, not '31/02/2026'",
        ),
    ],
)
def test_from_a_shell_a_bad_argument_is_one_line_and_exit_status_2(args, said):
    result = from_a_shell("sync_moderngov", "--authority", "riverside", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"manage.py sync_moderngov: {said}"


@pytest.mark.django_db
def test_the_command_asks_for_an_address_first(authority, december_2026):
    with pytest.raises(CommandError) as refused:
        run_command("--authority", "riverside")
    assert str(refused.value) == (
        "Riverside Borough Council has no modern.gov address: set it (and its committee ids) "
        "on the authority first."
    )


def test_the_task_is_registered_by_name_and_beat_kicks_it_beside_the_sweep():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "tracker.tasks.sync_moderngov" in app.tasks
    assert "tracker.tasks.sweep" in app.tasks
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["moderngov-sync"]["task"] == "tracker.tasks.sync_moderngov"
    assert schedule["moderngov-sync"]["schedule"] == 3600
    assert schedule["reminder-sweep"]["task"] == "tracker.tasks.sweep"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_a_failing_sync_never_stops_the_reminder_sweep(
    riverside, authority, december_2026, set_clock, monkeypatch, dev, committee
):
    """One authority's modern.gov refuses connections, another's sync raises outright: the task
    records and logs them and returns, and the sweep then sends what is due as ever."""
    app.loader.import_default_modules()
    monkeypatch.setattr(
        sync_module, "WebService", functools.partial(WebService, pause=0, timeout=0.5)
    )
    broken = Authority.objects.create(
        name="Hillside District Council",
        slug="hillside",
        moderngov_url=f"http://127.0.0.1:{closed_port()}",
        moderngov_committee_ids=[12],
    )
    real = sync_module.sync_authority

    def sync_authority(authority, **options):
        if authority == riverside:
            raise RuntimeError("the database went away")
        return real(authority, **options)

    monkeypatch.setattr(sync_module, "sync_authority", sync_authority)
    meeting = Meeting.objects.create(committee=committee, date=D(2027, 1, 14))
    AgendaItem.objects.create(
        meeting=meeting, title="Placement Stability Update", report_author=dev
    )

    assert app.tasks["tracker.tasks.sync_moderngov"].delay().get() == 1
    assert SyncRun.objects.get(authority=broken).status == "failed"

    morning = set_clock(dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC))
    sent = outbox.sweep(morning)
    assert [(o.reminder.rule, o.delivered) for o in sent] == [("report_due_soon", True)]
    assert Reminder.objects.get().recipient_email == "dev.okafor@riverside.example"


@pytest.mark.django_db
def test_the_admin_page_shows_each_authoritys_last_sync_and_what_awaits_a_decision(
    riverside, council, client, priya, service, december_2026
):
    sync_module.sync_authority(riverside, service=service())
    council.meeting(5002).items[2].restricted = True
    sync_module.sync_authority(riverside, service=service())
    client.force_login(priya.user)

    page = client.get("/admin/moderngov/moderngovauthority/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Riverside Borough Council" in text
    assert "1 December 2026 10:00" in text
    assert "Done" in text
    assert f'?authority__id__exact={riverside.pk}&amp;decided=no">1</a>' in text

    detail = client.get(f"/admin/moderngov/moderngovauthority/{riverside.pk}/change/")
    assert detail.status_code == 200
    assert "Changes: none" in detail.content.decode()

    waiting = client.get(
        f"/admin/moderngov/difference/?authority__id__exact={riverside.pk}&decided=no"
    )
    assert "Children&#x27;s Social Care Performance" in waiting.content.decode()

    difference = Difference.objects.get()
    decided = client.post(
        "/admin/moderngov/difference/",
        {"action": "mark_decided", "_selected_action": [difference.pk]},
    )
    assert decided.status_code == 302
    difference.refresh_from_db()
    assert difference.decided_by == priya.user
    assert Difference.objects.awaiting().count() == 0
    # Decided stays decided while modern.gov says the same.
    assert sync_module.sync_authority(riverside, service=service()).differences == []


@pytest.mark.django_db
def test_the_admin_page_is_for_staff_only(riverside, client, alan):
    client.force_login(alan.user)
    assert client.get("/admin/moderngov/moderngovauthority/").status_code == 302


@pytest.mark.django_db
def test_the_command_reports_faults_and_fails(riverside, council, december_2026, monkeypatch):
    monkeypatch.setattr(
        sync_module, "WebService", functools.partial(WebService, pause=0, timeout=0.5)
    )
    council.faults["GetMeetings"] = ["500"] * 3
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("sync_moderngov", "--authority", "riverside", stdout=out)

    assert str(failed.value) == "Some of modern.gov could not be read; see the faults above."
    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "FAULT: Children's Services Overview and Scrutiny Committee (144): GetMeetings("
        "lCommitteeId=144, sFromDate=31/10/2026, sToDate=02/12/2027): HTTP 500 from "
        f"{riverside.moderngov_url}/mgWebService.asmx/GetMeetings (asked 3 times). Nothing of "
        "this committee changed.",
        "Riverside Borough Council: 3 change(s), 0 new difference(s), 1 fault(s) (Done in part: "
        "some committees failed).",
    ]
    assert SyncRun.objects.get().status == "partly"
