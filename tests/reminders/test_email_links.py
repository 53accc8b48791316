"""Signed links in reminder emails: one person, one thing, one use, for a limited time."""

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing

from actions.models import RAG, Action, ActionUpdate
from committees.models import AgendaItem
from tracker.reminders import links, outbox
from tracker.reminders.ledger import Reminder, UsedLink

LONDON = ZoneInfo("Europe/London")
SITE = "https://scrutiny.example.test"


@pytest.fixture
def action(overdue_action):
    return overdue_action


@pytest.fixture
def report_item(february, dev):
    return AgendaItem.objects.create(
        meeting=february,
        position=1,
        title="Children's Social Care Performance",
        report_author=dev,
    )


def tampered(url: str) -> str:
    """The same link with the last character of its signature changed."""
    token = url.rstrip("/").rsplit("/", 1)[1]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    return url.replace(token, changed)


def update_form(**fields):
    return {"text": "Figures collated; going to the February meeting.", "rag": "AMBER", **fields}


# --- The action update link ------------------------------------------------------------------


def test_the_action_update_link_shows_a_form_for_the_owner(client, action):
    url = links.action_update_url(action, action.owner)
    assert url.startswith("/links/action/")

    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<form" in content
    assert "Update action CS (17/18) A01" in content
    assert "Recording as Dev Okafor" in content
    assert 'name="text"' in content
    assert 'name="rag"' in content


def test_posting_the_action_update_link_records_an_update_by_the_owner(client, action, dev):
    url = links.action_update_url(action, dev)

    response = client.post(url, update_form())

    assert response.status_code == 200
    update = ActionUpdate.objects.get()
    assert update.action == action
    assert update.text == "Figures collated; going to the February meeting."
    assert update.rag == RAG.AMBER
    assert update.recorded_by_person == dev
    assert update.recorded_by is None
    assert update.closes_action is False
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    assert UsedLink.objects.count() == 1


def test_an_action_update_link_works_only_once(client, action, dev):
    url = links.action_update_url(action, dev)
    assert client.post(url, update_form()).status_code == 200

    again = client.post(url, update_form(text="A second go."))

    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert ActionUpdate.objects.count() == 1
    assert client.get(url).status_code == 410


def test_a_tampered_action_link_is_refused_and_records_nothing(client, action, dev):
    url = tampered(links.action_update_url(action, dev))

    shown = client.get(url)
    posted = client.post(url, update_form())

    for response in (shown, posted):
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert ActionUpdate.objects.count() == 0
    assert UsedLink.objects.count() == 0


def test_a_link_for_another_action_cannot_be_forged_from_a_real_one(client, action, dev):
    real = links.action_update_url(action, dev)
    token = real.rstrip("/").rsplit("/", 1)[1]
    # Re-sign the same payload under the report link's salt: the signature must not carry over.
    forged_payload = signing.dumps({"action": action.pk, "person": dev.pk}, salt=links.REPORT_SALT)
    assert forged_payload != token

    response = client.post(f"/links/action/{forged_payload}/", update_form())

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert ActionUpdate.objects.count() == 0


def test_an_expired_action_link_is_refused(client, action, dev, monkeypatch):
    thirty_days_ago = time.time() - 30 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: thirty_days_ago)
        url = links.action_update_url(action, dev)

    shown = client.get(url)
    posted = client.post(url, update_form())

    for response in (shown, posted):
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    assert ActionUpdate.objects.count() == 0


def test_an_action_link_still_works_just_inside_its_lifetime(client, action, dev, monkeypatch):
    twenty_days_ago = time.time() - 20 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: twenty_days_ago)
        url = links.action_update_url(action, dev)

    assert client.post(url, update_form()).status_code == 200
    assert ActionUpdate.objects.count() == 1


def test_a_link_for_a_previous_owner_no_longer_works(client, action, dev, priya):
    url = links.action_update_url(action, dev)
    action.owner = priya
    action.save()

    shown = client.get(url)
    posted = client.post(url, update_form())

    for response in (shown, posted):
        assert response.status_code == 400
        assert "another owner" in response.content.decode()
    assert ActionUpdate.objects.count() == 0


def test_the_link_in_the_overdue_reminder_records_progress(client, action, dev):
    outbox.sweep(now=dt.datetime(2018, 1, 11, 9, 0, tzinfo=LONDON))
    (message,) = [m for m in mail.outbox if m.to == [dev.email]]
    (url,) = re.findall(rf"{re.escape(SITE)}(/links/action/\S+/)", message.body)

    response = client.post(url, update_form(rag="GREEN"))

    assert response.status_code == 200
    update = ActionUpdate.objects.get()
    assert update.recorded_by_person == dev
    assert update.rag == RAG.GREEN


# --- The report submitted link ---------------------------------------------------------------


def test_the_report_link_records_the_report_and_stops_its_reminders(client, report_item, dev):
    outbox.sweep(now=dt.datetime(2018, 1, 16, 9, 0, tzinfo=LONDON))
    (message,) = mail.outbox
    (url,) = re.findall(rf"{re.escape(SITE)}(/links/report/\S+/)", message.body)
    # The same signed payload (the signature's timestamp may fall in another second).
    expected = links.report_submission_url("item", report_item, dev)
    assert url.split(":")[0] == expected.split(":")[0]
    mail.outbox.clear()

    shown = client.get(url)
    assert shown.status_code == 200
    response = client.post(url)

    assert response.status_code == 200
    report_item.refresh_from_db()
    assert report_item.report_submitted_at is not None

    for day in (dt.date(2018, 1, 25), dt.date(2018, 1, 31)):
        outbox.sweep(now=dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON))
    assert mail.outbox == []
    assert Reminder.objects.count() == 1

    again = client.post(url)
    assert again.status_code == 410
    assert "already recorded as received" in again.content.decode()


def test_a_tampered_report_link_is_refused_and_records_nothing(client, report_item, dev):
    url = tampered(links.report_submission_url("item", report_item, dev))

    response = client.post(url)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    report_item.refresh_from_db()
    assert report_item.report_submitted_at is None
