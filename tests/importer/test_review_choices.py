"""Issue 13: actions from resolutions, owners and lead officers chosen from the committee's
people, item numbers and outcomes corrected, and an honest account of where items came from.

The minutes here are our own, written for these tests."""

import datetime as dt
import re

import pytest

from actions.models import Action, Resolution
from committees.models import (
    AgendaItem,
    Committee,
    Meeting,
    Membership,
    Person,
    WorkProgrammeTopic,
)
from tracker.importer.parsing import propose
from tracker.importer.parsing.dues import due_from_text

FLOODS = """Riverside Borough Council

MINUTES of a meeting of the Environment Scrutiny Committee held at the Civic Centre on Tuesday 4 February 2025 at 7.00 pm

1. Apologies for Absence

Apologies were received from Councillor Hale.

2. Flood Resilience Review

The Head of Environment presented the findings of the review of the winter floods.

RESOLVED that:

(a) the Committee notes the findings; and
(b) officers circulate the briefing to Members by 31 March 2025.

3. Street Trees

Members discussed the planting programme.

RESOLVED that a review of street tree planting be added to the work programme.
"""

LOOSE = """MINUTES of a meeting of the Environment Scrutiny Committee held at the Civic Centre on Tuesday 4 February 2025 at 7.00 pm

RESOLVED that the minutes of the meeting held on 5 December 2024 be approved.

3. Street Trees

Members discussed the planting programme.
"""


@pytest.fixture
def environment(authority, priya, alan):
    committee = Committee.objects.create(
        authority=authority,
        name="Environment Scrutiny Committee",
        slug="environment",
        reference_prefix="ENV",
        officer=priya,
    )
    Membership.objects.create(
        committee=committee, person=alan, role="chair", start_date=dt.date(2024, 5, 1)
    )
    earlier = Meeting.objects.create(committee=committee, date=dt.date(2024, 12, 5))
    author = Person.objects.create(name="Rosa Quint", job_title="Head of Environment")
    AgendaItem.objects.create(meeting=earlier, title="Air quality", lead_officer=author)
    return committee, author


@pytest.fixture
def outsider(db):
    return Person.objects.create(name="Owen Farrow", job_title="Planning Officer")


@pytest.fixture
def staff_client(client, priya):
    client.force_login(priya.user)
    return client


