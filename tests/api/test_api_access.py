"""Who may do what through the API: one table of every endpoint and method against every role.

The roles: the anonymous public; Priya Shah (democratic services, staff); Alan Marsh, chair of
the Children's Services committee that owns every object below; Rosa Quinn, chair of the
Health committee; Dev Okafor, report author of the public item and owner of an action on it;
and Sam Ellis, signed in and nothing more.

Reads of what a role may not see answer 404; writes by the public 401; writes by a signed-in
user without the right 403 on what they can see and 404 on what they cannot. A router endpoint
or custom action missing from the table fails `test_the_table_covers_every_endpoint_and_action`.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.builders import ROLES, client_as
from tracker.api.urls import router

D = dt.date

# The five operations every model viewset answers, beside its custom actions.
STANDARD = ("list", "retrieve", "create", "partial_update", "update", "destroy")
METHOD = {
    "list": "get",
    "retrieve": "get",
    "create": "post",
    "partial_update": "patch",
    "update": "put",
    "destroy": "delete",
}


@dataclass(frozen=True)
class Row:
    endpoint: str  # the router prefix
    operation: str  # one of STANDARD, or a custom action's url_path
    target: str  # the world attribute of the object (detail routes), or "" for the list
    expected: tuple[int, ...]  # in ROLES order
    data: Any = None  # a function of the world giving the body, for writes
    note: str = ""

    @property
    def id(self):
        suffix = f"[{self.note}]" if self.note else ""
        return f"{self.endpoint}:{self.operation}{suffix}"

    def url(self, w) -> str:
        base = f"/api/{self.endpoint}/"
        if self.operation in ("list", "create"):
            return base
        obj = getattr(w, self.target)
        key = obj.slug if self.endpoint == "committees" else obj.pk
        if self.operation in STANDARD:
            return f"{base}{key}/"
        return f"{base}{key}/{self.operation}/"

    def method(self) -> str:
        return METHOD.get(self.operation, "post")


#            anonymous staff chair other  owner stranger
READ_ALL = (200, 200, 200, 200, 200, 200)
STAFF_ONLY = (401, 201, 403, 403, 403, 403)
STAFF_CHANGES = (401, 200, 403, 403, 403, 403)
STEERED_CREATE = (401, 201, 201, 403, 403, 403)
STEERED_CHANGE = (401, 200, 200, 403, 403, 403)
STEERED_CONFLICT = (401, 409, 409, 403, 403, 403)
STEERED_DELETE = (401, 204, 204, 403, 403, 403)
HIDDEN_READ = (404, 200, 200, 404, 404, 404)  # exempt content: staff and its chair only
HIDDEN_CHANGE = (401, 200, 200, 404, 404, 404)
NOT_ALLOWED = (401, 405, 405, 405, 405, 405)  # a method the endpoint does not offer
READ_ONLY_NOT_ALLOWED = (405, 405, 405, 405, 405, 405)
STAFF_LEDGER = (401, 200, 403, 403, 403, 403)
STAFF_LEDGER_WRITE = (401, 405, 403, 403, 403, 403)


def committee_body(w):
    return {
        "authority": w.authority.pk,
        "name": "Children's Services Overview and Scrutiny Committee",
        "slug": "childrens-services",
        "short_name": "Children's O&S",
        "kind": "committee",
        "reference_prefix": "CS",
        "remit": "Children's social care, schools and youth services.",
        "is_published": True,
    }


def meeting_body(w):
    return {"committee": w.committee.pk, "date": "2018-02-13", "start_time": "18:30:00"}


def item_body(w):
    return {"meeting": w.december.pk, "number": 20, "position": 1, "title": "Placement moves"}


def action_body(w):
    return {
        "committee": "childrens-services",
        "title": "Provide figures on placement moves for under-fives and over-fives",
        "owner": w.dev.pk,
        "due_date": "2018-02-28",
    }


TABLE = [
    # --- authorities: reference data kept by staff
    Row("authorities", "list", "", READ_ALL),
    Row("authorities", "retrieve", "authority", READ_ALL),
    Row("authorities", "create", "", STAFF_ONLY, lambda w: {"name": "Lakeside", "slug": "lake"}),
    Row(
        "authorities",
        "partial_update",
        "authority",
        STAFF_CHANGES,
        lambda w: {"report_deadline_working_days": 8},
    ),
    Row(
        "authorities",
        "update",
        "authority",
        STAFF_CHANGES,
        lambda w: {
            "name": "Riverside Borough Council",
            "slug": "riverside",
            "report_deadline_working_days": 8,
            "agenda_clear_working_days": 5,
        },
    ),
    Row("authorities", "destroy", "spare_authority", (401, 204, 403, 403, 403, 403)),
    Row("authorities", "destroy", "authority", (401, 409, 403, 403, 403, 403), note="in use"),
    # --- committees: staff add and remove them; the chair may edit their own
    Row("committees", "list", "", READ_ALL),
    Row("committees", "retrieve", "committee", READ_ALL),
    Row(
        "committees",
        "create",
        "",
        STAFF_ONLY,
        lambda w: {
            "authority": w.authority.pk,
            "name": "Adult Social Care Scrutiny Panel",
            "slug": "adult-social-care",
            "kind": "panel",
            "reference_prefix": "AS",
        },
    ),
    Row(
        "committees",
        "partial_update",
        "committee",
        STEERED_CHANGE,
        lambda w: {"remit": "Children's social care and schools."},
    ),
    Row("committees", "update", "committee", STEERED_CHANGE, committee_body),
    Row("committees", "destroy", "committee", (401, 409, 403, 403, 403, 403)),
    # --- people: the public sees those named on published committees only
    Row("people", "list", "", READ_ALL),
    Row("people", "retrieve", "kim", READ_ALL),
    Row("people", "retrieve", "dev", (404, 200, 200, 200, 200, 200), note="on no committee"),
    Row("people", "create", "", STAFF_ONLY, lambda w: {"name": "Jo Pike"}),
    Row("people", "partial_update", "kim", STAFF_CHANGES, lambda w: {"job_title": "Ward member"}),
    Row(
        "people",
        "update",
        "kim",
        STAFF_CHANGES,
        lambda w: {
            "name": "Kim Ward",
            "email": "kim.ward@riverside.example",
            "is_councillor": True,
        },
    ),
    Row("people", "destroy", "spare_person", (401, 204, 403, 403, 403, 403)),
    Row("people", "destroy", "kim", (401, 409, 403, 403, 403, 403), note="a member"),
    # --- memberships: staff only
    Row("memberships", "list", "", READ_ALL),
    Row("memberships", "retrieve", "kim_sits", READ_ALL),
    Row(
        "memberships",
        "create",
        "",
        STAFF_ONLY,
        lambda w: {
            "committee": w.committee.pk,
            "person": w.dev.pk,
            "role": "co_opted_non_voting",
            "start_date": "2017-06-01",
        },
    ),
    Row(
        "memberships",
        "partial_update",
        "kim_sits",
        STAFF_CHANGES,
        lambda w: {"end_date": "2018-01-31", "end_reason": "Resigned"},
    ),
    Row(
        "memberships",
        "update",
        "kim_sits",
        STAFF_CHANGES,
        lambda w: {
            "committee": w.committee.pk,
            "person": w.kim.pk,
            "role": "vice_chair",
            "start_date": "2017-05-20",
        },
    ),
    Row("memberships", "destroy", "kim_sits", (401, 204, 403, 403, 403, 403)),
    # --- meetings: staff and the committee's chairs
    Row("meetings", "list", "", READ_ALL),
    Row("meetings", "retrieve", "december", READ_ALL),
    Row(
        "meetings",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {"committee": w.committee.pk, "date": "2018-03-13", "venue": "Council Chamber"},
    ),
    Row("meetings", "partial_update", "february", STEERED_CHANGE, lambda w: {"venue": "Room 2"}),
    Row("meetings", "update", "february", STEERED_CHANGE, meeting_body),
    Row("meetings", "destroy", "december", STEERED_CONFLICT, note="has items"),
    # --- agenda items: exempt ones are listed to everyone as shells
    Row("agenda-items", "list", "", READ_ALL),
    Row("agenda-items", "retrieve", "public_item", READ_ALL),
    Row("agenda-items", "retrieve", "exempt_item", READ_ALL, note="a shell"),
    Row(
        "agenda-items",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {"meeting": w.february.pk, "number": 30, "title": "Youth offending service"},
    ),
    Row(
        "agenda-items",
        "partial_update",
        "public_item",
        STEERED_CHANGE,
        lambda w: {"description": "Revised."},
    ),
    Row(
        "agenda-items",
        "partial_update",
        "exempt_item",
        STEERED_CHANGE,
        lambda w: {"minutes": "Revised."},
        note="exempt",
    ),
    Row("agenda-items", "update", "public_item", STEERED_CHANGE, item_body),
    Row("agenda-items", "destroy", "public_item", STEERED_CONFLICT, note="has resolutions"),
    Row(
        "agenda-items",
        "defer",
        "public_item",
        STEERED_CREATE,
        lambda w: {"to_meeting": w.february.pk, "reason": "The report was not ready."},
    ),
    Row(
        "agenda-items",
        "outcome",
        "public_item",
        STEERED_CHANGE,
        lambda w: {"outcome": "noted"},
    ),
    Row("agenda-items", "report-submitted", "public_item", (401, 200, 200, 403, 200, 403)),
    Row(
        "agenda-items",
        "report-submitted",
        "exempt_item",
        STEERED_CHANGE,
        note="exempt, not Dev's",
    ),
    # --- work programmes: made and removed, never edited
    Row("work-programmes", "list", "", READ_ALL),
    Row("work-programmes", "retrieve", "programme", READ_ALL),
    Row(
        "work-programmes",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {"committee": w.committee.pk, "municipal_year": w.year_1819.pk},
    ),
    Row("work-programmes", "partial_update", "programme", NOT_ALLOWED, lambda w: {}),
    Row("work-programmes", "update", "programme", NOT_ALLOWED, lambda w: {}),
    Row("work-programmes", "destroy", "programme", STEERED_CONFLICT, note="topics were deferred"),
    # --- topics
    Row("topics", "list", "", READ_ALL),
    Row("topics", "retrieve", "topic", READ_ALL),
    Row(
        "topics",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {"work_programme": w.programme.pk, "title": "CAMHS waiting times"},
    ),
    Row("topics", "partial_update", "topic", STEERED_CHANGE, lambda w: {"description": "All ages"}),
    Row(
        "topics",
        "update",
        "topic",
        STEERED_CHANGE,
        lambda w: {
            "work_programme": w.programme.pk,
            "title": "Review of Children's Centres",
            "target_meeting": w.february.pk,
            "status": "deferred",
        },
    ),
    Row("topics", "destroy", "topic", STEERED_CONFLICT, note="has a deferral"),
    Row(
        "topics",
        "defer",
        "topic",
        STEERED_CREATE,
        lambda w: {"to_text": "the new municipal year", "reason": "Consultation extended."},
    ),
    Row(
        "topics",
        "move",
        "topic",
        STEERED_CHANGE,
        lambda w: {"to_meeting": None, "reason": "Consultation extended."},
    ),
    Row("topics", "withdraw", "topic", STEERED_CHANGE),
    Row("topics", "report-submitted", "topic", (401, 200, 200, 403, 200, 403)),
    # --- deferrals: read-only history, as confidential as the item they were decided on
    Row("deferrals", "list", "", READ_ALL),
    Row("deferrals", "retrieve", "topic_deferral", READ_ALL),
    Row("deferrals", "retrieve", "exempt_deferral", HIDDEN_READ, note="of the exempt item"),
    Row("deferrals", "create", "", READ_ONLY_NOT_ALLOWED, lambda w: {}),
    Row("deferrals", "partial_update", "topic_deferral", READ_ONLY_NOT_ALLOWED, lambda w: {}),
    Row("deferrals", "update", "topic_deferral", READ_ONLY_NOT_ALLOWED, lambda w: {}),
    Row("deferrals", "destroy", "topic_deferral", READ_ONLY_NOT_ALLOWED),
    # --- resolutions
    Row("resolutions", "list", "", READ_ALL),
    Row("resolutions", "retrieve", "recommendation", READ_ALL),
    Row("resolutions", "retrieve", "exempt_resolution", HIDDEN_READ, note="exempt"),
    Row(
        "resolutions",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {
            "agenda_item": w.public_item.pk,
            "position": 3,
            "number": "3",
            "text": "That the committee receive an update in March.",
            "kind": "report_back",
        },
    ),
    Row(
        "resolutions",
        "partial_update",
        "recommendation",
        STEERED_CHANGE,
        lambda w: {"number": "1a"},
    ),
    Row(
        "resolutions",
        "partial_update",
        "exempt_resolution",
        HIDDEN_CHANGE,
        lambda w: {"number": "1a"},
        note="exempt",
    ),
    Row(
        "resolutions",
        "update",
        "recommendation",
        STEERED_CHANGE,
        lambda w: {
            "agenda_item": w.public_item.pk,
            "position": 1,
            "number": "1",
            "text": "That Cabinet fund three more foster-care support workers.",
            "kind": "recommendation",
        },
    ),
    Row("resolutions", "destroy", "recommendation", STEERED_CONFLICT, note="has actions"),
    Row(
        "resolutions",
        "destroy",
        "exempt_resolution",
        (401, 409, 409, 404, 404, 404),
        note="exempt",
    ),
    # --- actions: the owner reads and records progress; the chair signs off
    Row("actions", "list", "", READ_ALL),
    Row("actions", "retrieve", "dev_action", READ_ALL),
    Row("actions", "retrieve", "exempt_action", HIDDEN_READ, note="exempt"),
    Row("actions", "create", "", STEERED_CREATE, action_body),
    Row(
        "actions",
        "partial_update",
        "dev_action",
        STEERED_CHANGE,
        lambda w: {"due_date": "2018-02-28"},
    ),
    Row(
        "actions",
        "partial_update",
        "exempt_action",
        HIDDEN_CHANGE,
        lambda w: {"due_date": "2018-02-28"},
        note="exempt",
    ),
    Row("actions", "update", "spare_action", STEERED_CHANGE, action_body),
    Row("actions", "destroy", "spare_action", STEERED_DELETE),
    Row("actions", "destroy", "dev_action", STEERED_CONFLICT, note="has progress"),
    Row(
        "actions",
        "sign-off",
        "dev_action",
        STEERED_CHANGE,
        lambda w: {"text": "Figures circulated to members on 2 February."},
    ),
    Row(
        "actions",
        "sign-off",
        "exempt_action",
        HIDDEN_CHANGE,
        lambda w: {"text": "Notice served."},
        note="exempt",
    ),
    Row(
        "actions",
        "withdraw",
        "dev_action",
        STEERED_CHANGE,
        lambda w: {"text": "Superseded by the annual report."},
    ),
    Row(
        "actions",
        "reopen",
        "closed_action",
        STEERED_CHANGE,
        lambda w: {"text": "The agency has not replied."},
    ),
    # --- action updates: added, never edited
    Row("action-updates", "list", "", READ_ALL),
    Row("action-updates", "retrieve", "dev_update", READ_ALL),
    Row("action-updates", "retrieve", "exempt_update", HIDDEN_READ, note="exempt"),
    Row(
        "action-updates",
        "create",
        "",
        (401, 201, 201, 403, 201, 403),
        lambda w: {
            "action": w.dev_action.pk,
            "text": "Figures are with the data team.",
            "rag": "GREEN",
        },
    ),
    Row(
        "action-updates",
        "create",
        "",
        (401, 201, 201, 400, 400, 400),
        lambda w: {"action": w.exempt_action.pk, "text": "Notice is ready.", "rag": "AMBER"},
        note="on the exempt action",
    ),
    Row("action-updates", "partial_update", "dev_update", NOT_ALLOWED, lambda w: {"text": "x"}),
    Row("action-updates", "update", "dev_update", NOT_ALLOWED, lambda w: {"text": "x"}),
    Row("action-updates", "destroy", "dev_update", NOT_ALLOWED),
    # --- executive responses
    Row("executive-responses", "list", "", READ_ALL),
    Row("executive-responses", "retrieve", "response", READ_ALL),
    Row(
        "executive-responses",
        "create",
        "",
        STEERED_CREATE,
        lambda w: {"resolution": w.spare_recommendation.pk, "referred_on": "2018-01-15"},
    ),
    Row(
        "executive-responses",
        "partial_update",
        "response",
        STEERED_CHANGE,
        lambda w: {"executive_body": "Cabinet Member for Children"},
    ),
    Row(
        "executive-responses",
        "update",
        "response",
        STEERED_CHANGE,
        lambda w: {"executive_body": "Cabinet", "referred_on": "2018-01-16"},
    ),
    Row("executive-responses", "destroy", "response", STEERED_DELETE),
    Row(
        "executive-responses",
        "respond",
        "response",
        STEERED_CHANGE,
        lambda w: {"decision": "accepted", "responded_on": "2018-03-01", "text": "Funded."},
    ),
    # --- the reminder ledger: staff only, read-only
    Row("reminders", "list", "", STAFF_LEDGER),
    Row("reminders", "retrieve", "reminder", STAFF_LEDGER),
    Row("reminders", "create", "", STAFF_LEDGER_WRITE, lambda w: {}),
    Row("reminders", "partial_update", "reminder", STAFF_LEDGER_WRITE, lambda w: {}),
    Row("reminders", "update", "reminder", STAFF_LEDGER_WRITE, lambda w: {}),
    Row("reminders", "destroy", "reminder", STAFF_LEDGER_WRITE),
]


class Undo(Exception):
    """Raised to roll one role's request back, so the next role meets the same world."""


