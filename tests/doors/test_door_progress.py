"""Issue 11, parts 9 and 10: every door keeps the same rules for progress and for deleting.

Riverside's Children's Services committee met on Tuesday 10 November 2026 and raised an
action for Dev Okafor; it is now Tuesday 1 December 2026 (the clock is moved, never waited
for). The doors are the API, the action's page, the admin (its update page, the update
inline of the action's page, and its list actions) and the form behind a reminder's link.
Each must refuse the same things with the same message, and never delete history.
"""

import datetime as dt
import html

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actions.models import RAG, Action, ActionUpdate, Resolution
from actions.progress import record_update
from committees.models import LONDON, AgendaItem
from tracker.reminders import links

D = dt.date
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)

IN_THE_FUTURE = "The reporting date cannot be in the future."
BEFORE_RAISED = (
    "The reporting date cannot be before CS (26/27) A01 was raised, on 10 November 2026."
)
COMPLETED_BY_SIGN_OFF = (
    "Completed is recorded only by signing the action off, which the committee's chair or "
    "vice-chair (or democratic services) does."
)
WITHDRAW_INSTEAD = (
    "CS (26/27) A01 has progress recorded, which is kept as its history: withdraw the action "
    "instead of deleting it."
)
RESOLUTION_KEPT = (
    "CS (26/27) 01 has actions, which are kept with their history: withdraw them instead of "
    "deleting the resolution."
)


@pytest.fixture
def clock(monkeypatch):
    """Tuesday 1 December 2026, 10:00 in London: every "today" counts from here."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW.date()


@pytest.fixture
def november(make_meeting):
    return make_meeting(D(2026, 11, 10))


@pytest.fixture
def resolution(november, dev):
    item = AgendaItem.objects.create(
        meeting=november, position=1, title="Social Worker Recruitment", report_author=dev
    )
    return Resolution.objects.create(
        agenda_item=item,
        number="1",
        text="That members receive the exit interview analysis.",
        kind=Resolution.Kind.ACTION,
    )


@pytest.fixture
def action(clock, resolution, dev):
    """Raised at the 10 November 2026 meeting; Dev owns it."""
    return Action.objects.create(
        resolution=resolution,
        title="Send members the exit interview analysis",
        owner=dev,
        due_date=D(2027, 1, 14),
    )


@pytest.fixture
def officer(priya):
    """Priya as a democratic services officer: staff, with the apps' model permissions."""
    priya.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["committees", "actions"])
    )
    return priya


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def shown(response) -> str:
    """What the person reads: the body, with HTML's escapes undone."""
    return html.unescape(response.content.decode())


# --- The doors that record an update -----------------------------------------------------------
# Each posts one update ({text, rag, as_of}) as a person allowed to use that door, and answers
# (status code, what the person reads).


def through_the_api(action, person, fields):
    response = api_as(person).post(
        "/api/action-updates/", {"action": action.pk, **fields}, format="json"
    )
    return response.status_code, shown(response)


def through_the_action_page(action, person, fields, client):
    client.force_login(person.user)
    response = client.post(action.get_absolute_url(), fields)
    return response.status_code, shown(response)


def through_the_admin_update_page(action, person, fields, client):
    client.force_login(person.user)
    response = client.post(admin_url(ActionUpdate, "add"), {"action": action.pk, **fields})
    return response.status_code, shown(response)


def through_the_admin_action_inline(action, person, fields, client):
    client.force_login(person.user)
    page = client.get(admin_url(Action, "change", action.pk))
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        if value not in (None, False):
            data[bound.html_name] = "on" if value is True else value
    initial = page.context["inline_admin_formsets"][0].formset.initial_form_count()
    for index, update in enumerate(action.updates.order_by("pk")):
        data[f"updates-{index}-id"] = update.pk
        data[f"updates-{index}-action"] = action.pk
    for name, value in fields.items():
        data[f"updates-{initial}-{name}"] = value
    data.update(
        {
            f"updates-{initial}-action": action.pk,
            "updates-TOTAL_FORMS": initial + 1,
            "updates-INITIAL_FORMS": initial,
            "updates-MIN_NUM_FORMS": 0,
            "updates-MAX_NUM_FORMS": 1000,
        }
    )
    response = client.post(admin_url(Action, "change", action.pk), data)
    return response.status_code, shown(response)


