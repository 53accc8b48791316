"""The annual rollover, the committees' part: the new year's work programme with the topics not
yet considered carried into it (their deferrals with them), and the annual meeting's membership
changes, through `actions.rollover.roll_over` as the command and the page call it."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from actions.rollover import roll_over
from committees.deferrals import defer_topic
from committees.models import (
    LONDON,
    Authority,
    Committee,
    Meeting,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from committees.outcomes import withdraw_topic
from committees.programme import add_topic, merge_topics
from tests.builders import from_a_shell

Status = WorkProgrammeTopic.Status
# Monday 21 May 2018, after the annual meeting: every meeting of 2017/18 has taken place.
AFTER_ANNUAL_MEETING = dt.datetime(2018, 5, 21, 10, 0, tzinfo=LONDON)


def lines(report, committee=None):
    """The report as (outcome, kind, title, why) for one committee (the first if none named)."""
    entry = next(
        e for e in report.committees if committee is None or e.committee.pk == committee.pk
    )
    return [(line.outcome, line.kind, line.title, line.why) for line in entry.lines]


@pytest.fixture
def programme(committee, december):
    return WorkProgramme.objects.get(committee=committee, municipal_year=december.municipal_year)


@pytest.fixture
def year_of_topics(autumn_2017, set_clock, committee, december, february, march, dev, priya):
    """2017/18's programme as it stands at the end of the year, and the clock moved past it."""
    programme = WorkProgramme.for_meeting(december)
    chased = add_topic(
        programme, title="Placement sufficiency strategy", lead_officer=dev, target_meeting=december
    )
    defer_topic(chased, reason="The strategy was not yet signed off.", to_meeting=february)
    defer_topic(chased, reason="Awaiting the Ofsted letter.", to_meeting=march)
    add_topic(programme, title="Youth offending service plan", lead_officer_text="YOS Board")
    add_topic(programme, title="Foster carer recruitment", target_meeting=february)
    WorkProgrammeTopic.objects.create(
        work_programme=programme,
        title="School exclusions",
        target_meeting=december,
        status=Status.CONSIDERED,
    )
    withdraw_topic(add_topic(programme, title="Home to school transport"))
    keep = add_topic(programme, title="Early help offer", target_meeting=march)
    merge_topics(keep, add_topic(programme, title="Family hubs", target_meeting=march))
    set_clock(AFTER_ANNUAL_MEETING)
    return programme


def test_it_opens_the_new_year_and_carries_the_topics_not_yet_considered(year_of_topics, committee):
    report = roll_over("2018/19")

    new_year = MunicipalYear.objects.get(start_date=dt.date(2018, 5, 1))
    assert (new_year.label, new_year.end_date) == ("2018/19", dt.date(2019, 4, 30))
    new = WorkProgramme.objects.get(committee=committee, municipal_year=new_year)
    [entry] = report.committees
    assert (entry.previous.label, entry.new.label) == ("2017/18", "2018/19")
    assert (entry.year_opened, entry.programme_opened) == (True, True)
    assert lines(report) == [
        ("left", "topic", "School exclusions", "considered at the meeting of 12 December 2017"),
        ("carried", "topic", "Foster carer recruitment", "tbc"),
        ("carried", "topic", "Placement sufficiency strategy", "tbc, deferred 2 times so far"),
        ("carried", "topic", "Early help offer", "tbc"),
        ("left", "topic", "Family hubs", "merged into “Early help offer”"),
        ("carried", "topic", "Youth offending service plan", "tbc"),
        ("left", "topic", "Home to school transport", "withdrawn"),
    ]
    carried = {t.title: t for t in new.topics.select_related("carried_over_from")}
    assert sorted(carried) == [
        "Early help offer",
        "Foster carer recruitment",
        "Placement sufficiency strategy",
        "Youth offending service plan",
    ]
    for title, topic in carried.items():
        assert topic.carried_over_from.title == title
        assert topic.carried_over_from.work_programme == year_of_topics
        assert topic.carried_over_from.status == Status.CARRIED_OVER
        assert topic.target_meeting is None  # tbc until the new year's meetings are chosen
    assert carried["Youth offending service plan"].lead_officer_text == "YOS Board"
    assert carried["Placement sufficiency strategy"].lead_officer.name == "Dev Okafor"
    assert set(year_of_topics.topics.values_list("title", "status")) == {
        ("Placement sufficiency strategy", "carried_over"),
        ("Youth offending service plan", "carried_over"),
        ("Foster carer recruitment", "carried_over"),
        ("Early help offer", "carried_over"),
        ("School exclusions", "considered"),
        ("Home to school transport", "withdrawn"),
        ("Family hubs", "merged"),
    }


