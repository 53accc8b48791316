"""Creating and changing things through the API: exact values on success, a 400 naming the
field for bad input and impossible states (the admin's own model rules), nothing half-saved
when a request fails, the same reminders as the admin, and the rate limits."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from actions.models import Action, ActionUpdate, ExecutiveResponse
from committees.models import AgendaItem, Deferral, Meeting, WorkProgrammeTopic
from tests.builders import client_as

D = dt.date


@pytest.fixture
def staff(world):
    return client_as(world, "staff")


def history_rows() -> int:
    return sum(
        model.history.count()
        for model in (Meeting, AgendaItem, WorkProgrammeTopic, Deferral, Action, ActionUpdate)
    )


# --- Creating and changing ---------------------------------------------------------------


def test_a_meeting_is_created_with_its_working_day_dates(world, staff):
    created = staff.post(
        "/api/meetings/",
        {
            "committee": world.committee.slug,
            "date": "2018-03-13",
            "start_time": "19:00",
            "venue": "Council Chamber",
        },
        format="json",
    )
    assert created.status_code == 201
    assert {k: v for k, v in created.data.items() if k != "id"} == {
        "committee": "childrens-services",
        "committee_id": world.committee.pk,
        "municipal_year": "2017/18",
        "date": "2018-03-13",
        "start_time": "19:00:00",
        "venue": "Council Chamber",
        "status": "scheduled",
        "is_published": True,
        "report_deadline": "2018-02-27",
        "report_deadline_override": None,
        "agenda_publication_date": "2018-03-05",
    }


def test_an_action_takes_its_committee_and_reference_from_its_resolution(world):
    created = client_as(world, "chair").post(
        "/api/actions/",
        {
            "resolution": world.spare_recommendation.pk,
            "title": "Cost the fostering allowances",
            "owner": world.dev.pk,
            "due_back_meeting": world.february.pk,
        },
        format="json",
    )
    assert created.status_code == 201
    assert (
        created.data["reference"],
        created.data["committee"],
        created.data["agenda_item"],
        created.data["due_on"],
        created.data["status"],
        created.data["latest_rag"],
    ) == ("CS (17/18) A05", "childrens-services", world.public_item.pk, "2018-02-13", "open", None)


def test_every_resource_names_its_committee_by_slug_with_its_id_beside(world, staff):
    """`committee` is the slug in every resource and `committee_id` the id; a meeting,
    membership or work programme still takes the id in place of the slug (older clients)."""
    for prefix in ("meetings", "memberships", "work-programmes", "topics", "resolutions"):
        row = staff.get(f"/api/{prefix}/").data["results"][0]
        assert isinstance(row["committee"], str), prefix
        assert isinstance(row["committee_id"], int), prefix
    by_id = staff.post(
        "/api/meetings/", {"committee": world.committee.pk, "date": "2018-03-20"}, format="json"
    )
    assert (by_id.status_code, by_id.data["committee"]) == (201, "childrens-services")
    unknown = staff.post(
        "/api/meetings/", {"committee": "no-such-committee", "date": "2018-03-20"}, format="json"
    )
    assert (unknown.status_code, list(unknown.data)) == (400, ["committee"])
    superscript = staff.post(
        "/api/meetings/", {"committee": "²", "date": "2018-03-20"}, format="json"
    )
    assert (superscript.status_code, list(superscript.data)) == (400, ["committee"])


def test_a_chair_renames_their_committees_remit(world):
    changed = client_as(world, "chair").patch(
        "/api/committees/childrens-services/",
        {"remit": "Children's social care, schools and youth justice."},
        format="json",
    )
    assert changed.status_code == 200
    world.committee.refresh_from_db()
    assert world.committee.remit == "Children's social care, schools and youth justice."


def test_a_chair_may_not_move_a_meeting_to_a_committee_they_do_not_steer(world):
    moved = client_as(world, "chair").patch(
        f"/api/meetings/{world.february.pk}/", {"committee": world.health.pk}, format="json"
    )
    assert moved.status_code == 403
    world.february.refresh_from_db()
    assert world.february.committee == world.committee


# --- Bad input ---------------------------------------------------------------------------


def test_an_unknown_field_is_a_400_naming_it(world, staff):
    refused = staff.post(
        "/api/actions/",
        {"committee": "childrens-services", "title": "x", "colour": "red"},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.data) == ["colour"]
    assert Action.objects.filter(title="x").count() == 0


def test_an_unknown_field_in_a_defer_is_a_400_naming_it(world, staff):
    refused = staff.post(
        f"/api/agenda-items/{world.public_item.pk}/defer/",
        {"to_meeting": world.february.pk, "reason": "Late.", "urgent": True},
        format="json",
    )
    assert (refused.status_code, list(refused.data)) == (400, ["urgent"])


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/meetings/", {"date": "next Tuesday"}, "date"),
        ("/api/meetings/", {"start_time": 1900}, "start_time"),
        ("/api/agenda-items/", {"number": "twenty"}, "number"),
        ("/api/agenda-items/", {"title": "T" * 301}, "title"),
        ("/api/actions/", {"due_date": "soon"}, "due_date"),
        ("/api/actions/", {"owner": "Dev"}, "owner"),
        ("/api/actions/", {"committee": "no-such-committee"}, "committee"),
        ("/api/action-updates/", {"rag": "PURPLE"}, "rag"),
        ("/api/action-updates/", {"progress": 6}, "progress"),
        ("/api/authorities/", {"report_deadline_working_days": 0}, "report_deadline_working_days"),
        ("/api/authorities/", {"agenda_clear_working_days": 4}, "agenda_clear_working_days"),
    ],
)
def test_a_malformed_value_is_a_400_naming_its_field(world, staff, url, body, field):
    valid = {
        "/api/meetings/": {"committee": world.committee.pk, "date": "2018-04-10"},
        "/api/agenda-items/": {"meeting": world.february.pk, "title": "Youth justice"},
        "/api/actions/": {"committee": "childrens-services", "title": "Write to the trust"},
        "/api/action-updates/": {"action": world.dev_action.pk, "text": "Under way."},
        "/api/authorities/": {"name": "Lakeside", "slug": "lakeside"},
    }[url]
    refused = staff.post(url, {**valid, **body}, format="json")
    assert refused.status_code == 400
    assert list(refused.data) == [field]
    assert staff.post(url, valid, format="json").status_code == 201


def test_a_body_that_is_not_an_object_is_a_400(world, staff):
    refused = staff.post("/api/meetings/", [1, 2, 3], format="json")
    assert refused.status_code == 400
    assert list(refused.data) == ["non_field_errors"]


def test_an_exempt_item_needs_its_paragraph_and_public_title(world, staff):
    refused = staff.post(
        "/api/agenda-items/",
        {"meeting": world.february.pk, "title": "Contract award", "is_exempt": True},
        format="json",
    )
    assert refused.status_code == 400
    assert sorted(refused.data) == ["exempt_paragraph", "public_title"]
    assert AgendaItem.objects.filter(title="Contract award").count() == 0


def test_an_exempt_item_cannot_lose_its_paragraph_by_patch(world, staff):
    refused = staff.patch(
        f"/api/agenda-items/{world.exempt_item.pk}/", {"exempt_paragraph": None}, format="json"
    )
    assert (refused.status_code, list(refused.data)) == (400, ["exempt_paragraph"])


def test_a_deferral_to_an_earlier_meeting_is_refused_and_leaves_nothing(world, staff):
    november = Meeting.objects.create(committee=world.committee, date=D(2017, 11, 14))
    before = (WorkProgrammeTopic.objects.count(), Deferral.objects.count(), history_rows())
    refused = staff.post(
        f"/api/agenda-items/{world.public_item.pk}/defer/",
        {"to_meeting": november.pk, "reason": "Not ready."},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.data["to_meeting"] == [
        "A deferral must move to a later meeting: 14 November 2017 is not after 12 December 2017."
    ]
    # The topic the service made for the item before the rule refused it went too.
    assert (WorkProgrammeTopic.objects.count(), Deferral.objects.count(), history_rows()) == before
    world.public_item.refresh_from_db()
    assert (world.public_item.topic, world.public_item.outcome) == (None, "none")
    assert mail.outbox == []


def test_a_deferral_to_another_committees_meeting_is_refused(world, staff):
    refused = staff.post(
        f"/api/agenda-items/{world.public_item.pk}/defer/",
        {"to_meeting": world.health_meeting.pk, "reason": "Wrong committee."},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.data) == ["to_meeting"]


def test_a_due_back_meeting_of_another_committee_must_be_meant(world, staff):
    body = {
        "agenda_item": world.public_item.pk,
        "title": "Report to Health on CAMHS referrals",
        "due_back_meeting": world.health_meeting.pk,
    }
    refused = staff.post("/api/actions/", body, format="json")
    assert (refused.status_code, list(refused.data)) == (400, ["due_back_meeting"])
    # Due back on 14 December, after the 12 December meeting it arose at, and deliberately elsewhere.
    meant = staff.post("/api/actions/", {**body, "due_back_elsewhere": True}, format="json")
    assert meant.status_code == 201
    assert meant.data["due_on"] == "2017-12-14"


def test_a_patch_of_status_does_not_close_an_action(world, staff):
    patched = staff.patch(
        f"/api/actions/{world.dev_action.pk}/",
        {"status": "completed", "closed_on": "2018-01-31"},
        format="json",
    )
    how = (
        "This changes only as an event: close, withdraw or reopen the action with POST "
        "/api/actions/<id>/sign-off/, .../withdraw/ or .../reopen/."
    )
    assert (patched.status_code, patched.data) == (400, {"status": [how], "closed_on": [how]})
    world.dev_action.refresh_from_db()
    assert (world.dev_action.status, world.dev_action.closed_on) == ("open", None)


def test_a_failed_write_leaves_no_row_and_no_history(world, staff):
    before = (Meeting.objects.count(), history_rows())
    clash = staff.post(
        "/api/meetings/", {"committee": world.committee.pk, "date": "2017-12-12"}, format="json"
    )
    assert clash.status_code == 400
    assert (Meeting.objects.count(), history_rows()) == before


# --- The actions on things, through the same services ------------------------------------


def test_deferring_an_item_emails_its_author_once_committed(
    world, staff, django_capture_on_commit_callbacks, set_clock
):
    set_clock(dt.datetime(2017, 12, 12, 21, 30, tzinfo=dt.UTC))  # the evening of the meeting
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deferred = staff.post(
            f"/api/agenda-items/{world.public_item.pk}/defer/",
            {"to_meeting": world.february.pk, "reason": "The data was late."},
            format="json",
        )
        assert mail.outbox == []  # nothing before the commit
    assert deferred.status_code == 201
    # The deferral's email, and the API cache's invalidation.
    assert callbacks  # the email waited for the commit (other work may wait for it too)
    assert (
        deferred.data["from_meeting"],
        deferred.data["to_meeting"],
        deferred.data["reason"],
    ) == (
        world.december.pk,
        world.february.pk,
        "The data was late.",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["dev@riverside.example"],
            "Deferred to 13 February 2018: Placement Stability Update (Children's Services O&S)",
        )
    ]
    world.public_item.refresh_from_db()
    assert world.public_item.outcome == "deferred"


def test_an_author_records_their_report_as_submitted(world):
    recorded = client_as(world, "owner").post(
        f"/api/agenda-items/{world.public_item.pk}/report-submitted/"
    )
    assert recorded.status_code == 200
    assert recorded.data["report_submitted_at"] is not None
    world.public_item.refresh_from_db()
    assert world.public_item.report_submitted_at is not None


def test_sign_off_closes_the_action_with_a_completed_update(world):
    signed = client_as(world, "chair").post(
        f"/api/actions/{world.dev_action.pk}/sign-off/",
        {"text": "Figures circulated to members.", "as_of": "2018-02-02"},
        format="json",
    )
    assert signed.status_code == 200
    assert (signed.data["status"], signed.data["closed_on"], signed.data["latest_rag"]) == (
        "completed",
        "2018-02-02",
        "COMPLETED",
    )
    last = world.dev_action.updates.order_by("-pk").first()
    assert (last.text, last.rag, last.closes_action, last.recorded_by) == (
        "Figures circulated to members.",
        "COMPLETED",
        True,
        world.alan.user,
    )


def test_sign_off_of_a_closed_action_is_a_400(world):
    refused = client_as(world, "chair").post(
        f"/api/actions/{world.closed_action.pk}/sign-off/", {"text": "Again."}, format="json"
    )
    assert refused.status_code == 400
    assert world.closed_action.updates.count() == 1


def test_the_owner_records_progress_with_an_amber_rag(world):
    added = client_as(world, "owner").post(
        "/api/action-updates/",
        {
            "action": world.dev_action.pk,
            "text": "Half the figures are in.",
            "rag": "AMBER",
            "progress": 2,
            "as_of": "2018-01-08",
        },
        format="json",
    )
    assert added.status_code == 201
    assert {k: v for k, v in added.data.items() if k not in ("id", "recorded_at")} == {
        "action": world.dev_action.pk,
        "as_of": "2018-01-08",
        "text": "Half the figures are in.",
        "rag": "AMBER",
        "progress": 2,
        "closes_action": False,
        "recorded_by": "dev",
    }
    assert world.dev_action.updates.count() == 2


def test_the_owner_may_not_close_their_action_with_an_update(world):
    refused = client_as(world, "owner").post(
        "/api/action-updates/",
        {"action": world.dev_action.pk, "text": "All done.", "closes_action": True},
        format="json",
    )
    assert refused.status_code == 403
    world.dev_action.refresh_from_db()
    assert (world.dev_action.status, world.dev_action.updates.count()) == ("open", 1)


def test_the_executive_decision_is_recorded_once(world):
    chair = client_as(world, "chair")
    url = f"/api/executive-responses/{world.response.pk}/respond/"
    answered = chair.post(
        url,
        {"decision": "partly_accepted", "responded_on": "2018-03-01", "text": "One worker funded."},
        format="json",
    )
    assert answered.status_code == 200
    assert (
        answered.data["decision"],
        answered.data["responded_on"],
        answered.data["response_text"],
        answered.data["response_due"],
    ) == ("partly_accepted", "2018-03-01", "One worker funded.", "2018-03-15")
    again = chair.post(url, {"decision": "accepted", "responded_on": "2018-03-05"}, format="json")
    assert again.status_code == 400
    assert again.data["decision"] == [
        "The executive's decision was already recorded (partly accepted on 1 March 2018)."
    ]
    world.response.refresh_from_db()
    assert world.response.decision == ExecutiveResponse.Decision.PARTLY_ACCEPTED


def test_a_decision_before_the_referral_is_a_400(world, staff):
    refused = staff.post(
        f"/api/executive-responses/{world.response.pk}/respond/",
        {"decision": "accepted", "responded_on": "2018-01-01"},
        format="json",
    )
    assert (refused.status_code, list(refused.data)) == (400, ["responded_on"])


def test_deleting_a_meeting_with_items_is_a_409_and_deletes_nothing(world, staff):
    before = (Meeting.objects.count(), AgendaItem.objects.count(), history_rows())
    refused = staff.delete(f"/api/meetings/{world.december.pk}/")
    assert refused.status_code == 409
    assert refused.data["detail"] == "It cannot be deleted while it has agenda items, deferrals."
    assert (Meeting.objects.count(), AgendaItem.objects.count(), history_rows()) == before


def test_an_empty_meeting_is_deleted(world, staff):
    empty = Meeting.objects.create(committee=world.committee, date=D(2018, 4, 10))
    assert staff.delete(f"/api/meetings/{empty.pk}/").status_code == 204
    assert not Meeting.objects.filter(pk=empty.pk).exists()


# --- Rate limits ---------------------------------------------------------------------------


@pytest.fixture
def tight_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "login": "2/minute"}
    )
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_anonymous_request_in_a_minute_is_429(world, tight_rates):
    public = APIClient()
    answers = [public.get("/api/committees/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # Signed-in users are not held to the public's rate.
    assert client_as(world, "owner").get("/api/committees/").status_code == 200


def test_the_third_token_attempt_in_a_minute_is_429(world, tight_rates):
    public = APIClient()
    attempts = [
        public.post("/api/auth/token/", {"username": "dev", "password": guess}, format="json")
        for guess in ("dev-1", "dev-2", "dev-pass")
    ]
    assert [a.status_code for a in attempts] == [400, 400, 429]
    assert "token" not in attempts[2].data