def through_the_reminder_link(action, person, fields, client):
    """The emailed link records today's progress: it has no date to give."""
    fields = {name: value for name, value in fields.items() if name != "as_of"}
    response = client.post(links.action_update_url(action, action.owner), fields)
    return response.status_code, shown(response)


# (door, who uses it, the status code of a refusal)
DATED_DOORS = [
    pytest.param(through_the_api, "dev", 400, id="api"),
    pytest.param(through_the_action_page, "dev", 400, id="action page"),
    pytest.param(through_the_admin_update_page, "officer", 200, id="admin update page"),
    pytest.param(through_the_admin_action_inline, "officer", 200, id="admin action inline"),
]
EVERY_DOOR = [*DATED_DOORS, pytest.param(through_the_reminder_link, "dev", 400, id="link")]


def post(door, action, person, fields, client):
    if door is through_the_api:
        return door(action, person, fields)
    return door(action, person, fields, client)


@pytest.mark.parametrize("as_of", ["2099-01-01", "9999-12-31", "2026-12-02"])
@pytest.mark.parametrize(("door", "who", "refused"), DATED_DOORS)
def test_it_refuses_an_update_dated_in_the_future_at_every_door(
    request, client, action, officer, door, who, refused, as_of
):
    person = request.getfixturevalue(who)
    fields = {"text": "Analysis drafted.", "rag": "GREEN", "as_of": as_of}

    status, page = post(door, action, person, fields, client)

    assert status == refused
    assert IN_THE_FUTURE in page
    assert not action.updates.exists()


@pytest.mark.parametrize("as_of", ["1999-01-01", "2026-11-09"])
@pytest.mark.parametrize(("door", "who", "refused"), DATED_DOORS)
def test_it_refuses_an_update_dated_before_the_action_was_raised_at_every_door(
    request, client, action, officer, door, who, refused, as_of
):
    person = request.getfixturevalue(who)
    fields = {"text": "Analysis drafted.", "rag": "GREEN", "as_of": as_of}

    status, page = post(door, action, person, fields, client)

    assert status == refused
    assert BEFORE_RAISED in page
    assert not action.updates.exists()


@pytest.mark.parametrize("as_of", ["2026-11-10", "2026-12-01"])
def test_an_update_dated_from_the_day_it_was_raised_to_today_is_recorded(action, dev, as_of):
    response = api_as(dev).post(
        "/api/action-updates/",
        {"action": action.pk, "text": "Analysis drafted.", "rag": "GREEN", "as_of": as_of},
        format="json",
    )

    assert response.status_code == 201
    assert action.updates.get().as_of == D.fromisoformat(as_of)


@pytest.mark.parametrize(("door", "who", "refused"), EVERY_DOOR)
def test_it_refuses_completed_outside_a_sign_off_at_every_door(
    request, client, action, officer, door, who, refused
):
    person = request.getfixturevalue(who)
    fields = {"text": "Analysis sent to members.", "rag": "COMPLETED", "as_of": "2026-11-30"}

    status, page = post(door, action, person, fields, client)

    assert status == refused
    assert COMPLETED_BY_SIGN_OFF in page
    assert not action.updates.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_the_chair_too_records_completed_only_by_signing_off_through_the_api(action, alan):
    refused = api_as(alan).post(
        "/api/action-updates/",
        {"action": action.pk, "text": "Analysis sent to members.", "rag": "COMPLETED"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"rag": [COMPLETED_BY_SIGN_OFF]}

    signed = api_as(alan).post(
        f"/api/actions/{action.pk}/sign-off/", {"text": "Analysis sent to members."}, format="json"
    )
    assert signed.status_code == 200
    assert (signed.data["status"], signed.data["latest_rag"]) == ("completed", "COMPLETED")


def test_an_owner_may_not_close_their_own_action_through_the_api(action, dev):
    refused = api_as(dev).post(
        "/api/action-updates/",
        {
            "action": action.pk,
            "text": "Analysis sent to members.",
            "rag": "COMPLETED",
            "closes_action": True,
        },
        format="json",
    )

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Only the committee's chair or vice-chair (or democratic services) signs an "
        "action off or closes it."
    }
    assert not action.updates.exists()