def test_the_carried_topic_keeps_its_deferral_history_and_is_still_seen_as_deferred_twice(
    year_of_topics, committee
):
    old = year_of_topics.topics.get(title="Placement sufficiency strategy")
    before = list(
        old.deferrals.values_list("pk", "from_meeting__date", "to_meeting__date", "reason")
    )

    roll_over("2018/19")

    carried = WorkProgrammeTopic.objects.get(carried_over_from=old)
    assert carried.status == Status.DEFERRED
    assert (
        list(
            carried.deferrals.values_list("pk", "from_meeting__date", "to_meeting__date", "reason")
        )
        == before
        == [
            (
                before[0][0],
                dt.date(2017, 12, 12),
                dt.date(2018, 2, 13),
                "The strategy was not yet signed off.",
            ),
            (
                before[1][0],
                dt.date(2018, 2, 13),
                dt.date(2018, 3, 13),
                "Awaiting the Ofsted letter.",
            ),
        ]
    )
    assert list(WorkProgrammeTopic.objects.deferred_at_least(2)) == [carried]
    # The history of each deferral records the move, with the rest of it as it was.
    assert carried.deferrals.first().history.count() == 2


def test_an_exempt_topic_stays_exempt_and_is_reported_by_its_public_title(
    autumn_2017, set_clock, committee, december
):
    programme = WorkProgramme.for_meeting(december)
    add_topic(
        programme,
        title="Closure of Elm House children's home",
        target_meeting=december,
        is_exempt=True,
        exempt_paragraph=3,
        public_title="A residential care contract",
    )
    set_clock(AFTER_ANNUAL_MEETING)

    report = roll_over("2018/19")

    carried = WorkProgrammeTopic.objects.get(carried_over_from__isnull=False)
    assert (carried.is_exempt, carried.exempt_paragraph, carried.public_title) == (
        True,
        3,
        "A residential care contract",
    )
    assert carried.title == "Closure of Elm House children's home"
    assert lines(report) == [
        ("carried", "topic", "A residential care contract (exempt, paragraph 3)", "tbc")
    ]


def test_running_it_twice_changes_nothing(year_of_topics, committee):
    roll_over("2018/19")
    topics = list(WorkProgrammeTopic.objects.order_by("pk").values())
    history = WorkProgrammeTopic.history.count()

    again = roll_over("2018/19")

    assert list(WorkProgrammeTopic.objects.order_by("pk").values()) == topics
    assert WorkProgrammeTopic.history.count() == history
    assert again.changed_anything is False
    [entry] = again.committees
    assert (entry.year_opened, entry.programme_opened, entry.carried) == (False, False, [])
    assert [(line.outcome, line.title) for line in entry.already] == [
        ("already carried", "Foster carer recruitment"),
        ("already carried", "Placement sufficiency strategy"),
        ("already carried", "Early help offer"),
        ("already carried", "Youth offending service plan"),
    ]


def test_a_dry_run_reports_the_same_and_saves_nothing(year_of_topics, committee):
    years = list(MunicipalYear.objects.values_list("pk", flat=True))
    topics = list(WorkProgrammeTopic.objects.order_by("pk").values())

    preview = roll_over("2018/19", dry_run=True)

    assert list(MunicipalYear.objects.values_list("pk", flat=True)) == years
    assert WorkProgramme.objects.count() == 1
    assert list(WorkProgrammeTopic.objects.order_by("pk").values()) == topics
    assert preview.dry_run is True
    assert lines(preview) == lines(roll_over("2018/19"))


