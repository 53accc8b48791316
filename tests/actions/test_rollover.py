"""The annual rollover, the actions' part: open actions and recommendations still awaiting the
executive's response are carried into the new municipal year (`carried_over_from_year`), keeping
their references; closed actions and answered recommendations stay behind, with the reason."""

import datetime as dt

import pytest
from django.core.management import call_command

from actions import progress, responses
from actions.models import Action, ExecutiveResponse, Resolution
from actions.rollover import roll_over
from committees.exemption import make_exempt
from committees.models import LONDON, AgendaItem, MunicipalYear

AFTER_ANNUAL_MEETING = dt.datetime(2018, 5, 21, 10, 0, tzinfo=LONDON)


@pytest.fixture
def year_of_business(set_clock, committee, december_item, overdue_action, dev, priya, july):
    """2017/18's actions and recommendations as the year ends; 2018/19 made by July's meeting."""
    set_clock(dt.datetime(2018, 3, 1, 10, 0, tzinfo=LONDON))
    signed = Action.objects.create(
        committee=committee, agenda_item=december_item, title="Circulate the audit", owner=dev
    )
    progress.sign_off(
        signed, text="Circulated to members.", by=priya.user, as_of=dt.date(2018, 2, 1)
    )
    dropped = Action.objects.create(
        committee=committee, agenda_item=december_item, title="Visit the Elm Road hub"
    )
    progress.withdraw(dropped, reason="The hub closed.", by=priya.user, as_of=dt.date(2018, 2, 2))
    awaiting, answered, unreferred = (
        Resolution.objects.create(
            agenda_item=december_item,
            position=position,
            text=text,
            kind=Resolution.Kind.RECOMMENDATION,
        )
        for position, text in [
            (1, "Cabinet to fund two more independent reviewing officers."),
            (2, "Cabinet to publish the sufficiency strategy."),
            (3, "Cabinet to review the short breaks offer."),
        ]
    )
    responses.refer_to_executive(awaiting, referred_on=dt.date(2018, 1, 8), by=priya.user)
    responses.record_decision(
        responses.refer_to_executive(answered, referred_on=dt.date(2018, 1, 8), by=priya.user),
        decision=ExecutiveResponse.Decision.ACCEPTED,
        responded_on=dt.date(2018, 2, 26),
        by=priya.user,
    )
    set_clock(AFTER_ANNUAL_MEETING)
    return {"awaiting": awaiting, "answered": answered, "unreferred": unreferred}


def lines(report, kind):
    return [
        (line.outcome, line.title, line.why)
        for line in report.committees[0].lines
        if line.kind == kind
    ]


def test_open_actions_are_carried_keeping_their_references_and_closed_ones_are_left(
    year_of_business, overdue_action, committee, july
):
    raised_this_year = Action.objects.create(
        committee=committee, title="Invite the new Director", due_back_meeting=july
    )

    report = roll_over("2018/19")

    old_year = MunicipalYear.objects.get(start_date=dt.date(2017, 5, 1))
    overdue_action.refresh_from_db()
    assert overdue_action.carried_over_from_year == old_year
    assert overdue_action.reference == "CS (17/18) A01"
    assert overdue_action.municipal_year == old_year
    raised_this_year.refresh_from_db()
    assert raised_this_year.carried_over_from_year is None
    assert lines(report, "action") == [
        (
            "carried",
            "CS (17/18) A01: Provide figures on placement moves for under-fives",
            "due 10 January 2018",
        ),
        ("left", "CS (17/18) A02: Circulate the audit", "completed on 1 February 2018"),
        ("left", "CS (17/18) A03: Visit the Elm Road hub", "withdrawn on 2 February 2018"),
    ]


def test_recommendations_awaiting_the_executive_are_carried_and_the_rest_left(
    year_of_business, committee
):
    report = roll_over("2018/19")

    old_year = MunicipalYear.objects.get(start_date=dt.date(2017, 5, 1))
    carried = {
        name: Resolution.objects.get(pk=r.pk).carried_over_from_year
        for name, r in year_of_business.items()
    }
    assert carried == {"awaiting": old_year, "answered": None, "unreferred": None}
    assert lines(report, "recommendation") == [
        (
            "carried",
            "CS (17/18) 01: Cabinet to fund two more independent reviewing officers.",
            "response due 8 March 2018",
        ),
        (
            "left",
            "CS (17/18) 02: Cabinet to publish the sufficiency strategy.",
            "answered: accepted on 26 February 2018",
        ),
        (
            "left",
            "CS (17/18) 03: Cabinet to review the short breaks offer.",
            "never referred to the executive, so no response is awaited",
        ),
    ]