def test_it_refuses_a_sign_off_dated_in_the_future_through_the_api_and_the_admin(
    client, action, alan, officer
):
    through_api = api_as(alan).post(
        f"/api/actions/{action.pk}/sign-off/",
        {"text": "Analysis sent to members.", "as_of": "2099-01-01"},
        format="json",
    )
    assert through_api.status_code == 400
    assert through_api.json() == {"as_of": [IN_THE_FUTURE]}

    client.force_login(officer.user)
    through_admin = client.post(
        admin_url(Action, "changelist"),
        {
            "action": "sign_off_selected",
            helpers.ACTION_CHECKBOX_NAME: [action.pk],
            "apply": "1",
            "text": "Analysis sent to members.",
            "as_of": "2099-01-01",
        },
        follow=True,
    )
    assert IN_THE_FUTURE in shown(through_admin)

    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    assert not action.updates.exists()


def test_a_refused_future_update_leaves_the_latest_rag_to_todays_update(action, dev):
    client = api_as(dev)
    pinned = client.post(
        "/api/action-updates/",
        {"action": action.pk, "text": "Done, surely.", "rag": "GREEN", "as_of": "9999-12-31"},
        format="json",
    )
    assert pinned.status_code == 400
    today = client.post(
        "/api/action-updates/",
        {"action": action.pk, "text": "Two exit interviews still missing.", "rag": "RED"},
        format="json",
    )
    assert today.status_code == 201

    read = client.get(f"/api/actions/{action.pk}/")
    assert (read.data["latest_rag"], action.updates.get().as_of) == ("RED", D(2026, 12, 1))


# --- The latest RAG ------------------------------------------------------------------------------


@pytest.fixture
def timeline(action, priya):
    """GREEN on 20 November; AMBER then RED both for 25 November, recorded at the same moment;
    then a late GREEN for 18 November. The latest RAG is RED: latest date, then latest recorded.
    """
    for as_of, rag in [
        (D(2026, 11, 20), RAG.GREEN),
        (D(2026, 11, 25), RAG.AMBER),
        (D(2026, 11, 25), RAG.RED),
        (D(2026, 11, 18), RAG.GREEN),
    ]:
        record_update(action, text=f"{rag.label} on {as_of}", rag=rag, as_of=as_of, by=priya.user)
    ActionUpdate.objects.update(recorded_at=NOW)
    return action


def test_the_latest_rag_is_the_latest_date_then_the_latest_recorded_at_every_door(
    client, timeline, officer
):
    assert Action.objects.with_latest_rag().get(pk=timeline.pk).latest_rag == RAG.RED

    staff = api_as(officer)
    assert staff.get(f"/api/actions/{timeline.pk}/").data["latest_rag"] == "RED"
    assert [a["reference"] for a in staff.get("/api/actions/?rag=RED").data["results"]] == [
        "CS (26/27) A01"
    ]
    assert staff.get("/api/actions/?rag=AMBER").data["results"] == []

    client.force_login(officer.user)
    listed = client.get(admin_url(Action, "changelist"))
    assert [
        listed.context["cl"].model_admin.latest_rag(row) for row in listed.context["cl"].result_list
    ] == ["Red"]

    page = client.get(reverse("tracker:committee-actions", args=["childrens-services"]))
    assert [a.latest_rag for a in page.context["page"]] == ["RED"]


# --- Closing and reopening keep the latest RAG true ----------------------------------------------

CLOSED_BEFORE_LATEST = (
    "A closing update cannot be dated before the latest update on CS (26/27) A01, of "
    "19 November 2026."
)


@pytest.fixture
def green_on_the_19th(action, dev):
    """Dev's latest update: GREEN, for 19 November 2026."""
    record_update(
        action, text="Analysis with HR.", rag=RAG.GREEN, as_of=D(2026, 11, 19), by=dev.user
    )
    return action


def listed(person, query) -> list[str]:
    return [a["reference"] for a in api_as(person).get(f"/api/actions/?{query}").data["results"]]