def review(client, committee, text=FLOODS):
    response = client.post("/import/", {"text": text, "committee": str(committee.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    fields = {"proposal": re.search(r'name="proposal" value="([^"]+)"', html).group(1)}
    fields.update(dict.fromkeys(re.findall(r'type="checkbox" name="([^"]+)"', html), "on"))
    fields["committee"] = str(committee.pk)
    return html, fields


def test_due_dates_are_read_from_the_words_by_a_date():
    assert due_from_text("officers circulate the briefing to Members by 31 March 2025") == (
        dt.date(2025, 3, 31)
    )
    assert due_from_text("a reply be sent by the end of June 2025") == dt.date(2025, 6, 30)
    assert due_from_text("a reply be sent by Friday 4 April", dt.date(2025, 2, 4)) == (
        dt.date(2025, 4, 4)
    )
    assert due_from_text("a reply be sent by 4 January", dt.date(2025, 2, 4)) == (
        dt.date(2026, 1, 4)
    )
    assert due_from_text("the findings be noted") is None
    assert due_from_text("a reply by 31 February 2025") is None


def test_noting_is_a_note_and_asking_officers_to_circulate_is_an_action_due_by_its_date():
    item = propose(FLOODS).meetings[0].items[1]
    assert [(r.number, r.text, r.kind, r.due) for r in item.resolutions] == [
        ("a", "The Committee notes the findings", "note", None),
        (
            "b",
            "Officers circulate the briefing to Members by 31 March 2025.",
            "action",
            "2025-03-31",
        ),
    ]


def test_the_review_offers_the_committees_people_and_nobody_else(
    staff_client, environment, priya, alan, outsider
):
    committee, author = environment
    html, _ = review(staff_client, committee)
    select = re.search(r'<select name="m0-item1-res1-owner".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select) == [
        ("", "Nobody chosen"),
        (str(alan.pk), "Alan Marsh"),
        (str(priya.pk), "Priya Shah, Senior Democratic Services Officer"),
        (str(author.pk), "Rosa Quint, Head of Environment"),
    ]
    assert 'name="m0-wp0-lead"' in html
    assert "Due by Monday 31 March 2025, as the text says." in html


def test_an_action_resolution_is_saved_as_an_action_owned_by_the_chosen_person(
    staff_client, environment, priya
):
    committee, author = environment
    _, fields = review(staff_client, committee)
    fields["m0-item1-res1-owner"] = str(author.pk)
    fields["m0-wp0-lead"] = str(priya.pk)

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 302
    meeting = Meeting.objects.get(committee=committee, date=dt.date(2025, 2, 4))
    notes = Resolution.objects.filter(agenda_item__meeting=meeting, agenda_item__number=2)
    assert [(r.number, r.kind) for r in notes.order_by("position")] == [
        ("a", "note"),
        ("b", "action"),
    ]
    action = Action.objects.get()
    assert (
        action.title,
        action.due_date,
        action.owner,
        action.resolution,
        action.agenda_item.number,
        action.description,
    ) == (
        "Officers circulate the briefing to Members by 31 March 2025.",
        dt.date(2025, 3, 31),
        author,
        notes.get(number="b"),
        2,
        "Resolved at the meeting of 4 February 2025: Officers circulate the briefing to "
        "Members by 31 March 2025.",
    )
    topic = WorkProgrammeTopic.objects.get()
    assert (topic.title, topic.lead_officer) == ("Review of street tree planting", priya)


def test_saving_twice_makes_the_action_once(staff_client, environment):
    committee, _ = environment
    _, fields = review(staff_client, committee)
    assert staff_client.post("/import/save/", fields).status_code == 302
    _, fields = review(staff_client, committee)
    assert staff_client.post("/import/save/", fields).status_code == 302
    assert Action.objects.count() == 1
    assert Action.objects.get().owner is None


def test_the_item_number_and_outcome_are_corrected_on_the_review_page(staff_client, environment):
    committee, _ = environment
    _, fields = review(staff_client, committee)
    fields["m0-item0-number"] = "11"
    fields["m0-item0-outcome"] = "noted"
    fields["m0-item2-number"] = ""
    fields["m0-item2-outcome"] = "withdrawn"

    assert staff_client.post("/import/save/", fields).status_code == 302

    meeting = Meeting.objects.get(committee=committee, date=dt.date(2025, 2, 4))
    assert [(i.number, i.title, i.outcome) for i in meeting.items.order_by("position")] == [
        (11, "Apologies for Absence", "noted"),
        (2, "Flood Resilience Review", "resolved"),
        (None, "Street Trees", "withdrawn"),
    ]
    assert WorkProgrammeTopic.objects.get().origin == (
        "Requested under item Street Trees at the meeting of 4 February 2025"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "m0-item1-res1-owner",
            "outsider",
            "Item 2, resolution b: the person chosen (&quot;{pk}&quot;) is not one of the "
            "committee&#x27;s people (its officer, its members and the people named on its "
            "items): choose one from the list, or leave it empty.",
        ),
        (
            "m0-wp0-lead",
            "outsider",
            "The work-programme topic &quot;Review of street tree planting&quot;: the person "
            "chosen (&quot;{pk}&quot;) is not one of the committee&#x27;s people",
        ),
        (
            "m0-item1-res1-owner",
            "someone",
            "Item 2, resolution b: the person chosen (&quot;someone&quot;) is not one of",
        ),
        # A superscript two passes str.isdigit() but is no number int() can read.
        (
            "m0-item1-res1-owner",
            "²",
            "Item 2, resolution b: the person chosen (&quot;²&quot;) is not one of",
        ),
        (
            "m0-item0-number",
            "²",
            "Item 1: the number &quot;²&quot; is not an item number: write a whole number "
            "such as 7, or leave it empty for an unnumbered item.",
        ),
        (
            "m0-item0-number",
            "one",
            "Item 1: the number &quot;one&quot; is not an item number: write a whole number "
            "such as 7, or leave it empty for an unnumbered item.",
        ),
        (
            "m0-item0-outcome",
            "adjourned",
            "Item 1: &quot;adjourned&quot; is not an outcome: choose one of resolved, noted, "
            "deferred, withdrawn, no decision recorded.",
        ),
        (
            "m0-item0-outcome",
            "deferred",
            "Item 1: it cannot be recorded as deferred without its deferral",
        ),
    ],
)
def test_an_unusable_choice_is_a_400_that_says_why_and_saves_nothing(
    staff_client, environment, outsider, field, value, message
):
    committee, _ = environment
    _, fields = review(staff_client, committee)
    fields[field] = str(outsider.pk) if value == "outsider" else value

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 400
    assert message.format(pk=outsider.pk) in response.content.decode()
    assert not Meeting.objects.filter(date=dt.date(2025, 2, 4)).exists()
    assert not Action.objects.exists()


def test_each_item_carries_the_span_of_text_it_came_from():
    items = propose(FLOODS).meetings[0].items
    assert [(i.start, i.end) for i in items] == [(150, 221), (223, 457), (459, 597)]
    assert [FLOODS[i.start : i.end] == i.source for i in items] == [True, True, True]
    assert items[0].source == (
        "1. Apologies for Absence\n\nApologies were received from Councillor Hale."
    )


def test_the_review_page_shows_each_items_source_text(staff_client, environment):
    committee, _ = environment
    html, _ = review(staff_client, committee)
    assert (
        "<summary>Where this item was read from (characters 150 to 221 of the text)</summary>\n"
        '        <pre class="import-review__text">1. Apologies for Absence\n\n'
        "Apologies were received from Councillor Hale.</pre>"
    ) in html


def test_decisions_outside_any_item_are_named_in_a_warning():
    meeting = propose(LOOSE).meetings[0]
    assert [i.title for i in meeting.items] == ["Street Trees"]
    assert meeting.warnings == [
        'Decisions were found outside any item, at line 3 ("RESOLVED that the minutes of the '
        'meeting held on…"): items may be missing from the proposal; check the text and add '
        "them by hand."
    ]


def test_long_minutes_with_one_item_say_the_other_headings_were_probably_missed():
    parts = "\n\n".join(
        f"Members considered matter {n}.\n\nRESOLVED that the report on matter {n} be noted."
        for n in range(1, 5)
    )
    text = (
        "MINUTES of a meeting of the Environment Scrutiny Committee held at the Civic Centre "
        "on Tuesday 4 February 2025 at 7.00 pm\n\n1. Budget Monitoring\n\n" + parts + "\n"
    )
    meeting = propose(text).meetings[0]
    assert [i.title for i in meeting.items] == ["Budget Monitoring"]
    assert meeting.warnings[-1] == (
        'Only one item (item 1, from line 3 ("1. Budget Monitoring")) was found in 9 lines of '
        "minutes holding 4 RESOLVED or AGREED words: the other items' headings were probably "
        "not recognised; check the text and add them by hand."
    )


def test_an_items_lead_officer_is_chosen_from_the_committees_people(staff_client, environment):
    committee, author = environment
    html, fields = review(staff_client, committee)
    select = re.search(r'<select name="m0-item1-lead".*?</select>', html, re.S).group(0)
    assert f'<option value="{author.pk}">Rosa Quint, Head of Environment</option>' in select
    fields["m0-item1-lead"] = str(author.pk)

    assert staff_client.post("/import/save/", fields).status_code == 302

    meeting = Meeting.objects.get(committee=committee, date=dt.date(2025, 2, 4))
    assert [(i.title, i.lead_officer) for i in meeting.items.order_by("position")] == [
        ("Apologies for Absence", None),
        ("Flood Resilience Review", author),
        ("Street Trees", None),
    ]


def test_a_member_on_the_corrected_meeting_date_may_own_an_action(staff_client, environment):
    committee, _ = environment
    newcomer = Person.objects.create(name="Nia Brook", is_councillor=True)
    Membership.objects.create(
        committee=committee, person=newcomer, role="member", start_date=dt.date(2025, 3, 1)
    )
    Membership.objects.filter(person=newcomer).update(end_date=dt.date(2025, 4, 30))
    html, fields = review(staff_client, committee)
    assert "Nia Brook" not in html  # not a member on 4 February 2025 as read, nor today
    fields["m0-date"] = "2025-03-04"
    fields["m0-item1-res1-owner"] = str(newcomer.pk)

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 302
    assert Action.objects.get().owner == newcomer
    assert Meeting.objects.filter(committee=committee, date=dt.date(2025, 3, 4)).exists()


def test_a_member_on_neither_date_is_refused_and_the_page_offers_the_corrected_days_people(
    staff_client, environment
):
    committee, _ = environment
    later = Person.objects.create(name="Ivo Lund", is_councillor=True)
    Membership.objects.create(
        committee=committee, person=later, role="member", start_date=dt.date(2025, 3, 1)
    )
    Membership.objects.filter(person=later).update(end_date=dt.date(2025, 4, 30))
    _, fields = review(staff_client, committee)
    fields["m0-date"] = "2025-03-04"
    fields["m0-wp0-lead"] = "999999"

    response = staff_client.post("/import/save/", fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert "is not one of the committee&#x27;s people" in html
    assert "Ivo Lund" in html
    assert not Meeting.objects.filter(committee=committee, date=dt.date(2025, 3, 4)).exists()


LETTERED = """MINUTES of a meeting of the Environment Scrutiny Committee held at the Civic Centre on Tuesday 4 February 2025 at 7.00 pm

A1 Minutes

The minutes of the meeting held on 5 December 2024 were confirmed.

A2 Flood Resilience Review

RESOLVED that the findings of the review be noted.
"""


def test_a_lettered_item_number_is_shown_as_printed_and_saved_unnumbered(staff_client, environment):
    committee, _ = environment
    html, fields = review(staff_client, committee, LETTERED)
    assert "<legend>Item A2: resolved</legend>" in html
    assert 'name="m0-item1-number" id="m0-item1-number" value="A2"' in html
    fields["m0-item1-number"] = "A2"

    assert staff_client.post("/import/save/", fields).status_code == 302

    meeting = Meeting.objects.get(committee=committee, date=dt.date(2025, 2, 4))
    assert [(i.number, i.title) for i in meeting.items.order_by("position")] == [
        (None, "Minutes"),
        (None, "Flood Resilience Review"),
    ]
