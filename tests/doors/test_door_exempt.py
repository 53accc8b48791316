"""Every door keeps the same rules: what is derived from an exempt item is exempt too.

The API world's exempt item (marker ZEBRA-QUARTZ, public title "Residential care contract")
was deferred, which made its work-programme topic; here the topic is also led by Tess Lang
(the item's lead officer), deferred a second time from the programme with a confidential
reason, and Dev owns an action under the item's exempt resolution. The public, Dev, the other
committee's chair and a stranger see the topic only as a shell (its public title) through the
API, the pages, the exports and the feeds; staff, the committee's chair and Tess read it all.
Exemption and a committee's structure are changed by staff only, through one service.
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from actions.models import Action
from committees import deferrals
from committees.models import AgendaItem, Committee, Meeting
from tests.builders import (
    SECRET,
    build_world,
    client_as,
    person,
    walk,
    world_built_once_per_module,
)
from tracker.site.calendar_feeds import person_feed_url

OUTSIDERS = ["anonymous", "owner", "other_chair", "stranger"]
INSIDERS = ["staff", "chair", "lead"]
CONFIDENTIAL_REASON = f"{SECRET} awaiting the legal advice on the penalty clause."


FROZEN = dt.datetime(2018, 1, 22, 10, tzinfo=dt.UTC)


def build_exempt_world():
    """The API world as of Monday 22 January 2018."""
    w = build_world()
    w.march = Meeting.objects.create(
        committee=w.committee, date=dt.date(2018, 3, 13), start_time=dt.time(19), venue="Room 1"
    )
    w.tess = person("tess", "Tess Lang", job_title="Contracts Manager")
    w.exempt_item.lead_officer = w.tess
    w.exempt_item.save()
    w.exempt_topic = w.exempt_item.topic
    w.exempt_topic.lead_officer = w.tess
    w.exempt_topic.save()
    w.second_deferral = deferrals.defer_topic(
        w.exempt_topic, to_meeting=w.march, reason=CONFIDENTIAL_REASON, by=w.alan.user
    )
    w.exempt_topic.refresh_from_db()
    w.dev_exempt_action = Action.objects.create(
        resolution=w.exempt_resolution,
        title="Draft the letter to the tenants",
        owner=w.dev,
        due_date=dt.date(2018, 3, 1),
    )
    w.users["lead"] = w.tess.user
    from rest_framework.authtoken.models import Token

    w.tokens["lead"] = Token.objects.create(user=w.tess.user).key
    return w


world_as_built, world = world_built_once_per_module(build_exempt_world, frozen_at=FROZEN)


def shell(w) -> dict:
    return {
        "id": w.exempt_topic.pk,
        "work_programme": w.programme.pk,
        "committee": "childrens-services",
        "committee_id": w.committee.pk,
        "title": "Residential care contract",
        "readable": False,
        "is_exempt": True,
        "exempt_paragraph": 3,
        "public_title": "Residential care contract",
        "description": None,
        "lead_officer": None,
        "lead_officer_text": None,
        "target_meeting": None,
        "status": None,
        "merged_into": None,
        "requested_at": None,
        "origin": None,
        "report_submitted_at": None,
        "carried_over_from": None,
        "deferral_count": None,
    }


# --- 5. A topic made from an exempt item is exempt, through every door ----------------------


def test_deferring_an_exempt_item_makes_an_exempt_topic_with_its_paragraph(world):
    topic = world.exempt_topic
    assert (topic.is_exempt, topic.exempt_paragraph, topic.public_title, topic.title) == (
        True,
        3,
        "Residential care contract",
        "Residential care contract",
    )


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_see_the_exempt_topic_only_as_a_shell(world, role):
    client = client_as(world, role)
    assert client.get(f"/api/topics/{world.exempt_topic.pk}/").data == shell(world)
    listed = [row for row in walk(client, "/api/topics/?page_size=1") if row["is_exempt"]]
    assert listed == [shell(world)]
    programme = client.get(f"/api/work-programmes/{world.programme.pk}/").data
    assert [t for t in programme["topics"] if t["id"] == world.exempt_topic.pk] == [
        {
            "id": world.exempt_topic.pk,
            "title": "Residential care contract",
            "target_meeting": None,
            "status": None,
        }
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_find_no_deferral_of_the_exempt_topic_by_any_filter(world, role):
    client = client_as(world, role)

    def ids(url):
        return [row["id"] for row in walk(client, url)]

    assert ids("/api/deferrals/") == [world.topic_deferral.pk]
    assert ids("/api/topics/?deferred_min=1") == [world.topic.pk]
    assert ids("/api/topics/?deferred_min=2") == []
    assert ids("/api/topics/?status=deferred") == [world.topic.pk]
    assert ids(f"/api/topics/?target_meeting={world.march.pk}") == []
    assert ids("/api/topics/?search=Residential") == [world.exempt_topic.pk]
    assert ids("/api/topics/?search=Agenda item 21") == []
    by_topic = client.get(f"/api/deferrals/?topic={world.exempt_topic.pk}")
    by_missing = client.get("/api/deferrals/?topic=987654")
    assert by_topic.status_code == by_missing.status_code == 400
    assert by_topic.data == by_missing.data
    assert client.get(f"/api/deferrals/{world.second_deferral.pk}/").status_code == 404


@pytest.mark.parametrize("role", INSIDERS)
def test_staff_the_chair_and_the_lead_officer_read_the_exempt_topic(world, role):
    client = client_as(world, role)
    topic = client.get(f"/api/topics/{world.exempt_topic.pk}/").data
    assert {k: topic[k] for k in ("readable", "lead_officer", "target_meeting", "status")} == {
        "readable": True,
        "lead_officer": world.tess.pk,
        "target_meeting": world.march.pk,
        "status": "deferred",
    }
    assert topic["deferral_count"] == 2
    assert topic["origin"] == "Agenda item 21. Residential care contract of 12 December 2017"
    reasons = [
        row["reason"]
        for row in walk(client, f"/api/deferrals/?topic={world.exempt_topic.pk}&page_size=1")
    ]
    assert reasons == [
        "ZEBRA-QUARTZ the provider asked for time to respond.",
        CONFIDENTIAL_REASON,
    ]
    ids = [row["id"] for row in walk(client, "/api/topics/?deferred_min=2")]
    assert ids == [world.exempt_topic.pk]


def page_client(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def page_urls(world, role) -> list[str]:
    urls = [
        "/committees/childrens-services/",
        f"/work-programmes/{world.programme.pk}/",
        f"/work-programmes/{world.programme.pk}/?status=all",
        f"/meetings/{world.december.pk}/",
        f"/meetings/{world.february.pk}/",
        f"/meetings/{world.march.pk}/",
        "/committees/childrens-services/actions/",
        "/committees/childrens-services/tracker.csv",
        "/committees/childrens-services/tracker/print/",
        "/committees/childrens-services/calendar.ics",
        person_feed_url(world.dev),
    ]
    if role != "anonymous":
        urls.append("/my-work/")
    return urls


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_page_export_or_feed_shows_the_exempt_topics_deferrals_to_outsiders(world, role):
    client = page_client(world, role)
    bodies = {url: client.get(url) for url in page_urls(world, role)}
    assert {url: r.status_code for url, r in bodies.items()} == dict.fromkeys(bodies, 200)
    leaks = [
        url
        for url, r in bodies.items()
        for marker in (SECRET, "Tess Lang", "penalty clause")
        if marker in r.content.decode()
    ]
    assert leaks == []
    committee_page = bodies["/committees/childrens-services/"].content.decode()
    assert "Residential care contract" not in committee_page
    march_page = bodies[f"/meetings/{world.march.pk}/"].content.decode()
    assert "Residential care contract" not in march_page


def exempt_row(page: str, pk: int) -> str:
    found = re.search(rf'<(tr|li) id="topic-{pk}">(.*?)</\1>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split()) if found else ""


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_work_programme_page_lists_the_exempt_topic_by_its_public_title(world, role):
    page = (
        page_client(world, role)
        .get(f"/work-programmes/{world.programme.pk}/?status=all")
        .content.decode()
    )
    assert exempt_row(page, world.exempt_topic.pk) == (
        "Residential care contract (exempt under paragraph 3 of Schedule 12A)"
    )
    assert "Deferred 2 times" not in page


@pytest.mark.parametrize("role", ["staff", "chair"])
def test_the_work_programme_page_shows_the_exempt_topic_in_full_to_its_chair(world, role):
    page = page_client(world, role).get(f"/work-programmes/{world.programme.pk}/").content.decode()
    row = exempt_row(page, world.exempt_topic.pk)
    assert "Tess Lang" in row
    assert "Deferred 2 times" in row
    assert CONFIDENTIAL_REASON in row


def test_the_lead_officers_feed_names_the_exempt_topic_by_its_public_title(world):
    feed = Client().get(person_feed_url(world.tess)).content.decode()
    assert "Report due: Residential care contract (Children's Services O&S)" in feed
    assert SECRET not in feed


# --- 6. What the importer proposes from a Part 2 item is exempt ------------------------------


def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- 7. Searches see only what the reader may read --------------------------------------------


def test_an_action_owner_cannot_search_the_exempt_resolution_text_of_their_action(world):
    client = client_as(world, "owner")

    def refs(url):
        return [row["title"] for row in walk(client, url)]

    assert refs("/api/actions/?search=terminated") == []
    assert refs("/api/actions/?search=ZEBRA") == []
    assert refs("/api/actions/?search=tenants") == ["Draft the letter to the tenants"]
    assert client.get(f"/api/actions/{world.dev_exempt_action.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["staff", "chair"])
def test_those_who_read_the_resolution_find_the_action_by_its_text(world, role):
    client = client_as(world, role)
    found = [row["title"] for row in walk(client, "/api/actions/?search=terminated")]
    assert sorted(found) == [
        "Draft the letter to the tenants",
        "ZEBRA-QUARTZ serve notice on the provider",
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_search_counts_the_hidden_text(world, role):
    client = client_as(world, role)
    for endpoint in ("agenda-items", "resolutions", "actions", "topics"):
        for words in ("terminated", "ZEBRA", "legal advice", "Oakfield"):
            assert client.get(f"/api/{endpoint}/?search={words}").data["count"] == 0, (
                endpoint,
                words,
            )


# --- 8. Exemption and a committee's structure are for staff ----------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"is_exempt": False, "exempt_paragraph": None},
        {"exempt_paragraph": 1},
        {"public_title": "Care contract"},
    ],
)
def test_a_chair_cannot_change_an_items_exemption(world, change):
    answer = client_as(world, "chair").patch(
        f"/api/agenda-items/{world.exempt_item.pk}/", change, format="json"
    )
    assert answer.status_code == 403
    named = " and ".join(sorted(change))
    assert answer.data == {
        "detail": f"Only democratic services (staff) may change {named}: whether an item is "
        "exempt under Schedule 12A is an officer's decision."
    }
    world.exempt_item.refresh_from_db()
    assert (world.exempt_item.is_exempt, world.exempt_item.exempt_paragraph) == (True, 3)
    assert world.exempt_item.public_title == "Residential care contract"


def test_a_chair_cannot_add_an_exempt_item(world):
    answer = client_as(world, "chair").post(
        "/api/agenda-items/",
        {
            "meeting": world.february.pk,
            "title": "Contract award",
            "is_exempt": True,
            "exempt_paragraph": 3,
            "public_title": "Contract",
        },
        format="json",
    )
    assert answer.status_code == 403
    assert answer.data["detail"].startswith(
        "Only democratic services (staff) may change exempt_paragraph and is_exempt and "
        "public_title:"
    )


def test_a_chair_may_still_change_the_items_other_fields(world):
    answer = client_as(world, "chair").patch(
        f"/api/agenda-items/{world.exempt_item.pk}/",
        {"is_exempt": True, "exempt_paragraph": 3, "position": 3},
        format="json",
    )
    assert (answer.status_code, answer.data["position"], answer.data["is_exempt"]) == (
        200,
        3,
        True,
    )


def test_staff_lift_an_exemption_through_the_service_and_its_topic_follows(world):
    answer = client_as(world, "staff").patch(
        f"/api/agenda-items/{world.exempt_item.pk}/",
        {"is_exempt": False, "exempt_paragraph": None},
        format="json",
    )
    assert answer.status_code == 200
    assert (answer.data["is_exempt"], answer.data["exempt_paragraph"]) == (False, None)
    world.exempt_item.refresh_from_db()
    world.exempt_topic.refresh_from_db()
    assert (world.exempt_item.is_exempt, world.exempt_topic.is_exempt) == (False, False)
    assert world.exempt_item.history.first().history_user == world.priya.user
    assert world.exempt_topic.history.first().history_user == world.priya.user
    # Now public: the topic is read in full by anyone.
    topic = client_as(world, "anonymous").get(f"/api/topics/{world.exempt_topic.pk}/").data
    assert (topic["readable"], topic["status"]) == (True, "deferred")


def test_staff_make_an_item_exempt_and_its_topic_becomes_exempt(world):
    topic = deferrals.topic_for_item(world.public_item, by=world.priya.user)
    answer = client_as(world, "staff").patch(
        f"/api/agenda-items/{world.public_item.pk}/",
        {"is_exempt": True, "exempt_paragraph": 1, "public_title": "A care placement"},
        format="json",
    )
    assert answer.status_code == 200
    topic.refresh_from_db()
    assert (topic.is_exempt, topic.exempt_paragraph, topic.public_title) == (
        True,
        1,
        "A care placement",
    )
    anonymous = client_as(world, "anonymous")
    assert anonymous.get(f"/api/topics/{topic.pk}/").data["readable"] is False
    assert anonymous.get(f"/api/agenda-items/{world.public_item.pk}/").data["readable"] is False


def test_the_exemption_service_refuses_anyone_but_staff(world):
    from committees import exemption

    with pytest.raises(PermissionDenied, match="Only democratic services"):
        exemption.lift_exemption(world.exempt_item, by=world.alan.user)
    with pytest.raises(PermissionDenied, match="Only democratic services"):
        exemption.make_exempt(
            world.public_item, paragraph=1, public_title="A placement", by=world.alan.user
        )
    world.exempt_item.refresh_from_db()
    assert world.exempt_item.is_exempt is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("authority", "spare_authority"), ("officer", "spare_person"), ("parent", "health")],
)
def test_a_chair_cannot_change_their_committees_structure(world, field, value):
    answer = client_as(world, "chair").patch(
        "/api/committees/childrens-services/",
        {field: getattr(world, value).pk},
        format="json",
    )
    assert answer.status_code == 403
    assert answer.data == {
        "detail": f"Only democratic services (staff) may change a committee's {field}."
    }
    committee = Committee.objects.get(pk=world.committee.pk)
    assert (committee.authority, committee.officer, committee.parent) == (
        world.authority,
        world.priya,
        None,
    )


def test_a_chair_may_still_change_their_committees_remit(world):
    answer = client_as(world, "chair").patch(
        "/api/committees/childrens-services/",
        {"remit": "Children and young people.", "authority": world.authority.pk},
        format="json",
    )
    assert (answer.status_code, answer.data["remit"]) == (200, "Children and young people.")


def test_staff_may_change_a_committees_officer(world):
    answer = client_as(world, "staff").patch(
        "/api/committees/health/", {"officer": world.spare_person.pk}, format="json"
    )
    assert (answer.status_code, answer.data["officer"]) == (200, world.spare_person.pk)


def test_the_admin_lifts_an_exemption_through_the_service(world, rf):
    from django.contrib.admin.sites import site

    class ChangedForm:
        changed_data = ["is_exempt", "exempt_paragraph"]

    request = rf.post("/admin/")
    request.user = world.priya.user
    item = AgendaItem.objects.get(pk=world.exempt_item.pk)
    item.is_exempt, item.exempt_paragraph = False, None
    site._registry[AgendaItem].save_model(request, item, ChangedForm(), change=True)
    world.exempt_topic.refresh_from_db()
    assert (item.is_exempt, world.exempt_topic.is_exempt) == (False, False)
    assert world.exempt_topic.history.first().history_user == world.priya.user