def answer(client: APIClient, row: Row, w) -> int:
    body = row.data(w) if row.data else None
    call = getattr(client, row.method())
    response = call(row.url(w), body, format="json") if body is not None else call(row.url(w))
    return response.status_code


def test_the_table_covers_every_endpoint_and_action():
    wanted = set()
    for prefix, viewset, _basename in router.registry:
        wanted.update((prefix, operation) for operation in STANDARD)
        for extra in viewset.get_extra_actions():
            wanted.add((prefix, extra.url_path))
    covered = {(row.endpoint, row.operation) for row in TABLE}
    assert sorted(wanted - covered) == []
    assert sorted(covered - wanted) == []


def test_every_row_names_an_expectation_for_every_role():
    assert [row.id for row in TABLE if len(row.expected) != len(ROLES)] == []
    assert len({row.id for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.id)
def test_each_role_gets_the_expected_answer(world, row):
    got = {}
    for role in ROLES:
        try:
            with transaction.atomic():
                got[role] = answer(client_as(world, role), row, world)
                raise Undo
        except Undo:
            pass
    assert got == dict(zip(ROLES, row.expected, strict=True))


# --- Token and session authentication ------------------------------------------------------


def test_a_token_obtained_with_a_password_opens_what_its_user_may_see(world):
    public = APIClient()
    obtained = public.post(
        "/api/auth/token/", {"username": "alan", "password": "alan-pass"}, format="json"
    )
    assert obtained.status_code == 200
    assert obtained.data == {"token": world.tokens["chair"]}

    chair = APIClient()
    chair.credentials(HTTP_AUTHORIZATION=f"Token {obtained.data['token']}")
    found = chair.get(f"/api/resolutions/{world.exempt_resolution.pk}/")
    assert found.status_code == 200
    assert found.data["reference"] == "CS (17/18) 03"
    assert public.get(f"/api/resolutions/{world.exempt_resolution.pk}/").status_code == 404


def test_a_wrong_password_gets_no_token(world):
    refused = APIClient().post(
        "/api/auth/token/", {"username": "alan", "password": "guess"}, format="json"
    )
    assert refused.status_code == 400
    assert "token" not in refused.data


def test_an_unknown_token_is_refused_not_treated_as_anonymous(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert client.get("/api/committees/").status_code == 401


def test_a_session_signed_in_chair_sees_and_signs_off_like_a_token_holder(world):
    client = APIClient()
    assert client.login(username="alan", password="alan-pass")
    assert client.get(f"/api/actions/{world.exempt_action.pk}/").status_code == 200
    signed = client.post(
        f"/api/actions/{world.dev_action.pk}/sign-off/",
        {"text": "Figures circulated to members."},
        format="json",
    )
    assert signed.status_code == 200
    assert signed.data["status"] == "completed"


def test_a_session_signed_in_stranger_is_refused_sign_off(world):
    client = APIClient()
    client.force_login(world.sam.user)
    refused = client.post(
        f"/api/actions/{world.dev_action.pk}/sign-off/", {"text": "Done."}, format="json"
    )
    assert refused.status_code == 403
    assert client.get(f"/api/actions/{world.exempt_action.pk}/").status_code == 404


def test_a_session_write_without_the_csrf_token_is_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.priya.user)
    refused = client.patch(
        f"/api/meetings/{world.february.pk}/", {"venue": "Room 9"}, format="json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.data["detail"]
    world.february.refresh_from_db()
    assert world.february.venue == "Committee Room 1"


def test_an_anonymous_write_is_told_how_to_authenticate(world):
    refused = APIClient().post("/api/meetings/", {"committee": world.committee.pk}, format="json")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_a_chair_who_stepped_down_loses_the_exempt_item(world):
    world.alan_chairs.end_date = D(2018, 1, 31)
    world.alan_chairs.end_reason = "Stood down"
    world.alan_chairs.save()
    chair = client_as(world, "chair")
    assert chair.get(f"/api/resolutions/{world.exempt_resolution.pk}/").status_code == 404
    shell = chair.get(f"/api/agenda-items/{world.exempt_item.pk}/")
    assert (shell.data["readable"], shell.data["minutes"]) == (False, None)
