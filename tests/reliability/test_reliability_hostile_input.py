"""Hostile input: minutes files of random bytes, huge files, deeply nested or malformed HTML;
API payloads with wrong types and oversized strings. Each gets a clear refusal, never a server
error, and nothing is saved. Runs on SQLite and PostgreSQL alike.
"""

import json
import random

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from actions.models import Action, ActionUpdate
from committees.models import AgendaItem, Deferral, Meeting, Person
from tracker.reminders.ledger import Reminder

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

MB = 1024 * 1024


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Action, ActionUpdate, AgendaItem, Deferral, Meeting, Person, Reminder)
    }


def hostile_files():
    rng = random.Random(7)
    nested = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"
    return {
        "random bytes": bytes(rng.getrandbits(8) for _ in range(256 * 1024)),
        "20 MB of text": b"Minutes of the meeting " * (20 * MB // 23),
        "deeply nested HTML": nested.encode(),
        "malformed HTML": b"<html><body><p><b><i>RESOLVED <table><tr><td>1. That<<<>>></p></i>"
        b"<script>alert(1)</script><!-- unclosed",
        "NUL bytes": b"\x00" * 4096,
        "empty": b"",
        "a PDF that is not one": b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(4096)),
        "a .docx that is not one": b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(4096)),
    }


@pytest.mark.parametrize("name", list(hostile_files()))
def test_hostile_minutes_are_refused_clearly_and_nothing_is_saved(name, tmp_path, committee):
    reading = pytest.importorskip("tracker.importer.reading")
    parsing = pytest.importorskip("tracker.importer.parsing")
    data = hostile_files()[name]
    before = counts()
    try:
        parsing.propose(reading.read_minutes(data, f"{name}.html"))
    except reading.MinutesError as exc:
        assert str(exc).strip(), "a refusal must say why"
    path = tmp_path / "minutes.html"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_minutes", str(path), committee=committee.slug)
    assert str(refused.value).strip()
    assert counts() == before


@pytest.fixture
def staff(priya):
    client = APIClient()
    client.force_authenticate(priya.user)
    return client


HUGE = "x" * MB


def payloads(committee, december, december_item, dev):
    return [
        ("/api/actions/", {"committee": committee.slug, "title": HUGE}),
        ("/api/actions/", {"committee": committee.slug, "title": ["a", "list"]}),
        ("/api/actions/", {"committee": committee.slug, "title": "T", "due_date": "tomorrow"}),
        ("/api/actions/", {"committee": committee.slug, "title": "T", "owner": "Dev"}),
        ("/api/actions/", {"committee": {"slug": committee.slug}, "title": "T"}),
        ("/api/actions/", {"committee": committee.slug, "title": "T", "owner": 10**30}),
        ("/api/meetings/", {"committee": committee.slug, "date": "2018-13-45"}),
        ("/api/meetings/", {"committee": committee.slug, "date": "2018-03-13", "venue": HUGE}),
        ("/api/meetings/", {"committee": committee.slug, "date": True}),
        ("/api/people/", {"name": HUGE, "email": "a@b.example"}),
        ("/api/people/", {"name": "A", "email": "not an address" * 1000}),
        ("/api/action-updates/", {"action": "one", "text": "x", "rag": "PURPLE"}),
        ("/api/action-updates/", {"action": None, "text": HUGE, "progress": 99}),
        (f"/api/agenda-items/{december_item.pk}/defer/", {"to_meeting": "next", "reason": ""}),
        (f"/api/agenda-items/{december_item.pk}/defer/", {"to_text": HUGE, "reason": 7}),
        ("/api/actions/", [{"committee": committee.slug, "title": "a list, not an object"}]),
        ("/api/actions/", {"committee": committee.slug, "title": "T", "unknown": 1}),
    ]


def test_hostile_api_payloads_are_400s_with_errors_and_save_nothing(
    staff, committee, december, december_item, dev
):
    before = counts()
    for path, payload in payloads(committee, december, december_item, dev):
        response = staff.post(path, payload, format="json")
        assert response.status_code == 400, (path, str(payload)[:120], response.status_code)
        body = response.json()
        assert body, f"{path}: a 400 must say what is wrong"
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"title": "x" * (3 * MB)}).encode(),
    ],
    ids=["malformed JSON", "not UTF-8", "deeply nested JSON", "3 MB body"],
)
def test_unreadable_request_bodies_are_client_errors_not_server_errors(staff, committee, body):
    before = counts()
    response = staff.generic("POST", "/api/actions/", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code
    assert counts() == before
