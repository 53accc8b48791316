"""The admin a democratic services officer lives in.

Priya (staff, not superuser) is given the model permissions of the committees and actions
apps, as a DSO would be; the page-by-page smoke test uses her as a superuser.
"""

import datetime as dt
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from actions import admin as actions_admin
from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update
from committees import admin as committees_admin
from committees.deferrals import defer_item
from committees.models import (
    AgendaItem,
    Attendance,
    Authority,
    Committee,
    Deferral,
    Meeting,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
    today,
)

ALL_MODELS = [
    Authority,
    Person,
    MunicipalYear,
    Committee,
    Membership,
    Meeting,
    Attendance,
    WorkProgramme,
    WorkProgrammeTopic,
    AgendaItem,
    Deferral,
    Resolution,
    Action,
    ActionUpdate,
    ExecutiveResponse,
]
HISTORY_MODELS = [
    Meeting,
    WorkProgrammeTopic,
    AgendaItem,
    Deferral,
    Resolution,
    Action,
    ActionUpdate,
    ExecutiveResponse,
]


# When the actions raised at no meeting were entered: their updates are dated from then on.
ENTERED = dt.datetime(2017, 12, 13, 9, 0, tzinfo=dt.UTC)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def superuser_client(client, priya):
    priya.user.is_superuser = True
    priya.user.save()
    client.force_login(priya.user)
    return client


@pytest.fixture
def officer_client(client, priya):
    """Priya as a DSO: staff with every permission of the committees and actions apps."""
    priya.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["committees", "actions"])
    )
    client.force_login(priya.user)
    return client


@pytest.fixture
def january(make_meeting):
    return make_meeting(dt.date(2018, 1, 16))


@pytest.fixture
def ofsted_item(december, dev):
    return AgendaItem.objects.create(
        meeting=december,
        number=24,
        position=6,
        title="Ofsted Inspection Action Plan",
        report_author=dev,
        lead_officer=dev,
    )


@pytest.fixture
def centres_item(february, dev):
    return AgendaItem.objects.create(
        meeting=february,
        number=31,
        position=4,
        title="Review of Children's Centre Services",
        report_author=dev,
    )


@pytest.fixture
def action(committee, dev):
    """Entered by hand (no meeting) on 13 December 2017: its updates are dated from then on."""
    return Action.objects.create(
        committee=committee,
        title="Circulate the Delivery Plan to Panel members",
        owner=dev,
        due_date=dt.date(2018, 1, 31),
        created_at=ENTERED,
    )


@pytest.fixture
def world(committee, december, february, ofsted_item, centres_item, action, alan, dev, priya):
    """One of everything, so that every list, add and change page has something to show."""
    Attendance.objects.create(meeting=december, person=alan, kind=Attendance.Kind.PRESENT)
    defer_item(centres_item, to_text="the new municipal year", reason="Consultation still open")
    resolution = Resolution.objects.create(
        agenda_item=ofsted_item,
        number="1",
        text="That Cabinet reviews the capacity of the social work teams.",
        kind=Resolution.Kind.RECOMMENDATION,
    )
    ExecutiveResponse.objects.create(resolution=resolution, referred_on=dt.date(2018, 1, 10))
    record_update(action, text="Plan drafted", rag=RAG.AMBER, as_of=dt.date(2018, 1, 5))
    return {
        Authority: committee.authority,
        Person: dev,
        MunicipalYear: december.municipal_year,
        Committee: committee,
        Membership: committee.memberships.get(),
        Meeting: december,
        Attendance: Attendance.objects.get(),
        WorkProgramme: WorkProgramme.objects.get(),
        WorkProgrammeTopic: WorkProgrammeTopic.objects.get(),
        AgendaItem: ofsted_item,
        Deferral: Deferral.objects.get(),
        Resolution: resolution,
        Action: action,
        ActionUpdate: ActionUpdate.objects.get(),
        ExecutiveResponse: ExecutiveResponse.objects.get(),
    }


# --- Registration and pages --------------------------------------------------------------


def test_every_model_is_registered_and_tracked_ones_show_their_history():
    registered = {model for model in admin.site._registry if model._meta.app_label != "auth"}
    assert {m for m in registered if m._meta.app_label in ("committees", "actions")} == set(
        ALL_MODELS
    )
    for model in HISTORY_MODELS:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