def through_the_api_sign_off(action, person, as_of, client):
    response = api_as(person).post(
        f"/api/actions/{action.pk}/sign-off/", {"text": "done", "as_of": as_of}, format="json"
    )
    return response.status_code, shown(response)


def through_the_api_withdraw(action, person, as_of, client):
    response = api_as(person).post(
        f"/api/actions/{action.pk}/withdraw/", {"text": "Not wanted", "as_of": as_of}, format="json"
    )
    return response.status_code, shown(response)


def through_an_api_closing_update(action, person, as_of, client):
    fields = {"text": "done", "closes_action": True, "as_of": as_of}
    return through_the_api(action, person, fields)


def through_the_admin_sign_off(action, person, as_of, client):
    client.force_login(person.user)
    response = client.post(
        admin_url(Action, "changelist"),
        {
            "action": "sign_off_selected",
            helpers.ACTION_CHECKBOX_NAME: [action.pk],
            "apply": "1",
            "text": "done",
            "as_of": as_of,
        },
        follow=True,
    )
    return response.status_code, shown(response)


def through_an_admin_closing_update(action, person, as_of, client):
    fields = {"text": "done", "closes_action": "on", "as_of": as_of}
    return through_the_admin_update_page(action, person, fields, client)


def through_an_admin_closing_inline(action, person, as_of, client):
    fields = {"text": "done", "closes_action": "on", "as_of": as_of}
    return through_the_admin_action_inline(action, person, fields, client)


CLOSING_DOORS = [
    pytest.param(through_the_api_sign_off, "alan", 400, id="api sign-off"),
    pytest.param(through_the_api_withdraw, "alan", 400, id="api withdraw"),
    pytest.param(through_an_api_closing_update, "alan", 400, id="api closing update"),
    pytest.param(through_the_admin_sign_off, "officer", 200, id="admin sign-off"),
    pytest.param(through_an_admin_closing_update, "officer", 200, id="admin update page"),
    pytest.param(through_an_admin_closing_inline, "officer", 200, id="admin action inline"),
]


@pytest.mark.parametrize(("door", "who", "refused"), CLOSING_DOORS)
def test_it_refuses_to_close_an_action_before_its_latest_update_at_every_door(
    request, client, green_on_the_19th, officer, door, who, refused
):
    action = green_on_the_19th
    person = request.getfixturevalue(who)

    status, page = door(action, person, "2026-11-12", client)

    assert status == refused
    assert CLOSED_BEFORE_LATEST in page
    action.refresh_from_db()
    assert (action.status, action.closed_on, action.updates.count()) == ("open", None, 1)
    assert Action.objects.with_latest_rag().get(pk=action.pk).latest_rag == "GREEN"