def test_a_topic_planned_for_a_meeting_still_to_come_in_the_old_year_is_left(
    autumn_2017, set_clock, committee, december, make_meeting
):
    late = make_meeting(dt.date(2018, 4, 24))
    add_topic(WorkProgramme.for_meeting(december), title="Care leavers' offer", target_meeting=late)
    set_clock(dt.datetime(2018, 4, 3, 10, 0, tzinfo=LONDON))  # rolled over early, in April

    report = roll_over("2018/19")

    assert lines(report) == [
        (
            "left",
            "topic",
            "Care leavers' offer",
            "planned for the meeting of 24 April 2018, still to come in 2017/18",
        )
    ]


def test_a_topic_already_planned_for_a_meeting_of_the_new_year_keeps_it(
    set_clock, committee, december, july
):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(december),
        title="SEND inspection outcome",
        target_meeting=july,
    )
    set_clock(AFTER_ANNUAL_MEETING)

    report = roll_over("2018/19")

    carried = WorkProgrammeTopic.objects.get(carried_over_from=topic)
    assert carried.target_meeting == july
    assert carried.work_programme.municipal_year == july.municipal_year
    assert report.committees[0].year_opened is False  # July's meeting had made 2018/19
    assert lines(report) == [
        ("carried", "topic", "SEND inspection outcome", "for the meeting of 10 July 2018")
    ]


def test_only_the_committees_named_are_rolled_over(
    year_of_topics, committee, other_committee, authority
):
    report = roll_over("2018/19", committees=[other_committee.slug])

    assert [e.committee for e in report.committees] == [other_committee]
    assert not WorkProgramme.objects.filter(
        committee=committee, municipal_year__start_date__year=2018
    ).exists()
    assert year_of_topics.topics.filter(status=Status.CARRIED_OVER).count() == 0


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2018-19", "Write the municipal year as councils do, such as 2027/28, not “2018-19”."),
        ("", "Write the municipal year as councils do, such as 2027/28, not “”."),
        (
            "2018/20",
            "2018/20 is not a municipal year: the one that starts in 2018 is written 2018/19.",
        ),
        ("9999/00", "9999/00 is outside the years the tracker keeps, 1900/01 to 2117/18."),
        (
            "2020/21",
            "2020/21 would not follow 2017/18, the latest municipal year of Riverside Borough "
            "Council. Roll over into 2018/19 first.",
        ),
        (
            "2016/17",
            "2016/17 would not follow 2017/18, the latest municipal year of Riverside Borough Council.",
        ),
        ("2017/18", "Riverside Borough Council has no 2016/17 to carry work from into 2017/18."),
    ],
)
def test_a_year_that_cannot_be_rolled_into_is_refused_with_the_reason(
    year_of_topics, year, message
):
    with pytest.raises(ValidationError) as refused:
        roll_over(year)
    assert refused.value.message_dict == {"year": [message]}
    assert WorkProgramme.objects.count() == 1


def test_with_no_committee_named_another_councils_committees_are_skipped_saying_why(
    year_of_topics, committee
):
    hillside = Authority.objects.create(name="Hillside District Council", slug="hillside")
    panel = Committee.objects.create(
        authority=hillside, name="Hillside Scrutiny Panel", slug="hillside", reference_prefix="HS"
    )
    Meeting.objects.create(committee=panel, date=dt.date(2015, 9, 8))

    report = roll_over("2018/19")

    assert [e.committee for e in report.committees] == [committee]
    assert [(c.slug, why) for c, why in report.skipped] == [
        (
            "hillside",
            "2018/19 would not follow 2015/16, the latest municipal year of Hillside District "
            "Council. Roll over into 2016/17 first.",
        )
    ]
    assert not MunicipalYear.objects.filter(authority=hillside, start_date__year=2018).exists()
    with pytest.raises(ValidationError) as refused:  # named, it must roll over or nothing does
        roll_over("2018/19", committees=["childrens-services", "hillside"])
    assert refused.value.message_dict["year"] == [report.skipped[0][1]]


def test_an_unknown_committee_is_refused_by_its_slug(year_of_topics):
    with pytest.raises(ValidationError) as refused:
        roll_over("2018/19", committees=["childrens-services", "planing"])
    assert refused.value.message_dict == {"committee": ["No committee has the slug “planing”"]}


# --- The annual meeting's membership changes ------------------------------------------------


@pytest.fixture
def kim(committee):
    kim = Person.objects.create(name="Kim Ward", is_councillor=True)
    Membership.objects.create(committee=committee, person=kim, start_date=dt.date(2017, 5, 20))
    return kim