def test_the_agenda_item_page_has_the_resolutions_inline_added_by_the_actions_app(rf):
    item_admin = admin.site._registry[AgendaItem]
    assert type(item_admin) is committees_admin.AgendaItemAdmin
    assert item_admin.get_inlines(rf.get("/"), None) == [
        committees_admin.ItemDeferralInline,
        actions_admin.ResolutionInline,
    ]
    assert item_admin.actions == [
        "defer_selected_items",
        "record_noted",
        "record_resolved",
        "record_withdrawn",
    ]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_answer_200_for_a_superuser(superuser_client, world, model):
    changelist = superuser_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    # A deferral is made only by the defer actions (see below).
    add = 403 if model is Deferral else 200
    assert superuser_client.get(admin_url(model, "add")).status_code == add
    obj = world[model]
    assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert superuser_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def changelist_query_counts(client):
    counts = {}
    for model in ALL_MODELS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url(model, "changelist")).status_code == 200
        counts[model._meta.model_name] = len(queries.captured_queries)
    return counts


def test_no_changelist_runs_more_queries_as_its_rows_grow(
    superuser_client, world, committee, dev, alan
):
    before = changelist_query_counts(superuser_client)
    for n in range(5):
        meeting = Meeting.objects.create(
            committee=committee, date=dt.date(2018, 3, 6) + dt.timedelta(weeks=n)
        )
        Attendance.objects.create(meeting=meeting, person=dev)
        item = AgendaItem.objects.create(meeting=meeting, number=40 + n, title=f"Item {n}")
        defer_item(item, to_text="the new municipal year", reason="Report not ready")
        resolution = Resolution.objects.create(
            agenda_item=item, text="That Cabinet acts.", kind=Resolution.Kind.RECOMMENDATION
        )
        ExecutiveResponse.objects.create(
            resolution=resolution, referred_on=dt.date(2018, 4, 1), responsible=alan
        )
        action = Action.objects.create(
            committee=committee, title=f"Action {n}", owner=dev, resolution=resolution
        )
        record_update(action, text="Started", rag=RAG.RED)
        person = Person.objects.create(name=f"Member {n}")
        Membership.objects.create(committee=committee, person=person, start_date=meeting.date)
        Committee.objects.create(
            authority=committee.authority,
            name=f"Panel {n}",
            slug=f"panel-{n}",
            reference_prefix=f"P{n}",
            officer=person,
            parent=committee,
        )

    assert changelist_query_counts(superuser_client) == before


def test_the_meeting_page_shows_its_deadlines_read_only(officer_client, december):
    response = officer_client.get(admin_url(Meeting, "change", december.pk))
    form = response.context["adminform"].form
    assert "report_deadline" not in form.fields
    assert "agenda_publication_date" not in form.fields
    assert december.report_deadline == dt.date(2017, 11, 28)
    assert december.agenda_publication_date == dt.date(2017, 12, 4)
    page = response.content.decode()
    assert '<div class="readonly">28 Nov 2017</div>' in page
    assert '<div class="readonly">4 Dec 2017</div>' in page


def test_the_agenda_item_form_keeps_part_2_apart(officer_client, ofsted_item):
    response = officer_client.get(admin_url(AgendaItem, "change", ofsted_item.pk))
    fieldsets = [(fs.name, fs.fields) for fs in response.context["adminform"]]
    assert fieldsets[1] == (
        "Part 2 (exempt under Schedule 12A) and confidential text",
        (
            "is_exempt",
            "exempt_paragraph",
            "public_title",
            "public_interest_reason",
            "report_summary",
            "minutes",
        ),
    )


