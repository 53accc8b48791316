"""`import_minutes`: the dry-run JSON shape, saving through the rules, and saving nothing on failure."""

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from actions.models import Action, Resolution
from committees.models import AgendaItem, Deferral, Meeting, WorkProgrammeTopic
from tracker.importer.parsing import propose
from tracker.importer.reading import read_minutes
from tracker.importer.saving import SavingError, save_proposal

MINUTES = Path(__file__).parent / "minutes"
NORTHGATE = MINUTES / "northgate_printed.txt"


def run(*args) -> str:
    out = StringIO()
    call_command("import_minutes", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def every_count() -> dict:
    """Rows of every model of the project's apps, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("committees", "actions", "tracker", "auth")
    }


@pytest.fixture
def northgate(authority, priya):
    from committees.models import Committee

    committee = Committee.objects.create(
        authority=authority,
        name="Community Wellbeing Overview and Scrutiny Committee",
        slug="wellbeing",
        reference_prefix="CW",
    )
    march = Meeting.objects.create(committee=committee, date=dt.date(2024, 3, 20))
    april = Meeting.objects.create(committee=committee, date=dt.date(2024, 4, 24))
    return committee, march, april


@pytest.mark.django_db
def test_a_dry_run_prints_one_json_document_of_the_fixed_shape():
    document = json.loads(run(NORTHGATE, "--dry-run", "--format", "json"))
    assert list(document) == ["meetings"]
    meeting = document["meetings"][0]
    assert list(meeting) == [
        "committee", "date", "time", "venue", "items", "work_programme_requests",
        "report_back_requests", "undertakings", "warnings",
    ]  # fmt: skip
    assert (meeting["committee"], meeting["date"], meeting["time"], meeting["venue"]) == (
        "Community Wellbeing Overview and Scrutiny Committee",
        "2024-01-17",
        "19:00",
        "Council Offices, Market Street, Northgate",
    )
    for item in meeting["items"]:
        assert list(item) == ["number", "title", "outcome", "resolutions", "deferred_to"]
        assert isinstance(item["number"], int) and isinstance(item["title"], str)
        assert item["outcome"] in ("resolved", "noted", "deferred", "withdrawn", "none")
        for resolution in item["resolutions"]:
            assert list(resolution) == ["number", "text"]
            assert isinstance(resolution["number"], str) and isinstance(resolution["text"], str)
    assert meeting["items"][3]["deferred_to"] == {"text": "the March meeting", "date": None}
    assert meeting["work_programme_requests"] == [
        {
            "topic": "Review of Allotment Provision",
            "target": {"text": "April 2024", "month": "2024-04"},
        }
    ]
    assert meeting["report_back_requests"] == [
        {
            "item": "9",
            "text": "A further report be brought back to the Committee in six months' time.",
            "target": {"text": "in six months' time", "month": "2024-07"},
        }
    ]
    assert meeting["undertakings"] == [
        {
            "item": "9",
            "text": "Dana Whitfield undertook to send the usage figures by school to the Committee by email.",
        }
    ]
    assert all(isinstance(w, str) for w in meeting["warnings"])
    assert any('Item 10: deferred to "the March meeting"' in w for w in meeting["warnings"])


@pytest.mark.django_db
def test_a_dry_run_saves_nothing_even_when_the_committee_is_set_up(northgate):
    before = every_count()
    run(NORTHGATE, "--dry-run", "--format", "json")
    run(NORTHGATE, "--dry-run", "--committee", "wellbeing")
    assert every_count() == before


@pytest.mark.django_db
def test_a_dry_run_in_text_names_items_and_warnings():
    text = run(NORTHGATE, "--dry-run", "--format", "text")
    assert "Community Wellbeing Overview and Scrutiny Committee: 2024-01-17 19:00" in text
    assert "  10 Community Safety Partnership Annual Report [deferred]" in text
    assert "Warnings:" in text


@pytest.mark.django_db
def test_the_import_saves_the_meeting_items_decisions_deferral_topic_and_actions(northgate):
    committee, march, april = northgate
    run(NORTHGATE)

    meeting = Meeting.objects.get(committee=committee, date=dt.date(2024, 1, 17))
    assert (meeting.start_time, meeting.venue, meeting.status) == (
        dt.time(19, 0),
        "Council Offices, Market Street, Northgate",
        Meeting.Status.HELD,
    )
    assert meeting.municipal_year.label == "2023/24"
    items = list(meeting.items.order_by("position"))
    assert [(i.number, i.position, i.title, i.outcome) for i in items] == [
        (7, 1, "Apologies for Absence", "none"),
        (8, 2, "Minutes", "resolved"),
        (9, 3, "Leisure Centre Contract", "resolved"),
        (10, 4, "Community Safety Partnership Annual Report", "deferred"),
        (11, 5, "Work Programme", "resolved"),
    ]
    assert "Usage had risen by 8 per cent." in items[2].minutes
    leisure = list(Resolution.objects.filter(agenda_item=items[2]).order_by("position"))
    assert [(r.number, r.position, r.kind, r.reference) for r in leisure] == [
        ("a", 1, "note", "CW (23/24) 03"),
        ("b", 2, "recommendation", "CW (23/24) 04"),
        ("c", 3, "report_back", "CW (23/24) 05"),
    ]
    assert leisure[1].text == "Cabinet be recommended to extend the contract by two years"

    deferral = Deferral.objects.get()
    assert (
        deferral.agenda_item,
        deferral.from_meeting,
        deferral.to_meeting,
        deferral.decided_at,
    ) == (
        items[3],
        meeting,
        march,
        meeting,
    )
    assert deferral.created_at == dt.datetime(2024, 1, 17, 19, 0, tzinfo=dt.UTC)
    assert deferral.topic.status == WorkProgrammeTopic.Status.DEFERRED

    topic = WorkProgrammeTopic.objects.get(title="Review of Allotment Provision")
    assert (topic.status, topic.target_meeting, topic.requested_at, topic.origin) == (
        "planned",
        april,
        meeting,
        "Requested under item 11 at the meeting of 17 January 2024",
    )

    actions = list(Action.objects.order_by("sequence"))
    assert [(a.title, a.agenda_item, a.resolution, a.due_back_meeting, a.owner) for a in actions] == [
        ("A further report be brought back to the Committee in six months' time.", items[2], leisure[2], None, None),
        ("Dana Whitfield undertook to send the usage figures by school to the Committee by email.", items[2], None, None, None),
    ]  # fmt: skip
    assert (
        "Due back: in six months' time (no meeting is scheduled for it yet)."
        in actions[0].description
    )


@pytest.mark.django_db
def test_importing_the_same_minutes_twice_changes_nothing(northgate):
    run(NORTHGATE)
    before = every_count()
    second = run(NORTHGATE)
    assert every_count() == before
    assert (
        "created 0 meetings, 0 items, 0 resolutions, 0 deferrals, 0 work-programme topics, 0 actions."
        in second
    )


@pytest.mark.django_db
def test_an_unknown_committee_slug_is_refused_and_nothing_saved(northgate):
    before = every_count()
    with pytest.raises(
        CommandError, match=re.escape('No committee has the slug "nowhere"; nothing was imported.')
    ):
        run(NORTHGATE, "--committee", "nowhere")
    assert every_count() == before


@pytest.mark.django_db
def test_a_committee_not_set_up_asks_for_the_slug(committee):
    before = every_count()
    with pytest.raises(CommandError) as raised:
        run(NORTHGATE)
    assert str(raised.value) == (
        'The minutes name the committee "Community Wellbeing Overview and Scrutiny Committee", which '
        "matches no committee here by its exact name; pass --committee SLUG to choose one. Nothing "
        "was saved."
    )
    assert every_count() == before


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=re.escape(f"No such file: {tmp_path}/minutes.pdf")):
        run(tmp_path / "minutes.pdf")


@pytest.mark.django_db
def test_a_binary_file_is_a_clear_error_and_nothing_is_saved(tmp_path, northgate):
    path = tmp_path / "minutes.txt"
    path.write_bytes(bytes(range(256)) * 40)
    before = every_count()
    with pytest.raises(CommandError, match="This is not a text, HTML, PDF or Word file"):
        run(path, "--committee", "wellbeing")
    assert every_count() == before


@pytest.mark.django_db
def test_an_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        run(path, "--dry-run")


@pytest.mark.django_db
def test_a_failure_halfway_saves_nothing(northgate):
    committee, _, _ = northgate
    proposal = propose(read_minutes(NORTHGATE.read_bytes()), committee=committee)
    # An officer's edit that breaks a rule: a resolution with no text, late in the proposal.
    proposal.meetings[0].items[4].resolutions[1].text = "   "
    before = every_count()
    with pytest.raises(SavingError) as raised:
        save_proposal(proposal, committee)
    assert str(raised.value).startswith("Item 11, resolution 2: text:")
    assert str(raised.value).endswith("Nothing was saved.")
    assert every_count() == before
    assert not AgendaItem.objects.exists()