@pytest.fixture
def rosa(db):
    return Person.objects.create(name="Rosa Quinn", email="rosa.quinn@riverside.example")


def memberships(committee):
    return list(
        committee.memberships.order_by("person__name", "start_date").values_list(
            "person__name", "role", "start_date", "end_date", "end_reason"
        )
    )


CHANGES = [
    "childrens-services; Councillor Alan Marsh; member",
    "childrens-services, rosa.quinn@riverside.example, Chair",
    "childrens-services; Kim Ward; leaves",
]


def test_the_annual_meetings_changes_are_recorded_with_their_dates(
    year_of_topics, committee, alan, kim, rosa
):
    report = roll_over("2018/19", memberships=CHANGES, annual_meeting=dt.date(2018, 5, 16))

    assert memberships(committee) == [
        (
            "Alan Marsh",
            "chair",
            dt.date(2017, 5, 20),
            dt.date(2018, 5, 15),
            "Became Member at the annual meeting of 16 May 2018",
        ),
        ("Alan Marsh", "member", dt.date(2018, 5, 16), None, ""),
        (
            "Kim Ward",
            "member",
            dt.date(2017, 5, 20),
            dt.date(2018, 5, 15),
            "Left at the annual meeting of 16 May 2018",
        ),
        ("Rosa Quinn", "chair", dt.date(2018, 5, 16), None, ""),
    ]
    assert [(line.outcome, line.title, line.why) for line in report.committees[0].memberships] == [
        ("recorded", "Councillor Kim Ward", "Member until 15 May 2018"),
        ("recorded", "Councillor Alan Marsh", "Member from 16 May 2018"),
        ("recorded", "Rosa Quinn", "Chair from 16 May 2018"),
    ]
    assert [p.name for p in committee.chairs(on=dt.date(2018, 5, 15))] == ["Alan Marsh"]
    assert [p.name for p in committee.chairs(on=dt.date(2018, 5, 16))] == ["Rosa Quinn"]

    again = roll_over("2018/19", memberships=CHANGES, annual_meeting=dt.date(2018, 5, 16))
    assert [(line.outcome, line.why) for line in again.committees[0].memberships] == [
        ("unchanged", "Member"),
        ("unchanged", "Chair"),
        ("unchanged", "not a current member"),
    ]
    assert again.changed_anything is False


def test_a_new_chair_while_the_old_one_is_still_chair_is_refused_and_nothing_is_saved(
    year_of_topics, committee, alan, rosa
):
    before = memberships(committee)
    with pytest.raises(ValidationError) as refused:
        roll_over("2018/19", memberships=["childrens-services; Rosa Quinn; chair"])
    assert refused.value.message_dict == {
        "memberships": [
            "Councillor Alan Marsh is still Chair of Children's Services Overview and Scrutiny "
            "Committee: say what they become at the annual meeting (member, or leaves)."
        ]
    }
    assert memberships(committee) == before
    assert WorkProgramme.objects.count() == 1  # the topics were not carried either


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "childrens-services; Rosa Quinn",
            "Line 1: write “committee-slug; person; role”, such as “childrens-services; Alan "
            "Marsh; member”.",
        ),
        (
            "health; Rosa Quinn; member",
            "Line 1: “health” is not one of the committees being rolled over.",
        ),
        (
            "childrens-services; Rosa Quinn; treasurer",
            "Line 1: “treasurer” is not a role: use chair, vice-chair, member, co-opted voting, "
            "co-opted non-voting, substitute or leaves.",
        ),
        (
            "childrens-services; Rosa Quin; member",
            "Nobody in the tracker is “Rosa Quin”: add them as a person first.",
        ),
        # A superscript two is a digit to str.isdigit() but not a number to int().
        (
            "childrens-services; ²; member",
            "Nobody in the tracker is “²”: add them as a person first.",
        ),
        (
            "childrens-services; #¹²; member",
            "Nobody in the tracker is “#¹²”: add them as a person first.",
        ),
    ],
)
def test_a_membership_change_that_cannot_be_read_is_refused(year_of_topics, rosa, line, message):
    with pytest.raises(ValidationError) as refused:
        roll_over("2018/19", committees=["childrens-services"], memberships=[line])
    assert refused.value.message_dict == {"memberships": [message]}