def test_an_exempt_item_without_a_public_title_shows_the_model_error(officer_client, december):
    response = officer_client.post(
        admin_url(AgendaItem, "add"),
        {
            "meeting": december.pk,
            "number": 25,
            "position": 7,
            "title": "Placement costs of a named provider",
            "outcome": "none",
            "is_exempt": "on",
            "exempt_paragraph": "3",
            "deferrals-TOTAL_FORMS": 0,
            "deferrals-INITIAL_FORMS": 0,
            "resolutions-TOTAL_FORMS": 0,
            "resolutions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "public_title": ["An exempt item needs a public title that staff have written for it."]
    }
    assert not AgendaItem.objects.exists()


def test_an_officer_cannot_mark_an_item_deferred_by_hand(officer_client, ofsted_item):
    """The outcome is an event: read-only on the form, recorded by an action or by deferring."""
    page = officer_client.get(admin_url(AgendaItem, "change", ofsted_item.pk))
    assert "outcome" not in page.context["adminform"].form.fields
    response = officer_client.post(
        admin_url(AgendaItem, "change", ofsted_item.pk),
        {
            "meeting": ofsted_item.meeting_id,
            "number": 24,
            "position": 6,
            "title": ofsted_item.title,
            "outcome": "deferred",
            "deferrals-TOTAL_FORMS": 0,
            "deferrals-INITIAL_FORMS": 0,
            "resolutions-TOTAL_FORMS": 0,
            "resolutions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    ofsted_item.refresh_from_db()
    assert ofsted_item.outcome == AgendaItem.Outcome.NONE
    assert not ofsted_item.deferrals.exists()


def test_the_admin_records_an_outcome_through_the_service_and_refuses_a_deferred_item(
    officer_client, ofsted_item, february
):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(ofsted_item.meeting),
        title="Ofsted action plan",
        target_meeting=ofsted_item.meeting,
    )
    ofsted_item.topic = topic
    ofsted_item.save()
    url = admin_url(AgendaItem, "changelist")
    done = officer_client.post(
        url, {"action": "record_noted", helpers.ACTION_CHECKBOX_NAME: [ofsted_item.pk]}
    )
    assert messages_of(done) == ["Recorded 1 item as noted."]
    topic.refresh_from_db()
    assert topic.status == WorkProgrammeTopic.Status.CONSIDERED

    other = AgendaItem.objects.create(meeting=ofsted_item.meeting, position=9, title="Later")
    defer_item(other, to_meeting=february, reason="Not ready.")
    refused = officer_client.post(
        url, {"action": "record_resolved", helpers.ACTION_CHECKBOX_NAME: [other.pk]}
    )
    assert messages_of(refused)[-1:] == [
        "Nothing was recorded. This item was deferred, and its deferral is kept as history: "
        "its outcome stays Deferred. Record what happens next on the meeting it went to."
    ]


# --- Deferring ----------------------------------------------------------------------------


def run_action(client, model, action, objects, **answers):
    """Choose an admin action on the changelist, then answer its intermediate page."""
    url = admin_url(model, "changelist")
    selected = [obj.pk for obj in objects]
    first = client.post(url, {"action": action, "index": 0, helpers.ACTION_CHECKBOX_NAME: selected})
    assert first.status_code == 200
    assert first.templates[0].name == "admin/committees/intermediate_form.html"
    return client.post(
        url,
        {"action": action, helpers.ACTION_CHECKBOX_NAME: selected, "apply": "yes", **answers},
    )


def test_it_defers_selected_items_to_the_chosen_meeting(
    officer_client, priya, ofsted_item, february
):
    response = run_action(
        officer_client,
        AgendaItem,
        "defer_selected_items",
        [ofsted_item],
        to_meeting=february.pk,
        to_text="",
        reason="The action plan is awaiting Ofsted's feedback.",
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Deferred 1 item to the meeting of 13 February 2018."]
    deferral = Deferral.objects.get()
    ofsted_item.refresh_from_db()
    topic = ofsted_item.topic
    assert deferral.topic == topic
    assert deferral.agenda_item == ofsted_item
    assert deferral.from_meeting == ofsted_item.meeting
    assert deferral.to_meeting == february
    assert deferral.to_text == ""
    assert deferral.reason == "The action plan is awaiting Ofsted's feedback."
    assert deferral.decided_at == ofsted_item.meeting
    assert deferral.created_by == priya.user
    assert ofsted_item.outcome == AgendaItem.Outcome.DEFERRED
    assert topic.target_meeting == february
    assert topic.status == WorkProgrammeTopic.Status.DEFERRED
    assert topic.history.latest().history_user == priya.user


def test_the_defer_page_offers_only_the_committees_later_meetings(
    officer_client, committee, other_committee, make_meeting, ofsted_item, january, february
):
    make_meeting(dt.date(2017, 10, 10))
    make_meeting(dt.date(2018, 3, 20), status=Meeting.Status.CANCELLED)
    make_meeting(dt.date(2018, 1, 20), on=other_committee)
    response = officer_client.post(
        admin_url(AgendaItem, "changelist"),
        {
            "action": "defer_selected_items",
            "index": 0,
            helpers.ACTION_CHECKBOX_NAME: [ofsted_item.pk],
        },
    )
    choices = list(response.context["form"].fields["to_meeting"].choices)
    assert [label for _, label in choices] == [
        "No meeting set yet",
        "16 January 2018",
        "13 February 2018",
    ]


def test_it_defers_to_a_described_destination_when_no_meeting_is_set(officer_client, ofsted_item):
    response = run_action(
        officer_client,
        AgendaItem,
        "defer_selected_items",
        [ofsted_item],
        to_meeting="",
        to_text="the next meeting in the new municipal year",
        reason="Two reports deferred at the chair's request.",
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Deferred 1 item to the next meeting in the new municipal year."
    ]
    deferral = Deferral.objects.get()
    assert deferral.to_meeting is None
    assert deferral.to_text == "the next meeting in the new municipal year"
    ofsted_item.refresh_from_db()
    assert ofsted_item.outcome == AgendaItem.Outcome.DEFERRED
    assert ofsted_item.topic.target_meeting is None


def test_it_defers_nothing_when_one_item_cannot_go_to_the_chosen_meeting(
    officer_client, ofsted_item, centres_item, january
):
    # January is later than December's item but earlier than February's.
    response = run_action(
        officer_client,
        AgendaItem,
        "defer_selected_items",
        [ofsted_item, centres_item],
        to_meeting=january.pk,
        reason="Officers need more time.",
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "Nothing was deferred. 31. Review of Children's Centre Services (13 February 2018): "
        "A deferral must move "
        "to a later meeting: 16 January 2018 is not after 13 February 2018."
    ]
    assert not Deferral.objects.exists()
    assert not WorkProgrammeTopic.objects.exists()
    ofsted_item.refresh_from_db()
    centres_item.refresh_from_db()
    assert (ofsted_item.outcome, ofsted_item.topic_id) == (AgendaItem.Outcome.NONE, None)
    assert (centres_item.outcome, centres_item.topic_id) == (AgendaItem.Outcome.NONE, None)


def test_the_defer_form_refuses_a_meeting_before_the_items_meeting(
    officer_client, centres_item, december
):
    response = run_action(
        officer_client,
        AgendaItem,
        "defer_selected_items",
        [centres_item],
        to_meeting=december.pk,
        reason="Officers need more time.",
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "to_meeting": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert not Deferral.objects.exists()
    centres_item.refresh_from_db()
    assert centres_item.outcome == AgendaItem.Outcome.NONE


def test_the_defer_form_needs_a_reason_and_a_destination(officer_client, ofsted_item):
    response = run_action(
        officer_client, AgendaItem, "defer_selected_items", [ofsted_item], reason="  "
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "to_meeting": ["Choose the meeting it is deferred to, or describe where it goes."],
        "reason": ["This field is required."],
    }
    assert not Deferral.objects.exists()


def test_it_defers_the_items_of_one_committee_at_a_time(
    officer_client, other_committee, make_meeting, ofsted_item
):
    health_item = AgendaItem.objects.create(
        meeting=make_meeting(dt.date(2017, 12, 14), on=other_committee), title="Winter pressures"
    )
    response = officer_client.post(
        admin_url(AgendaItem, "changelist"),
        {
            "action": "defer_selected_items",
            "index": 0,
            helpers.ACTION_CHECKBOX_NAME: [ofsted_item.pk, health_item.pk],
        },
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Defer the items of one committee at a time: a deferral moves an item to a later "
        "meeting of the same committee."
    ]
    assert not Deferral.objects.exists()


def test_it_defers_selected_topics(
    officer_client, priya, committee, december, february, autumn_2017
):
    programme = WorkProgramme.for_meeting(december)
    topic = WorkProgrammeTopic.objects.create(
        work_programme=programme, title="Children's Centre Services", target_meeting=december
    )

    response = run_action(
        officer_client,
        WorkProgrammeTopic,
        "defer_selected_topics",
        [topic],
        to_meeting=february.pk,
        reason="Consultation with staff continues into the new year.",
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Deferred 1 topic to the meeting of 13 February 2018."]
    deferral = Deferral.objects.get()
    assert (deferral.topic, deferral.agenda_item, deferral.from_meeting, deferral.to_meeting) == (
        topic,
        None,
        december,
        february,
    )
    assert deferral.created_by == priya.user
    topic.refresh_from_db()
    assert (topic.target_meeting, topic.status) == (february, WorkProgrammeTopic.Status.DEFERRED)


def test_a_deferral_is_added_only_through_the_defer_actions(superuser_client):
    """One way to defer in the admin: the actions, which offer only meetings still open."""
    assert superuser_client.get(admin_url(Deferral, "add")).status_code == 403


def test_a_deferral_cannot_be_deleted_or_moved_in_the_admin(officer_client, world):
    deferral = world[Deferral]
    response = officer_client.get(admin_url(Deferral, "change", deferral.pk))
    assert set(response.context["adminform"].form.fields) == {"to_text", "reason"}
    assert officer_client.get(admin_url(Deferral, "delete", deferral.pk)).status_code == 403


# --- Resolutions ---------------------------------------------------------------------------


def test_resolutions_and_their_actions_are_added_inline(officer_client, ofsted_item, dev, february):
    response = officer_client.post(
        admin_url(AgendaItem, "change", ofsted_item.pk),
        {
            "meeting": ofsted_item.meeting_id,
            "number": 24,
            "position": 6,
            "title": ofsted_item.title,
            "outcome": "resolved",
            "deferrals-TOTAL_FORMS": 0,
            "deferrals-INITIAL_FORMS": 0,
            "resolutions-TOTAL_FORMS": 1,
            "resolutions-INITIAL_FORMS": 0,
            "resolutions-0-position": 1,
            "resolutions-0-number": "1",
            "resolutions-0-text": "That the action plan be presented at the February committee.",
            "resolutions-0-kind": "report_back",
        },
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    assert resolution.reference == "CS (17/18) 01"
    assert resolution.agenda_item == ofsted_item

    response = officer_client.post(
        admin_url(Resolution, "change", resolution.pk),
        {
            "agenda_item": ofsted_item.pk,
            "number": "1",
            "position": 1,
            "kind": "report_back",
            "text": resolution.text,
            "actions-TOTAL_FORMS": 1,
            "actions-INITIAL_FORMS": 0,
            "actions-0-title": "Present the Ofsted action plan",
            "actions-0-owner": dev.pk,
            "actions-0-due_back_meeting": february.pk,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.reference, action.committee, action.agenda_item, action.due_on) == (
        "CS (17/18) A01",
        ofsted_item.meeting.committee,
        ofsted_item,
        dt.date(2018, 2, 13),
    )


def test_only_recommendations_are_offered_for_an_executive_response(officer_client, world):
    recommendation = world[Resolution]
    Resolution.objects.create(
        agenda_item=world[AgendaItem], position=2, text="That the report be noted."
    )
    response = officer_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "actions",
            "model_name": "executiveresponse",
            "field_name": "resolution",
            "term": "",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(recommendation.pk)]


# --- Actions -------------------------------------------------------------------------------


def action_form_data(client, action, *new_updates):
    """The action's change form as the browser would post it, with new update rows."""
    page = client.get(admin_url(Action, "change", action.pk))
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        if value not in (None, False):
            data[bound.html_name] = "on" if value is True else value
    formset = page.context["inline_admin_formsets"][0].formset
    initial = formset.initial_form_count()
    for index, form in enumerate(formset.initial_forms):
        data[f"updates-{index}-id"] = form.instance.pk
        data[f"updates-{index}-action"] = action.pk
    for offset, update in enumerate(new_updates):
        for name, value in update.items():
            data[f"updates-{initial + offset}-{name}"] = value
        data[f"updates-{initial + offset}-action"] = action.pk
    data.update(
        {
            "updates-TOTAL_FORMS": initial + len(new_updates),
            "updates-INITIAL_FORMS": initial,
            "updates-MIN_NUM_FORMS": 0,
            "updates-MAX_NUM_FORMS": 1000,
        }
    )
    return data


def test_the_update_add_page_records_through_record_update(officer_client, priya, action):
    with mock.patch.object(actions_admin, "record_update", wraps=record_update) as spy:
        response = officer_client.post(
            admin_url(ActionUpdate, "add"),
            {
                "action": action.pk,
                "as_of": "2018-01-31",
                "text": "All done.",
                "rag": "COMPLETED",
                "closes_action": "on",
            },
        )

    assert response.status_code == 302
    assert spy.call_count == 1
    update = ActionUpdate.objects.get()
    assert (update.text, update.rag, update.recorded_by) == ("All done.", "COMPLETED", priya.user)
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, dt.date(2018, 1, 31))
    # History is read, not rewritten.
    page = officer_client.get(admin_url(ActionUpdate, "change", update.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    again = officer_client.post(
        admin_url(ActionUpdate, "add"),
        {"action": action.pk, "as_of": "2018-02-01", "text": "More."},
    )
    assert again.context["adminform"].form.errors == {
        "action": [
            f"{action.reference} is completed; reopen it before adding updates.",
        ]
    }


def test_an_old_version_can_be_read_but_not_restored(officer_client, action):
    record_update(action, text="Done", closes=True, as_of=dt.date(2018, 1, 20))
    open_version = action.history.earliest()
    url = reverse("admin:actions_action_simple_history", args=[action.pk, open_version.pk])
    assert officer_client.get(url).status_code == 200

    data = action_form_data(officer_client, action)
    assert officer_client.post(url, data).status_code == 403

    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, dt.date(2018, 1, 20))


def test_status_and_closed_on_are_read_only_on_the_action_form(officer_client, action):
    response = officer_client.get(admin_url(Action, "change", action.pk))
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "closed_on" not in form.fields
    assert {"status", "closed_on", "reference"} <= set(
        response.context["adminform"].readonly_fields
    )


def test_the_update_inline_records_a_new_update_through_record_update(
    officer_client, priya, action
):
    data = action_form_data(
        officer_client,
        action,
        {"as_of": "2018-01-12", "text": "Circulated to members on 12 January.", "rag": "GREEN"},
    )
    with mock.patch.object(actions_admin, "record_update", wraps=record_update) as spy:
        response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    spy.assert_called_once_with(
        mock.ANY,
        text="Circulated to members on 12 January.",
        rag="GREEN",
        progress=None,
        as_of=dt.date(2018, 1, 12),
        closes=False,
        by=priya.user,
    )
    update = ActionUpdate.objects.get()
    assert (update.action, update.as_of, update.text, update.rag) == (
        action,
        dt.date(2018, 1, 12),
        "Circulated to members on 12 January.",
        "GREEN",
    )
    assert update.recorded_by == priya.user
    assert update.closes_action is False
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.OPEN, None)


def test_a_closing_update_in_the_inline_closes_the_action(officer_client, priya, action):
    record_update(action, text="Plan drafted", rag=RAG.AMBER, as_of=dt.date(2018, 1, 5))
    data = action_form_data(
        officer_client,
        action,
        {
            "as_of": "2018-01-20",
            "text": "Delivery Plan circulated; members content.",
            "rag": "COMPLETED",
            "progress": "5",
            "closes_action": "on",
        },
    )
    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED
    assert action.closed_on == dt.date(2018, 1, 20)
    closing = action.updates.get(closes_action=True)
    assert (closing.text, closing.rag, closing.progress, closing.recorded_by) == (
        "Delivery Plan circulated; members content.",
        "COMPLETED",
        5,
        priya.user,
    )
    assert action.updates.count() == 2
    # A closed action takes no more updates through the inline.
    page = officer_client.get(admin_url(Action, "change", action.pk))
    assert page.context["inline_admin_formsets"][0].formset.max_num == 0


def test_past_updates_cannot_be_changed_or_deleted_through_the_inline(officer_client, action):
    update = record_update(action, text="Plan drafted", rag=RAG.AMBER, as_of=dt.date(2018, 1, 5))
    data = action_form_data(officer_client, action)
    data.update({"updates-0-text": "Rewritten history", "updates-0-DELETE": "on"})

    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.text == "Plan drafted"
    assert update.rag == "AMBER"


def test_two_closing_updates_at_once_are_refused_on_the_form(officer_client, action):
    data = action_form_data(
        officer_client,
        action,
        {"as_of": "2018-01-20", "text": "Done", "closes_action": "on"},
        {"as_of": "2018-01-21", "text": "Done again", "closes_action": "on"},
    )
    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["Only one update can close the action."]
    assert not ActionUpdate.objects.exists()


def test_a_closing_update_dated_before_another_saved_with_it_is_refused_on_the_form(
    officer_client, action
):
    data = action_form_data(
        officer_client,
        action,
        {"as_of": "2018-01-20", "text": "Chased", "rag": "AMBER"},
        {"as_of": "2018-01-18", "text": "Sent on 18 January", "closes_action": "on"},
    )
    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        f"A closing update cannot be dated before the latest update on {action.reference}, "
        "of 20 January 2018."
    ]
    assert not ActionUpdate.objects.exists()


def test_it_signs_off_selected_actions(officer_client, priya, committee, action, dev):
    second = Action.objects.create(
        committee=committee, title="Send round the numbers", owner=dev, created_at=ENTERED
    )
    response = run_action(
        officer_client,
        Action,
        "sign_off_selected",
        [action, second],
        text="Confirmed complete by the Chair.",
        as_of="2018-02-13",
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Signed off: 2 actions closed."]
    for each in (action, second):
        each.refresh_from_db()
        assert (each.status, each.closed_on) == (Action.Status.COMPLETED, dt.date(2018, 2, 13))
        closing = each.updates.get()
        assert (closing.text, closing.rag, closing.closes_action, closing.recorded_by) == (
            "Confirmed complete by the Chair.",
            "COMPLETED",
            True,
            priya.user,
        )


def test_signing_off_a_closed_action_closes_none_of_the_selection(
    officer_client, committee, action, dev
):
    closed = Action.objects.create(
        committee=committee, title="Send round the numbers", owner=dev, created_at=ENTERED
    )
    record_update(closed, text="Sent", closes=True, as_of=dt.date(2018, 1, 3))
    response = run_action(
        officer_client,
        Action,
        "sign_off_selected",
        [action, closed],
        text="Confirmed complete by the Chair.",
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        f"No action was closed. {closed}: {closed.reference} was completed on 3 January 2018; "
        "reopen it before adding updates."
    ]
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    assert not action.updates.exists()


def test_it_withdraws_selected_actions(officer_client, action):
    response = run_action(
        officer_client,
        Action,
        "withdraw_selected",
        [action],
        text="Superseded by the new improvement plan.",
        as_of="2018-02-13",
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Withdrawn: 1 action closed."]
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.WITHDRAWN, dt.date(2018, 2, 13))
    assert action.updates.get().text == "Superseded by the new improvement plan."


def test_the_action_list_shows_due_date_latest_rag_and_days_late_in_bounded_queries(
    officer_client, committee, dev, alan, make_meeting, django_assert_max_num_queries
):
    now = today()
    back_at = make_meeting(now - dt.timedelta(days=3))
    owners = [dev, alan, Person.objects.create(name="Roger Edwardson")]
    for n in range(30):
        action = Action.objects.create(
            committee=committee,
            title=f"Action {n}",
            owner=owners[n % 3],
            due_date=None if n == 0 else now - dt.timedelta(days=n - 10),
            due_back_meeting=back_at if n == 0 else None,
            created_at=dt.datetime.combine(now - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC),
        )
        record_update(action, text="Started", rag=RAG.RED, as_of=now - dt.timedelta(days=20))
        record_update(action, text="Moving", rag=RAG.GREEN, as_of=now - dt.timedelta(days=2))
        record_update(action, text="No RAG this time", as_of=now - dt.timedelta(days=1))

    with django_assert_max_num_queries(12):
        response = officer_client.get(admin_url(Action, "changelist"), {"o": "1"})

    assert response.status_code == 200
    cl = response.context["cl"]
    rows = {a.title: a for a in cl.result_list}
    assert len(rows) == 30
    model_admin = cl.model_admin
    first, late, not_yet = rows["Action 0"], rows["Action 25"], rows["Action 5"]
    assert model_admin.due_on(first) == now - dt.timedelta(days=3)
    assert model_admin.days_late(first) == 3
    assert model_admin.due_on(late) == now - dt.timedelta(days=15)
    assert model_admin.days_late(late) == 15
    assert model_admin.days_late(not_yet) == 0
    assert model_admin.latest_rag(late) == "Green"
    label = MunicipalYear.containing(committee.authority, now).short_label
    assert [a.reference for a in cl.result_list][:2] == [f"CS ({label}) A01", f"CS ({label}) A02"]


def test_the_admin_moves_nothing_by_a_plain_edit(officer_client, ofsted_item, february):
    """A topic's meeting and status, and an item's meeting and outcome, are events there too."""
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(ofsted_item.meeting),
        title="Ofsted action plan",
        target_meeting=ofsted_item.meeting,
    )
    topic_form = officer_client.get(admin_url(WorkProgrammeTopic, "change", topic.pk))
    item_form = officer_client.get(admin_url(AgendaItem, "change", ofsted_item.pk))
    assert {"status", "target_meeting"} & set(topic_form.context["adminform"].form.fields) == set()
    assert {"outcome", "meeting"} & set(item_form.context["adminform"].form.fields) == set()
