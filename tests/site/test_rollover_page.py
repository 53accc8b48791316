"""The officer's rollover page: a preview that saves nothing, then a confirmation that does the
rollover; democratic services only; a year or change it cannot use is a 400 saying why."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from actions.models import Action
from committees.models import LONDON, Membership, Person, WorkProgramme, WorkProgrammeTopic
from committees.programme import add_topic

URL = reverse("tracker:rollover")


@pytest.fixture
def ending_year(autumn_2017, set_clock, committee, december, overdue_action):
    add_topic(WorkProgramme.for_meeting(december), title="Foster carer recruitment")
    add_topic(
        WorkProgramme.for_meeting(december),
        title="Closure of Elm House children's home",
        is_exempt=True,
        exempt_paragraph=3,
        public_title="A residential care contract",
    )
    set_clock(dt.datetime(2018, 5, 21, 10, 0, tzinfo=LONDON))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_only_democratic_services_may_open_it(client, alan, priya, ending_year):
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(alan.user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"year": "2018/19", "confirm": "yes"}).status_code == 404
    assert WorkProgramme.objects.count() == 1
    client.force_login(priya.user)
    assert client.get(URL).status_code == 200


def test_the_preview_shows_what_will_be_carried_and_saves_nothing(client, priya, ending_year):
    client.force_login(priya.user)
    response = client.post(URL, {"year": "2018/19", "committee": ["childrens-services"]})

    assert response.status_code == 200
    page = text(response)
    assert "Check the rollover" in page
    assert "Nothing has been saved yet." in page
    assert "Topic Foster carer recruitment Carried tbc" in page
    assert "Topic A residential care contract (exempt, paragraph 3) Carried tbc" in page
    assert (
        "Action CS (17/18) A01: Provide figures on placement moves for under-fives Carried "
        "due 10 January 2018"
    ) in page
    assert "Elm House" not in page
    assert WorkProgramme.objects.count() == 1
    assert not WorkProgrammeTopic.objects.filter(status="carried_over").exists()
    assert 'name="confirm" value="yes"' in response.content.decode()


def test_confirming_does_the_rollover_once(client, priya, ending_year, alan):
    rosa = Person.objects.create(name="Rosa Quinn")
    client.force_login(priya.user)
    data = {
        "year": "2018/19",
        "committee": ["childrens-services"],
        "annual_meeting_day": "16",
        "annual_meeting_month": "5",
        "annual_meeting_year": "2018",
        "memberships": "childrens-services; Alan Marsh; member\r\n"
        "childrens-services; Rosa Quinn; chair",
        "confirm": "yes",
    }
    response = client.post(URL, data)

    assert response.status_code == 200
    assert "Rollover done" in text(response)
    assert WorkProgrammeTopic.objects.filter(status="carried_over").count() == 2
    assert Action.objects.get().carried_over_from_year.label == "2017/18"
    carried = WorkProgrammeTopic.objects.get(
        title="Foster carer recruitment", carried_over_from__isnull=False
    )
    assert carried.history.first().history_user == priya.user
    assert Membership.objects.get(person=rosa).start_date == dt.date(2018, 5, 16)

    again = client.post(URL, data)
    assert "Nothing changed: everything was already carried into 2018/19." in text(again)
    assert WorkProgrammeTopic.objects.count() == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"year": "2018-19"},
            "Write the municipal year as councils do, such as 2027/28, not “2018-19”.",
        ),
        (
            {"year": "2021/22"},
            "2021/22 would not follow 2017/18, the latest municipal year of Riverside Borough Council. Roll over into 2018/19 first.",
        ),
        (
            {"year": "2018/19", "committee": ["nowhere"]},
            "Select a valid choice. nowhere is not one of the available choices.",
        ),
        (
            {"year": "2018/19", "memberships": "childrens-services; Nobody Known; member"},
            "Nobody in the tracker is “Nobody Known”: add them as a person first.",
        ),
        (
            {
                "year": "2018/19",
                "annual_meeting_day": "31",
                "annual_meeting_month": "2",
                "annual_meeting_year": "2019",
            },
            "Date of the annual meeting must be a real date.",
        ),
        (
            {"year": "2018/19", "annual_meeting_day": "16", "annual_meeting_year": "2018"},
            "Date of the annual meeting must include a month.",
        ),
        ({"year": ""}, "Enter the new municipal year, like 2027/28."),
        (
            {"year": "2018/19", "memberships": "childrens-services; ²; member"},
            "Nobody in the tracker is “²”: add them as a person first.",
        ),
        (
            {"year": "2018/19", "memberships": "childrens-services; #٣; member"},
            "Nobody in the tracker is “#٣”: add them as a person first.",
        ),
    ],
)
def test_what_it_cannot_use_is_a_400_naming_the_problem(client, priya, ending_year, data, message):
    client.force_login(priya.user)
    response = client.post(URL, {**data, "confirm": "yes"})

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert WorkProgramme.objects.count() == 1


CHANGES = "childrens-services; Alan Marsh; member\nchildrens-services; Rosa Quinn; chair"


def test_the_preview_carries_the_annual_meeting_date_into_the_confirmation(
    client, priya, ending_year, alan
):
    rosa = Person.objects.create(name="Rosa Quinn")
    client.force_login(priya.user)
    preview = client.post(
        URL,
        {
            "year": "2018/19",
            "committee": ["childrens-services"],
            "annual_meeting_day": "16",
            "annual_meeting_month": "5",
            "annual_meeting_year": "2018",
            "memberships": CHANGES,
        },
    )
    assert "Membership changes take effect at the annual meeting of 16 May 2018." in text(preview)
    assert '<input type="hidden" name="annual_meeting" value="2018-05-16">' in (
        preview.content.decode()
    )

    done = client.post(
        URL,
        {
            "year": "2018/19",
            "committee": ["childrens-services"],
            "annual_meeting": "2018-05-16",
            "memberships": CHANGES,
            "confirm": "yes",
        },
    )
    assert "Rollover done" in text(done)
    assert Membership.objects.get(person=rosa).start_date == dt.date(2018, 5, 16)


def test_the_annual_meeting_date_is_asked_for_in_day_month_and_year_boxes(client, priya):
    client.force_login(priya.user)
    page = client.get(URL).content.decode()
    for part in ("day", "month", "year"):
        assert f'name="annual_meeting_{part}"' in page


def test_too_many_membership_lines_are_refused(client, priya, ending_year):
    client.force_login(priya.user)
    lines = "\n".join("childrens-services; Alan Marsh; member" for _ in range(501))
    response = client.post(URL, {"year": "2018/19", "memberships": lines})
    assert response.status_code == 400
    assert "Give at most 500 membership changes at a time, not 501." in text(response)


def test_the_old_programme_lists_a_carried_topic_among_the_closed_ones(client, priya, ending_year):
    client.force_login(priya.user)
    client.post(URL, {"year": "2018/19", "confirm": "yes"})
    old = WorkProgramme.objects.get(municipal_year__start_date=dt.date(2017, 5, 1))

    closed = text(client.get(f"/work-programmes/{old.pk}/?status=closed"))
    assert "Merged, withdrawn or carried over" in closed
    assert "Foster carer recruitment" in closed
    assert "Carried over" in closed
    assert "Foster carer recruitment" not in text(client.get(f"/work-programmes/{old.pk}/"))


def test_officers_reach_it_from_the_menu_and_others_do_not_see_it(client, priya, alan, committee):
    client.force_login(priya.user)
    assert '<a href="/rollover/">New year</a>' in client.get("/my-work/").content.decode()
    assert (
        '<a href="/rollover/" aria-current="page">New year</a>' in client.get(URL).content.decode()
    )
    client.force_login(alan.user)
    assert "/rollover/" not in client.get("/my-work/").content.decode()
