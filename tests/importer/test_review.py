"""The review page at /import/: staff only, proposal beside the text, edits saved exactly."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url

from actions.models import Action, Resolution
from committees.models import AgendaItem, Committee, Meeting, WorkProgrammeTopic

WESTBROOK = Path(__file__).parent / "minutes" / "westbrook_cmis.html"


@pytest.fixture
def panel(authority):
    panel = Committee.objects.create(
        authority=authority,
        name="Children and Young People Scrutiny Panel",
        slug="cyp-panel",
        reference_prefix="CYP",
    )
    june = Meeting.objects.create(committee=panel, date=dt.date(2024, 6, 11))
    return panel, june


@pytest.fixture
def staff_client(client, priya):
    client.force_login(priya.user)
    return client


def upload(client, **extra):
    data = {
        "file": SimpleUploadedFile("minutes.html", WESTBROOK.read_bytes(), "text/html"),
        **extra,
    }
    return client.post("/import/", data)


def review_fields(response) -> dict:
    """The form as the officer would submit it untouched: every box ticked, every text kept."""
    import re

    html = response.content.decode()
    fields = {"proposal": re.search(r'name="proposal" value="([^"]+)"', html).group(1)}
    for name in re.findall(r'type="checkbox" name="([^"]+)"[^>]*checked', html):
        fields[name] = "on"
    for name, value in re.findall(r'type="text" name="([^"]+)" id="[^"]+" value="([^"]*)"', html):
        fields[name] = value.replace("&#x27;", "'").replace("&amp;", "&")
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields[name] = value.replace("&#x27;", "'").replace("&amp;", "&")
    return fields


def test_the_review_shows_the_proposal_beside_the_text(staff_client, panel):
    response = upload(staff_client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The minutes as read" in page and "What the tracker proposes" in page
    assert "Marcus Bell, Head of Youth Justice, introduced the plan." in page
    assert 'value="Youth Justice Plan 2024/25"' in page
    assert "the Head of Youth Justice arrange a visit to the Youth Hub for Members" in page.replace(
        "The Head", "the Head"
    )
    assert f'<option value="{panel[0].pk}" selected>' in page


def test_an_officer_unticks_a_resolution_edits_a_title_and_saves_exactly_that(
    staff_client, panel, priya
):
    committee, june = panel
    fields = review_fields(upload(staff_client))
    fields["committee"] = str(committee.pk)
    del fields["m0-item1-res1-keep"]  # not the visit: the officer knows it was dropped
    fields["m0-item1-title"] = "Youth Justice Plan"
    del fields["m0-un0-keep"]

    response = staff_client.post("/import/save/", fields)

    meeting = Meeting.objects.get(committee=committee, date=dt.date(2024, 3, 5))
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    items = list(meeting.items.order_by("position"))
    assert [(i.number, i.title, i.outcome) for i in items] == [
        (5, "Minutes of the previous meeting", "resolved"),
        (6, "Youth Justice Plan", "resolved"),
        (7, "Home to School Transport Review", "deferred"),
        (8, "Work Programme", "resolved"),
    ]
    plan = list(Resolution.objects.filter(agenda_item=items[1]).order_by("position"))
    assert [(r.number, r.position, r.text, r.kind) for r in plan] == [
        ("a", 1, "The Youth Justice Plan be noted", "note"),
        (
            "c",
            2,
            "A progress report be presented to the June 2024 meeting of the Panel.",
            "report_back",
        ),
    ]
    assert items[2].deferrals.get().to_meeting == june
    assert (
        WorkProgrammeTopic.objects.filter(title="Elective Home Education").get().target_meeting
        is None
    )
    action = Action.objects.get()
    assert (action.title, action.resolution, action.due_back_meeting) == (
        "A progress report be presented to the June 2024 meeting of the Panel.",
        plan[1],
        june,
    )
    assert action.history.get().history_user == priya.user
    assert items[1].history.first().history_user == priya.user
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Children and Young People Scrutiny Panel, 5 March 2024: created 1 meeting, 4 items, "
        "4 resolutions, 1 deferral, 1 work-programme topic, 1 action."
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/import/")
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/import/"
    assert client.post("/import/save/", {}).status_code == 302


@pytest.mark.parametrize("who", ["alan", "dev"])
def test_people_who_are_not_staff_get_a_404(client, who, request):
    person = request.getfixturevalue(who)
    client.force_login(person.user)
    assert client.get("/import/").status_code == 404
    assert client.post("/import/save/", {"proposal": "x"}).status_code == 404


def test_a_tampered_proposal_is_refused_and_nothing_saved(staff_client, panel):
    fields = review_fields(upload(staff_client))
    fields["committee"] = str(panel[0].pk)
    fields["proposal"] = fields["proposal"][:-3] + "AAA"
    response = staff_client.post("/import/save/", fields)
    assert response.status_code == 400
    assert (
        "The proposal could not be verified (it was altered or is incomplete), so nothing was saved"
        in response.content.decode()
    )
    assert not AgendaItem.objects.exists()


def test_an_empty_submission_shows_the_error_and_keeps_the_choice(staff_client, panel):
    response = staff_client.post("/import/", {"text": "   ", "committee": str(panel[0].pk)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Upload a file of minutes or paste their text." in page
    assert f'<option value="{panel[0].pk}" selected>' in page


def test_pasted_text_that_is_not_minutes_keeps_the_text_and_says_why(staff_client, panel):
    response = staff_client.post("/import/", {"text": "Shopping list: eggs, milk"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No minutes were found" in page
    assert "Shopping list: eggs, milk</textarea>" in page


def test_saving_without_a_committee_asks_for_one(staff_client, db):
    fields = review_fields(upload(staff_client))
    response = staff_client.post("/import/save/", fields)
    assert response.status_code == 400
    assert "Choose the committee these minutes belong to." in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_review_shows_dates_and_kinds_in_words_and_each_items_minutes(staff_client, panel):
    page = upload(staff_client).content.decode()
    assert "Tuesday 5 March 2024" in page
    assert "2024-03-05 at" not in page
    assert "Resolution c: A report to come back" in page
    assert "(report_back)" not in page
    assert "Where this item was read from (characters " in page
    assert '<button type="submit" class="button">Save</button>' in page


def test_the_officer_corrects_the_meeting_date_and_a_resolutions_kind(staff_client, panel):
    committee, _ = panel
    fields = review_fields(upload(staff_client))
    fields["committee"] = str(committee.pk)
    fields["m0-date"] = "2024-03-06"
    fields["m0-time"] = "18:30"
    fields["m0-item1-res0-kind"] = "action"

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 302
    meeting = Meeting.objects.get(committee=committee, date__lt=dt.date(2024, 6, 1))
    assert (meeting.date, meeting.start_time) == (dt.date(2024, 3, 6), dt.time(18, 30))
    noted = Resolution.objects.get(agenda_item__meeting=meeting, agenda_item__number=6, position=1)
    assert (noted.text, noted.kind) == ("The Youth Justice Plan be noted", "action")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("m0-date", "31/02/2024", "The date of the meeting &quot;31/02/2024&quot; is not a date"),
        ("m0-time", "half past six", "The start time &quot;half past six&quot; is not a time"),
        ("m0-item1-res0-kind", "decree", "&quot;decree&quot; is not a kind of resolution"),
    ],
)
def test_a_correction_that_cannot_be_used_is_a_400_that_says_why(
    staff_client, panel, field, value, message
):
    committee, _ = panel
    fields = review_fields(upload(staff_client))
    fields["committee"] = str(committee.pk)
    fields[field] = value

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.filter(committee=committee, date__lt=dt.date(2024, 6, 1)).exists()