def test_the_api_refuses_a_sign_off_before_the_latest_update_on_its_date_field(
    green_on_the_19th, alan
):
    refused = api_as(alan).post(
        f"/api/actions/{green_on_the_19th.pk}/sign-off/",
        {"text": "done", "as_of": "2026-11-12"},
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json() == {"as_of": [CLOSED_BEFORE_LATEST]}
    assert listed(alan, "rag=COMPLETED") == []
    assert listed(alan, "rag=GREEN") == ["CS (26/27) A01"]


@pytest.mark.parametrize("as_of", ["2026-11-19", "2026-12-01"])
def test_a_sign_off_on_or_after_the_latest_update_makes_the_latest_rag_completed(
    green_on_the_19th, alan, as_of
):
    signed = api_as(alan).post(
        f"/api/actions/{green_on_the_19th.pk}/sign-off/",
        {"text": "done", "as_of": as_of},
        format="json",
    )

    assert signed.status_code == 200
    assert (signed.data["status"], signed.data["closed_on"], signed.data["latest_rag"]) == (
        "completed",
        as_of,
        "COMPLETED",
    )
    assert listed(alan, "rag=COMPLETED") == ["CS (26/27) A01"]
    assert listed(alan, "rag=GREEN") == []


def test_a_closing_update_sent_with_green_carries_completed(green_on_the_19th, alan):
    closed = api_as(alan).post(
        "/api/action-updates/",
        {
            "action": green_on_the_19th.pk,
            "text": "Analysis sent to members.",
            "rag": "GREEN",
            "closes_action": True,
            "as_of": "2026-11-30",
        },
        format="json",
    )

    assert closed.status_code == 201
    assert (closed.data["rag"], closed.data["closes_action"]) == ("COMPLETED", True)
    read = api_as(alan).get(f"/api/actions/{green_on_the_19th.pk}/").data
    assert (read["status"], read["closed_on"], read["latest_rag"]) == (
        "completed",
        "2026-11-30",
        "COMPLETED",
    )
    assert listed(alan, "rag=COMPLETED") == ["CS (26/27) A01"]
    assert listed(alan, "rag=GREEN") == []


def test_a_closing_update_in_the_admin_inline_with_no_rag_carries_completed(
    client, green_on_the_19th, officer
):
    status, _ = through_an_admin_closing_inline(green_on_the_19th, officer, "2026-11-30", client)

    assert status == 302
    closing = green_on_the_19th.updates.get(closes_action=True)
    assert (closing.as_of, closing.rag) == (D(2026, 11, 30), "COMPLETED")
    assert Action.objects.with_latest_rag().get(pk=green_on_the_19th.pk).latest_rag == "COMPLETED"


def test_a_reopened_action_is_not_listed_as_completed(client, green_on_the_19th, alan, officer):
    chair = api_as(alan)
    url = f"/api/actions/{green_on_the_19th.pk}/"
    assert chair.post(url + "sign-off/", {"text": "done", "as_of": "2026-11-25"}, format="json")

    reopened = chair.post(url + "reopen/", {"text": "x"}, format="json")

    assert reopened.status_code == 200
    assert (reopened.data["status"], reopened.data["closed_on"], reopened.data["latest_rag"]) == (
        "open",
        None,
        "GREEN",
    )
    assert listed(alan, "rag=COMPLETED") == []
    assert listed(alan, "rag=GREEN") == ["CS (26/27) A01"]
    # Its history still says it was signed off, then reopened.
    assert list(
        green_on_the_19th.updates.order_by("pk").values_list("as_of", "rag", "closes_action")
    ) == [
        (D(2026, 11, 19), "GREEN", False),
        (D(2026, 11, 25), "COMPLETED", True),
        (D(2026, 12, 1), "", False),
    ]
    client.force_login(officer.user)
    changelist = client.get(admin_url(Action, "changelist"))
    cl = changelist.context["cl"]
    assert [cl.model_admin.latest_rag(row) for row in cl.result_list] == ["Green"]
    page = client.get(reverse("tracker:committee-actions", args=["childrens-services"]))
    assert [a.latest_rag for a in page.context["page"]] == ["GREEN"]


def test_a_reopened_action_with_no_rag_before_its_sign_off_has_no_latest_rag(action, alan):
    chair = api_as(alan)
    assert chair.post(f"/api/actions/{action.pk}/sign-off/", {"text": "done"}, format="json")

    reopened = chair.post(f"/api/actions/{action.pk}/reopen/", {"text": "x"}, format="json")

    assert (reopened.data["status"], reopened.data["latest_rag"]) == ("open", None)
    assert listed(alan, "rag=COMPLETED") == []


def test_an_action_withdrawn_after_reopening_is_not_listed_as_completed(green_on_the_19th, alan):
    chair = api_as(alan)
    url = f"/api/actions/{green_on_the_19th.pk}/"
    assert chair.post(url + "sign-off/", {"text": "done", "as_of": "2026-11-25"}, format="json")
    assert chair.post(url + "reopen/", {"text": "x"}, format="json")

    withdrawn = chair.post(url + "withdraw/", {"text": "Not wanted"}, format="json")

    assert (withdrawn.data["status"], withdrawn.data["latest_rag"]) == ("withdrawn", "GREEN")
    assert listed(alan, "rag=COMPLETED") == []


def test_after_reopening_a_new_sign_off_is_dated_from_the_reopening(green_on_the_19th, alan):
    chair = api_as(alan)
    url = f"/api/actions/{green_on_the_19th.pk}/"
    assert chair.post(url + "sign-off/", {"text": "done", "as_of": "2026-11-25"}, format="json")
    assert chair.post(url + "reopen/", {"text": "x"}, format="json")

    refused = chair.post(url + "sign-off/", {"text": "done", "as_of": "2026-11-30"}, format="json")
    signed = chair.post(url + "sign-off/", {"text": "done again"}, format="json")

    assert refused.json() == {
        "as_of": [
            "A closing update cannot be dated before the latest update on CS (26/27) A01, of "
            "1 December 2026."
        ]
    }
    assert (signed.data["status"], signed.data["latest_rag"]) == ("completed", "COMPLETED")
    assert listed(alan, "rag=COMPLETED") == ["CS (26/27) A01"]


# --- Deleting: history is kept, withdraw instead --------------------------------------------------


@pytest.fixture
def action_with_progress(action, dev):
    record_update(
        action, text="Analysis drafted.", rag=RAG.AMBER, as_of=D(2026, 11, 20), by=dev.user
    )
    return action


def resolution_form_data(client, resolution, *, delete):
    """The resolution's change form as the browser posts it, with one action ticked to delete."""
    page = client.get(admin_url(Resolution, "change", resolution.pk))
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        if value not in (None, False):
            data[bound.html_name] = "on" if value is True else value
    for formset in page.context["inline_admin_formsets"]:
        formset = formset.formset
        prefix = formset.prefix
        for index, form in enumerate(formset.initial_forms):
            for bound in form:
                value = bound.value()
                if value not in (None, False):
                    data[bound.html_name] = "on" if value is True else value
            if form.instance == delete:
                data[f"{prefix}-{index}-DELETE"] = "on"
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": formset.initial_form_count(),
                f"{prefix}-INITIAL_FORMS": formset.initial_form_count(),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def test_an_action_with_progress_is_kept_and_every_door_says_to_withdraw_it(
    client, action_with_progress, officer
):
    action = action_with_progress

    through_api = api_as(officer).delete(f"/api/actions/{action.pk}/")
    assert through_api.status_code == 409
    assert through_api.json() == {"detail": WITHDRAW_INSTEAD}

    client.force_login(officer.user)
    delete_page = client.post(admin_url(Action, "delete", action.pk), {"post": "yes"})
    assert WITHDRAW_INSTEAD in shown(delete_page)

    bulk = client.post(
        admin_url(Action, "changelist"),
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [action.pk], "post": "yes"},
    )
    assert WITHDRAW_INSTEAD in shown(bulk)

    inline = client.post(
        admin_url(Resolution, "change", action.resolution_id),
        resolution_form_data(client, action.resolution, delete=action),
    )
    assert WITHDRAW_INSTEAD in shown(inline)

    with pytest.raises(ProtectedError, match="withdraw the action instead"):
        action.delete()
    with pytest.raises(ProtectedError):
        Action.objects.filter(pk=action.pk).delete()

    assert Action.objects.filter(pk=action.pk).exists()
    assert action.updates.count() == 1


def test_an_action_entered_by_mistake_with_no_progress_can_still_be_deleted(
    client, action, resolution, officer
):
    assert api_as(officer).delete(f"/api/actions/{action.pk}/").status_code == 204

    second = Action.objects.create(resolution=resolution, title="Entered twice")
    client.force_login(officer.user)
    client.post(admin_url(Action, "delete", second.pk), {"post": "yes"})
    assert not Action.objects.exists()


def test_a_resolution_with_actions_is_kept_at_every_door(client, action, resolution, officer):
    through_api = api_as(officer).delete(f"/api/resolutions/{resolution.pk}/")
    assert through_api.status_code == 409
    assert through_api.json() == {"detail": RESOLUTION_KEPT}

    client.force_login(officer.user)
    delete_page = client.post(admin_url(Resolution, "delete", resolution.pk), {"post": "yes"})
    assert RESOLUTION_KEPT in shown(delete_page)

    bulk = client.post(
        admin_url(Resolution, "changelist"),
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [resolution.pk], "post": "yes"},
    )
    assert RESOLUTION_KEPT in shown(bulk)
    assert Resolution.objects.filter(pk=resolution.pk).exists()
