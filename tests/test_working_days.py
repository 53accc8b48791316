"""Report deadlines and agenda publication dates, in working days of England and Wales.

Each expected date was counted by hand on a calendar; the comments name the days skipped.
"""

import datetime as dt

import pytest

from committees import calendar
from committees.models import Authority

D = dt.date


@pytest.mark.parametrize(
    ("meeting", "deadline"),
    [
        # Seed 002: 13 February 2018, ten working days back, only weekends in the way.
        (D(2018, 2, 13), D(2018, 1, 30)),
        # Christmas: skips 1 January, 26 and 25 December and two weekends.
        (D(2018, 1, 9), D(2017, 12, 21)),
        # Easter 2024: skips Easter Monday 1 April and Good Friday 29 March.
        (D(2024, 4, 10), D(2024, 3, 25)),
        # Late-May bank holiday, Monday 27 May 2024.
        (D(2024, 6, 4), D(2024, 5, 20)),
        # Early-May bank holiday, Monday 6 May 2024.
        (D(2024, 5, 14), D(2024, 4, 29)),
    ],
)
def test_it_counts_ten_working_days_back_to_the_report_deadline(meeting, deadline):
    assert calendar.report_deadline(meeting, 10) == deadline


@pytest.mark.parametrize(
    ("day", "previous_working_day"),
    [
        (D(2022, 9, 20), D(2022, 9, 16)),  # the Queen's state funeral, Monday 19 September 2022
        (D(2023, 5, 9), D(2023, 5, 5)),  # the coronation bank holiday, Monday 8 May 2023
    ],
)
def test_it_skips_one_off_bank_holidays(day, previous_working_day):
    assert calendar.working_days_before(day, 1) == previous_working_day


def test_it_publishes_the_agenda_five_clear_working_days_before():
    # 6, 7, 8, 9 and 12 February are the clear days; the agenda goes out on Monday 5th,
    # as the real agenda pack of seed 002 says it did.
    assert calendar.agenda_publication_date(D(2018, 2, 13), 5) == D(2018, 2, 5)
    # Over Christmas 2017: 8, 5, 4, 3 and 2 January are clear; publish by Friday 29 December.
    assert calendar.agenda_publication_date(D(2018, 1, 9), 5) == D(2017, 12, 29)


def test_it_stores_the_deadline_and_publication_date_on_the_meeting(february):
    assert (february.report_deadline, february.agenda_publication_date) == (
        D(2018, 1, 30),
        D(2018, 2, 5),
    )


def test_an_authority_with_fifteen_working_days_gets_earlier_deadlines(committee, make_meeting):
    Authority.objects.filter(pk=committee.authority_id).update(report_deadline_working_days=15)
    committee.authority.refresh_from_db()
    meeting = make_meeting(D(2018, 2, 13))
    # Five more working days back from 30 January: 29, 26, 25, 24 and 23 January.
    assert meeting.report_deadline == D(2018, 1, 23)


def test_an_officer_can_set_an_earlier_deadline_by_hand(make_meeting):
    meeting = make_meeting(D(2018, 1, 9), report_deadline_override=D(2017, 12, 15))
    assert meeting.report_deadline == D(2017, 12, 15)


def test_it_counts_working_days_between_two_dates():
    # From Friday 22 December 2017 to Tuesday 2 January 2018: 27, 28, 29 December and 2 January.
    assert calendar.working_days_between(D(2017, 12, 22), D(2018, 1, 2)) == 4
    assert calendar.next_working_day(D(2017, 12, 22)) == D(2017, 12, 27)
