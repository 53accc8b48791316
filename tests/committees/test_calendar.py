"""Working days of England and Wales, and the dates a meeting's business hangs on.

Every expected date below was counted back by hand on a printed calendar; each comment names
the days that were skipped (weekends and England and Wales bank holidays) on the way.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees import calendar
from committees.models import Authority, Committee, Meeting

D = dt.date


# --- Report deadlines: ten working days before the meeting ------------------------------------


@pytest.mark.parametrize(
    ("meeting_day", "deadline"),
    [
        pytest.param(
            # Tue 13 Feb 2018: 12, 9, 8, 7, 6, 5, 2, 1 Feb, 31 and 30 Jan; weekends of
            # 10-11 and 3-4 February skipped.
            D(2018, 2, 13),
            D(2018, 1, 30),
            id="plain-february-2018",
        ),
        pytest.param(
            # Tue 9 Jan 2018: 8, 5, 4, 3, 2 Jan, 29, 28, 27, 22, 21 Dec; skipped Mon 1 Jan
            # (New Year's Day), Tue 26 Dec (Boxing Day), Mon 25 Dec (Christmas Day) and
            # the weekends of 6-7 Jan, 30-31 Dec and 23-24 Dec.
            D(2018, 1, 9),
            D(2017, 12, 21),
            id="christmas-2017",
        ),
        pytest.param(
            # Tue 9 Jan 2024: the same shape as 2018; skipped Mon 1 Jan, Tue 26 Dec, Mon 25 Dec
            # and three weekends.
            D(2024, 1, 9),
            D(2023, 12, 21),
            id="christmas-2023",
        ),
        pytest.param(
            # Tue 10 Jan 2023: Christmas and New Year fell at weekends, so the substitute days
            # count: skipped Mon 2 Jan (New Year substitute), Tue 27 Dec (Christmas substitute),
            # Mon 26 Dec (Boxing Day) and three weekends. 9, 6, 5, 4, 3 Jan, 30, 29, 28, 23, 22 Dec.
            D(2023, 1, 10),
            D(2022, 12, 22),
            id="christmas-2022-substitute-days",
        ),
        pytest.param(
            # Tue 10 Apr 2018: 9, 6, 5, 4, 3 Apr, 29, 28, 27, 26, 23 Mar; skipped Easter Monday
            # 2 Apr, Good Friday 30 Mar and the weekends of 7-8 Apr, 31 Mar-1 Apr, 24-25 Mar.
            D(2018, 4, 10),
            D(2018, 3, 23),
            id="easter-2018",
        ),
        pytest.param(
            # Wed 10 Apr 2024: 9, 8, 5, 4, 3, 2 Apr, 28, 27, 26, 25 Mar; skipped Easter Monday
            # 1 Apr, Good Friday 29 Mar and the weekends of 6-7 Apr and 30-31 Mar.
            D(2024, 4, 10),
            D(2024, 3, 25),
            id="easter-2024",
        ),
        pytest.param(
            # Tue 4 Jun 2024: 3 Jun, 31, 30, 29, 28, 24, 23, 22, 21, 20 May; skipped the late-May
            # (spring) bank holiday Mon 27 May and the weekends of 1-2 Jun and 25-26 May.
            D(2024, 6, 4),
            D(2024, 5, 20),
            id="late-may-2024",
        ),
        pytest.param(
            # Tue 14 May 2024: 13, 10, 9, 8, 7, 3, 2, 1 May, 30, 29 Apr; skipped the early-May
            # bank holiday Mon 6 May and the weekends of 11-12 May and 4-5 May.
            D(2024, 5, 14),
            D(2024, 4, 29),
            id="early-may-2024",
        ),
        pytest.param(
            # Tue 27 Sep 2022: 26, 23, 22, 21, 20, 16, 15, 14, 13, 12 Sep; skipped Mon 19 Sep
            # (the Queen's state funeral) and the weekends of 24-25 and 17-18 Sep.
            D(2022, 9, 27),
            D(2022, 9, 12),
            id="state-funeral-2022",
        ),
        pytest.param(
            # Tue 16 May 2023: 15, 12, 11, 10, 9, 5, 4, 3, 2 May, 28 Apr; skipped Mon 8 May (the
            # coronation), Mon 1 May (early May) and the weekends of 13-14, 6-7 and 29-30 Apr.
            D(2023, 5, 16),
            D(2023, 4, 28),
            id="coronation-2023",
        ),
        pytest.param(
            # Tue 7 Jun 2022: 6, 1 Jun, 31, 30, 27, 26, 25, 24, 23, 20 May; skipped the Platinum
            # Jubilee Fri 3 Jun and the spring bank holiday moved to Thu 2 Jun, and the weekends
            # of 4-5 Jun, 28-29 and 21-22 May. Mon 30 May 2022 was an ordinary working day.
            D(2022, 6, 7),
            D(2022, 5, 20),
            id="platinum-jubilee-2022",
        ),
        pytest.param(
            # Tue 12 May 2020: 11, 7, 6, 5, 4, 1 May, 30, 29, 28, 27 Apr; the early-May bank
            # holiday was moved to Fri 8 May (VE Day 75) and Mon 4 May was a working day.
            D(2020, 5, 12),
            D(2020, 4, 27),
            id="ve-day-2020",
        ),
    ],
)
def test_it_counts_ten_working_days_back_to_the_report_deadline(meeting_day, deadline):
    assert calendar.report_deadline(meeting_day, 10) == deadline


# --- Agenda publication: five clear working days ---------------------------------------------


@pytest.mark.parametrize(
    ("meeting_day", "publish_by"),
    [
        pytest.param(
            # Clear days 12, 9, 8, 7 and 6 Feb; the agenda goes out on Monday 5 February.
            D(2018, 2, 13),
            D(2018, 2, 5),
            id="plain-february-2018",
        ),
        pytest.param(
            # Clear days 8, 5, 4, 3 and 2 Jan; 1 Jan and the weekend skipped; out Friday 29 Dec.
            D(2018, 1, 9),
            D(2017, 12, 29),
            id="christmas-2017",
        ),
        pytest.param(
            # Clear days 8, 5, 4, 3 and 2 Jan 2024; 1 Jan skipped; out Friday 29 Dec 2023.
            D(2024, 1, 9),
            D(2023, 12, 29),
            id="christmas-2023",
        ),
        pytest.param(
            # Clear days 9, 6, 5, 4 and 3 Apr; Easter Monday 2 Apr, the weekend and Good Friday
            # 30 Mar skipped; out Thursday 29 March.
            D(2018, 4, 10),
            D(2018, 3, 29),
            id="easter-2018",
        ),
        pytest.param(
            # Clear days 9, 8, 5, 4 and 3 Apr; out Tuesday 2 April (Easter Monday is not needed).
            D(2024, 4, 10),
            D(2024, 4, 2),
            id="easter-2024",
        ),
        pytest.param(
            # Clear days 3 Jun, 31, 30, 29 and 28 May; Mon 27 May skipped; out Friday 24 May.
            D(2024, 6, 4),
            D(2024, 5, 24),
            id="late-may-2024",
        ),
        pytest.param(
            # Clear days 13, 10, 9, 8 and 7 May; Mon 6 May skipped; out Friday 3 May.
            D(2024, 5, 14),
            D(2024, 5, 3),
            id="early-may-2024",
        ),
        pytest.param(
            # Clear days 26, 23, 22, 21 and 20 Sep; the state funeral Mon 19 Sep skipped; out
            # Friday 16 September.
            D(2022, 9, 27),
            D(2022, 9, 16),
            id="state-funeral-2022",
        ),
        pytest.param(
            # Clear days 15, 12, 11, 10 and 9 May; the coronation Mon 8 May skipped; out Fri 5 May.
            D(2023, 5, 16),
            D(2023, 5, 5),
            id="coronation-2023",
        ),
    ],
)
def test_it_publishes_the_agenda_five_clear_working_days_before_the_meeting(
    meeting_day, publish_by
):
    assert calendar.agenda_publication_date(meeting_day, 5) == publish_by


# --- Which days are working days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2018, 2, 13), True),  # an ordinary Tuesday
        (D(2018, 2, 10), False),  # Saturday
        (D(2018, 2, 11), False),  # Sunday
        (D(2017, 12, 25), False),  # Christmas Day
        (D(2017, 12, 26), False),  # Boxing Day
        (D(2018, 1, 1), False),  # New Year's Day
        (D(2018, 3, 30), False),  # Good Friday
        (D(2018, 4, 2), False),  # Easter Monday
        (D(2018, 5, 7), False),  # early-May bank holiday
        (D(2018, 5, 28), False),  # spring bank holiday
        (D(2018, 8, 27), False),  # late summer bank holiday in England and Wales
        (D(2022, 9, 19), False),  # state funeral of Queen Elizabeth II
        (D(2023, 5, 8), False),  # coronation of King Charles III
        (D(2022, 12, 27), False),  # Christmas Day 2022 fell on a Sunday: substitute Tuesday
        (D(2022, 5, 30), True),  # the 2022 spring bank holiday moved to 2 June
        (D(2020, 5, 4), True),  # the 2020 early-May bank holiday moved to Friday 8 May
        (D(2018, 1, 2), True),  # a bank holiday in Scotland only
        (D(2018, 8, 6), True),  # Scotland's summer bank holiday, not England's
        (D(2018, 7, 12), True),  # Battle of the Boyne: Northern Ireland only
        (D(2018, 3, 19), True),  # St Patrick's Day (substitute): Northern Ireland only
    ],
)
def test_it_knows_the_working_days_of_england_and_wales(day, working):
    assert calendar.is_working_day(day) is working


def test_zero_working_days_before_a_day_is_the_day_itself():
    assert calendar.working_days_before(D(2018, 2, 13), 0) == D(2018, 2, 13)


def test_it_refuses_a_negative_count_of_working_days():
    with pytest.raises(ValueError):
        calendar.working_days_before(D(2018, 2, 13), -1)
    with pytest.raises(ValueError):
        calendar.working_days_after(D(2018, 2, 13), -1)


def test_the_next_working_day_after_christmas_eve_2017_is_the_27th():
    # Sun 24 Dec; Mon 25 and Tue 26 Dec are bank holidays.
    assert calendar.next_working_day(D(2017, 12, 24)) == D(2017, 12, 27)


def test_the_next_working_day_after_maundy_thursday_2018_is_the_tuesday():
    # Good Friday 30 Mar, the weekend and Easter Monday 2 Apr skipped.
    assert calendar.next_working_day(D(2018, 3, 29)) == D(2018, 4, 3)


def test_it_counts_the_working_days_between_two_dates_over_new_year():
    # After Fri 22 Dec 2017 up to and including Fri 5 Jan 2018: 27, 28, 29 Dec and 2, 3, 4, 5
    # Jan; 23-26 Dec, 30 Dec-1 Jan skipped.
    assert calendar.working_days_between(D(2017, 12, 22), D(2018, 1, 5)) == 7
    assert calendar.working_days_between(D(2018, 1, 5), D(2017, 12, 22)) == 0


# --- The meeting's stored dates -------------------------------------------------------------


def test_a_meeting_on_13_february_2018_has_its_deadline_on_30_january_and_agenda_on_5_february(
    february,
):
    assert february.report_deadline == D(2018, 1, 30)
    assert february.agenda_publication_date == D(2018, 2, 5)
    february.refresh_from_db()
    assert (february.report_deadline, february.agenda_publication_date) == (
        D(2018, 1, 30),
        D(2018, 2, 5),
    )


@pytest.mark.parametrize(
    ("meeting_day", "deadline", "publish_by"),
    [
        (D(2018, 1, 9), D(2017, 12, 21), D(2017, 12, 29)),  # Christmas and New Year, as above
        (D(2018, 4, 10), D(2018, 3, 23), D(2018, 3, 29)),  # Easter 2018, as above
        (D(2024, 6, 4), D(2024, 5, 20), D(2024, 5, 24)),  # late-May 2024, as above
        (D(2022, 9, 27), D(2022, 9, 12), D(2022, 9, 16)),  # state funeral, as above
        (D(2023, 5, 16), D(2023, 4, 28), D(2023, 5, 5)),  # coronation and early May, as above
    ],
)
def test_a_meeting_stores_its_report_deadline_and_agenda_date_across_bank_holidays(
    make_meeting, meeting_day, deadline, publish_by
):
    meeting = make_meeting(meeting_day)
    meeting.refresh_from_db()
    assert (meeting.report_deadline, meeting.agenda_publication_date) == (deadline, publish_by)


def test_an_authority_with_fifteen_working_days_sets_earlier_deadlines(priya):
    strict = Authority.objects.create(
        name="Hillside District Council", slug="hillside", report_deadline_working_days=15
    )
    committee = Committee.objects.create(
        authority=strict, name="Overview and Scrutiny", slug="hillside-os", reference_prefix="OS"
    )
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 2, 13))
    # Five more working days back from 30 January: 29, 26, 25, 24 and 23 January (the weekend
    # of 27-28 January skipped).
    assert meeting.report_deadline == D(2018, 1, 23)
    # The agenda rule does not change with the report rule: still Monday 5 February.
    assert meeting.agenda_publication_date == D(2018, 2, 5)


def test_an_authority_requiring_more_clear_days_publishes_its_agenda_earlier(priya):
    authority = Authority.objects.create(
        name="Hillside District Council", slug="hillside", agenda_clear_working_days=7
    )
    committee = Committee.objects.create(
        authority=authority, name="Overview and Scrutiny", slug="hillside-os", reference_prefix="OS"
    )
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 2, 13))
    # Clear days 12, 9, 8, 7, 6, 5 and 2 Feb; the agenda goes out on Thursday 1 February.
    assert meeting.agenda_publication_date == D(2018, 2, 1)


def test_changing_the_authoritys_rule_moves_the_deadlines_of_its_upcoming_meetings(
    committee, make_meeting, monkeypatch
):
    monkeypatch.setattr("committees.models.today", lambda: D(2018, 1, 2))
    december = make_meeting(D(2017, 12, 12))  # already held: its deadline is history
    february = make_meeting(D(2018, 2, 13))
    assert (december.report_deadline, february.report_deadline) == (
        D(2017, 11, 28),
        D(2018, 1, 30),
    )
    authority = committee.authority
    authority.report_deadline_working_days = 15
    authority.save()
    december.refresh_from_db()
    february.refresh_from_db()
    # 12 Dec 2017 less ten working days is Tue 28 Nov (weekends 9-10, 2-3 Dec skipped); it stays.
    assert december.report_deadline == D(2017, 11, 28)
    # 13 Feb 2018 less fifteen working days is Tue 23 Jan, as above.
    assert february.report_deadline == D(2018, 1, 23)


def test_moving_a_meeting_moves_its_deadline(february):
    # Postponed a week to Tue 20 Feb 2018: 19, 16, 15, 14, 13, 12, 9, 8, 7, 6 Feb.
    february.date = D(2018, 2, 20)
    february.save()
    february.refresh_from_db()
    assert february.report_deadline == D(2018, 2, 6)
    assert february.agenda_publication_date == D(2018, 2, 12)


def test_an_officers_report_deadline_override_wins_over_the_working_day_rule(make_meeting):
    meeting = make_meeting(D(2018, 1, 9), report_deadline_override=D(2017, 12, 15))
    meeting.refresh_from_db()
    assert meeting.report_deadline == D(2017, 12, 15)
    # The agenda publication date is still worked out by the rule.
    assert meeting.agenda_publication_date == D(2017, 12, 29)


def test_clearing_the_override_returns_to_the_working_day_rule(make_meeting):
    meeting = make_meeting(D(2018, 1, 9), report_deadline_override=D(2017, 12, 15))
    meeting.report_deadline_override = None
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.report_deadline == D(2017, 12, 21)


@pytest.mark.parametrize("override", [D(2018, 2, 13), D(2018, 2, 14)], ids=["on", "after"])
def test_it_rejects_a_report_deadline_override_on_or_after_the_meeting(
    committee, make_meeting, override
):
    meeting = Meeting(committee=committee, date=D(2018, 2, 13), report_deadline_override=override)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["report_deadline_override"] == [
        "The report deadline must fall before the meeting."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(D(2018, 2, 13), report_deadline_override=override)
    assert not Meeting.objects.filter(date=D(2018, 2, 13)).exists()


def test_an_override_the_day_before_the_meeting_is_accepted(committee):
    meeting = Meeting(
        committee=committee, date=D(2018, 2, 13), report_deadline_override=D(2018, 2, 12)
    )
    meeting.full_clean()
    meeting.save()
    assert meeting.report_deadline == D(2018, 2, 12)