def test_an_annual_meeting_outside_the_new_year_is_refused(year_of_topics, rosa, alan):
    with pytest.raises(ValidationError) as refused:
        roll_over(
            "2018/19",
            memberships=["childrens-services; Rosa Quinn; member"],
            annual_meeting=dt.date(2018, 4, 20),
        )
    assert refused.value.message_dict == {
        "annual_meeting": [
            "The annual meeting of 20 April 2018 is not in 2018/19, which runs from 1 May 2018 "
            "to 30 April 2019."
        ]
    }


# --- The command ------------------------------------------------------------------------------


def test_the_command_reports_a_dry_run_and_saves_nothing(year_of_topics, committee, capsys):
    call_command("rollover_year", "2018/19", "--dry-run")

    assert capsys.readouterr().out.splitlines() == [
        "Rollover into 2018/19 (dry run: nothing was saved)",
        "Children's Services Overview and Scrutiny Committee: 2017/18 -> 2018/19 (2018/19 "
        "opened, work programme opened)",
        "  left topic: School exclusions (considered at the meeting of 12 December 2017)",
        "  carried topic: Foster carer recruitment (tbc)",
        "  carried topic: Placement sufficiency strategy (tbc, deferred 2 times so far)",
        "  carried topic: Early help offer (tbc)",
        "  left topic: Family hubs (merged into “Early help offer”)",
        "  carried topic: Youth offending service plan (tbc)",
        "  left topic: Home to school transport (withdrawn)",
        "Carried 4 topic(s), 0 action(s), 0 recommendation(s); already carried 0; left 3; "
        "membership changes recorded 0.",
    ]
    assert WorkProgramme.objects.count() == 1


def test_the_command_refuses_a_bad_year_saying_why(year_of_topics):
    with pytest.raises(CommandError) as refused:
        call_command("rollover_year", "2018-19")
    assert str(refused.value) == (
        "Write the municipal year as councils do, such as 2027/28, not “2018-19”."
    )


def test_the_command_refuses_a_person_written_in_superscript_digits(year_of_topics):
    with pytest.raises(CommandError) as refused:
        call_command(
            "rollover_year", "2018/19", "--membership", "childrens-services; ²; member", "--dry-run"
        )
    assert str(refused.value) == "Nobody in the tracker is “²”: add them as a person first."


def test_the_command_refuses_an_annual_meeting_that_is_not_a_real_date():
    with pytest.raises(CommandError) as refused:
        call_command("rollover_year", "2027/28", "--annual-meeting", "31/02/2027")
    assert str(refused.value) == (
        "Error: argument --annual-meeting: give a real date such as 2027-05-19, not '31/02/2027'"
    )


@pytest.mark.parametrize("day", ["31/02/2027", "2027-02-31"])
def test_from_a_shell_a_bad_annual_meeting_is_one_line_and_exit_status_2(day):
    result = from_a_shell("rollover_year", "2027/28", "--annual-meeting", day)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "manage.py rollover_year: error: argument --annual-meeting: give a real date such as "
        f"2027-05-19, not '{day}'"
    )


def test_the_command_says_when_nothing_changed(year_of_topics, capsys):
    call_command("rollover_year", "2018/19", "--committee", "childrens-services")
    capsys.readouterr()
    call_command("rollover_year", "2018/19", "--committee", "childrens-services")
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "Carried 0 topic(s), 0 action(s), 0 recommendation(s); already carried 4; left 3; "
        "membership changes recorded 0.",
        "Nothing changed: everything was already carried.",
    ]


# --- Two officers at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so it cannot show two rollovers at once",
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rollovers_at_once_carry_each_topic_once(year_of_topics, committee, july):
    # 2018/19 and its programme are made already: only the rollover's own lock keeps them apart.
    WorkProgramme.for_meeting(july)
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def officer():
        try:
            barrier.wait()
            reports.append(roll_over("2018/19"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(len(r.committees[0].carried) for r in reports) == [0, 4]
    assert MunicipalYear.objects.filter(start_date__year=2018).count() == 1
    assert WorkProgramme.objects.filter(municipal_year__start_date__year=2018).count() == 1
    assert WorkProgrammeTopic.objects.filter(carried_over_from__isnull=False).count() == 4