def test_running_it_twice_changes_nothing(year_of_business, committee):
    roll_over("2018/19")
    actions = list(Action.objects.order_by("pk").values())
    resolutions = list(Resolution.objects.order_by("pk").values())
    history = Action.history.count() + Resolution.history.count()

    again = roll_over("2018/19")

    assert list(Action.objects.order_by("pk").values()) == actions
    assert list(Resolution.objects.order_by("pk").values()) == resolutions
    assert Action.history.count() + Resolution.history.count() == history
    assert again.changed_anything is False
    assert [(line.outcome, line.kind) for line in again.committees[0].already] == [
        ("already carried", "action"),
        ("already carried", "recommendation"),
    ]


def test_a_dry_run_saves_nothing(year_of_business, overdue_action):
    report = roll_over("2018/19", dry_run=True)

    assert lines(report, "action")[0][0] == "carried"
    assert not Action.objects.filter(carried_over_from_year__isnull=False).exists()
    assert not Resolution.objects.filter(carried_over_from_year__isnull=False).exists()


def test_an_action_still_open_a_year_later_is_carried_again_from_the_year_it_was_in(
    year_of_business, overdue_action, set_clock, make_meeting
):
    roll_over("2018/19")
    make_meeting(dt.date(2019, 6, 11))  # 2019/20's first meeting
    set_clock(dt.datetime(2019, 5, 20, 10, 0, tzinfo=LONDON))

    report = roll_over("2019/20")

    overdue_action.refresh_from_db()
    assert overdue_action.carried_over_from_year.label == "2018/19"
    assert lines(report, "action") == [
        (
            "carried",
            "CS (17/18) A01: Provide figures on placement moves for under-fives",
            "due 10 January 2018",
        )
    ]


def test_an_exempt_items_action_is_reported_by_its_reference_only(
    year_of_business, december_item, priya
):
    make_exempt(december_item, paragraph=1, public_title="A looked-after child", by=priya.user)

    report = roll_over("2018/19")

    assert lines(report, "action")[0] == (
        "carried",
        "CS (17/18) A01 (exempt item)",
        "due 10 January 2018",
    )
    assert [t for _, t, _ in lines(report, "recommendation")] == [
        "CS (17/18) 01 (exempt item)",
        "CS (17/18) 02 (exempt item)",
        "CS (17/18) 03 (exempt item)",
    ]


def test_the_command_prints_what_it_carried(year_of_business, capsys):
    AgendaItem.objects.update(is_exempt=False)
    call_command("rollover_year", "2018/19", "--committee", "childrens-services")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Rollover into 2018/19"
    assert out[1] == (
        "Children's Services Overview and Scrutiny Committee: 2017/18 -> 2018/19 "
        "(work programme opened)"
    )
    assert out[-1] == (
        "Carried 0 topic(s), 1 action(s), 1 recommendation(s); already carried 0; left 4; "
        "membership changes recorded 0."
    )


def test_the_action_and_recommendation_pages_say_they_were_carried_over(
    year_of_business, overdue_action, client, priya
):
    roll_over("2018/19")
    client.force_login(priya.user)

    action_page = " ".join(client.get(f"/actions/{overdue_action.pk}/").content.decode().split())
    assert (
        "<dt>Carried over</dt><dd>Still open at the end of 2017/18, so carried into the next "
        "municipal year</dd>"
    ) in action_page
    awaiting = year_of_business["awaiting"]
    page = " ".join(client.get(f"/resolutions/{awaiting.pk}/").content.decode().split())
    assert (
        "<dt>Carried over</dt><dd>Still awaiting the executive's response at the end of "
        "2017/18, so carried into the next municipal year</dd>"
    ) in page
    answered = year_of_business["answered"]
    assert "Carried over" not in client.get(f"/resolutions/{answered.pk}/").content.decode()
