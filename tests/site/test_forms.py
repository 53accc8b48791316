"""Forms as GOV.UK does them, on 22 January 2018: day, month and year boxes, the error
summary first on the page, a message for every refusal, one wording per action."""

import re

import pytest

from committees.models import Person, WorkProgrammeTopic
from tests.site import page_world as support
from tests.site.page_world import login
from tests.site.test_pages import text_of

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main-content"') :]


def test_dates_are_asked_for_as_day_month_and_year(client, world, dev):
    login(client, dev)
    html = client.get(world["figures"].get_absolute_url()).content.decode()
    fieldset = re.search(r'<fieldset class="fieldset".*?</fieldset>', html, re.S).group(0)
    assert '<legend class="fieldset__legend">Reporting date</legend>' in fieldset
    assert re.findall(r'<label class="date-input__label" for="(\w+)">(\w+)</label>', fieldset) == [
        ("id_as_of_day", "Day"),
        ("id_as_of_month", "Month"),
        ("id_as_of_year", "Year"),
    ]
    assert 'type="date"' not in html
    assert fieldset.count('inputmode="numeric"') == 3


def test_an_update_dated_by_day_month_and_year_is_recorded(client, world, dev):
    login(client, dev)
    url = world["figures"].get_absolute_url()
    data = {"text": "Figures in.", "as_of_day": "19", "as_of_month": "1", "as_of_year": "2018"}
    assert client.post(url, data).status_code == 302
    assert str(world["figures"].updates.get(text="Figures in.").as_of) == "2018-01-19"
    for parts, words in [
        (("", "1", "2018"), "Reporting date must include a day."),
        (("19", "", ""), "Reporting date must include a month and a year."),
        (("30", "2", "2018"), "Reporting date must be a real date."),
        (("1", "1", "18"), "Reporting date: the year must have 4 numbers, like 2026."),
        (("one", "1", "2018"), "Reporting date must be a real date, in numbers."),
    ]:
        day, month, year = parts
        response = client.post(
            url,
            {"text": "x", "as_of_day": day, "as_of_month": month, "as_of_year": year},
        )
        assert response.status_code == 400, parts
        assert f"There is a problem {words}" in text_of(response), parts
    # The summary's link goes to the first box to put right.
    response = client.post(url, {"text": "x", "as_of_day": "19", "as_of_year": "2018"})
    assert '<a href="#id_as_of_month">Reporting date must include a month.</a>' in (
        response.content.decode()
    )


def test_the_error_summary_comes_first_and_takes_focus(client, world, alan):
    login(client, alan)
    response = client.post(f"{world['figures'].get_absolute_url()}sign-off/", {"text": ""})
    assert response.status_code == 400
    main = main_of(response)
    # First in main, before the heading: role alert, focusable, focused by site.js.
    assert main.index('class="error-summary"') < main.index("<h1>")
    summary = re.search(r'<div class="error-summary".*?</div>', main, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'data-module="error-summary"' in summary
    assert (
        '<a href="#id_sign_off_text">Say what was done, so the tracker explains why it closed.</a>'
        in summary
    )
    assert 'id="id_sign_off_text"' in main
    assert '<script src="/static/tracker/site.js"></script>' in response.content.decode()


def test_the_topic_has_one_lead_not_an_officer_and_an_organisation(client, world, priya, dev):
    login(client, priya)
    url = f"/work-programmes/{world['programme'].pk}/add/"
    response = client.post(
        url, {"title": "Child Exploitation", "lead_officer": dev.pk, "lead_officer_text": "NELFT"}
    )
    assert response.status_code == 400
    assert (
        "There is a problem Choose a lead officer or type a lead organisation, not both: the "
        "topic has one lead."
    ) in text_of(response)
    assert not WorkProgrammeTopic.objects.filter(title="Child Exploitation").exists()


def test_people_are_listed_by_council_the_committee_s_own_first(client, world, priya):
    Person.objects.create(name="Nadia Khan", organisation="NELFT")
    Person.objects.create(name="Owen Price", organisation="Riverside Borough Council")
    login(client, priya)
    html = client.get(f"/work-programmes/{world['programme'].pk}/add/").content.decode()
    select = re.search(r'<select name="lead_officer".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _ in groups] == [
        "Riverside Borough Council",
        "NELFT",
        "Organisation not recorded",
    ]
    assert re.findall(r">([^<]+)</option>", groups[0][1]) == ["Owen Price"]
    assert "---------" not in select


def test_move_and_defer_each_speak_of_themselves(client, world, priya, march):
    login(client, priya)
    topic = world["youth"]
    move = client.post(f"/topics/{topic.pk}/move/", {"to_meeting": march.pk})
    assert "There is a problem Say why it is moved later: a move to a later meeting" in (
        text_of(move)
    )
    assert "Move to" in text_of(move) and "Defer to" not in text_of(move)
    defer = client.post(f"/topics/{topic.pk}/defer/", {"to_meeting": march.pk})
    assert "There is a problem Say why it is deferred: the report author is told the reason." in (
        text_of(defer)
    )
    empty = client.post(f"/topics/{topic.pk}/defer/", {})
    assert "Choose the meeting to defer it to, or tbc." in text_of(empty)
    empty = client.post(f"/topics/{topic.pk}/move/", {})
    assert "Choose the meeting to move it to, or tbc." in text_of(empty)


def test_merge_says_the_same_thing_on_its_link_heading_label_and_button(client, world, priya):
    login(client, priya)
    programme = text_of(client.get(f"/work-programmes/{world['programme'].pk}/"))
    assert "Merge another topic into this one : Youth Offending Service Inspection" in programme
    page = text_of(client.get(f"/topics/{world['youth'].pk}/merge/"))
    assert "Merge another topic into this one" in page
    assert "Topic to merge into this one" in page
    assert "Merge into this topic" in page
    empty = client.post(f"/topics/{world['youth'].pk}/merge/", {})
    assert "There is a problem Choose the topic to merge into this one." in text_of(empty)


def test_the_printable_tracker_asks_since_when_in_day_month_and_year(client, world, alan):
    url = "/committees/childrens-services/tracker/print/"
    login(client, alan)
    boxes = text_of(client.get(url + "?since_day=1&since_month=1&since_year=2018"))
    by_iso = text_of(client.get(url + "?since=2018-01-01"))
    assert "actions still open, and those closed since 1 January 2018." in boxes
    assert boxes == by_iso
    html = client.get(url + "?since=2018-01-01").content.decode()
    assert 'name="since_day" value="1"' in html and 'type="date"' not in html
    wrong = text_of(client.get(url + "?since_day=30&since_month=2&since_year=2018"))
    assert "There is a problem Since must be a real date." in wrong
    assert ": every action." in wrong


@pytest.mark.parametrize(
    "day, month, year",
    [
        ("99999999999999999999", "1", "2026"),
        ("1", "99999999999999999999", "2026"),
        ("²", "1", "2026"),
    ],
)
def test_a_date_no_calendar_holds_is_a_message_not_a_server_error(client, world, day, month, year):
    url = "/committees/childrens-services/tracker/print/"
    response = client.get(url, {"since_day": day, "since_month": month, "since_year": year})
    assert response.status_code == 200
    assert "There is a problem Since must be a real date" in text_of(response)
