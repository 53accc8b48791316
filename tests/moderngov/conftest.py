"""A council on modern.gov for the sync tests: Riverside's web service, served on this
machine, with two scrutiny committees and their winter meetings (all invented)."""

import datetime as dt

import pytest

from tests.moderngov.council_service import (
    Attendee,
    CommitteeRecord,
    Council,
    Item,
    MeetingRecord,
    Running,
)
from tracker.moderngov.client import WebService

D = dt.date
SECRET = "OTTER-BASALT"  # the confidential text of the restricted item

CHILDREN = 144
HEALTH = 163


def riverside_council() -> Council:
    council = Council()
    council.committee(
        CommitteeRecord(
            CHILDREN,
            "Children's Services Overview and Scrutiny Committee",
            [
                MeetingRecord(5001, D(2026, 11, 10), items=[Item(7000, 4, "Minutes")]),
                MeetingRecord(
                    5002,
                    D(2027, 1, 14),
                    venue="Council Chamber, Civic Offices",
                    items=[
                        Item(7001, 5, "Minutes of the previous meeting"),
                        Item(7002, 6, "Placement Stability Update"),
                        Item(7003, 7, "Children's Social Care Performance"),
                        Item(
                            7004,
                            8,
                            "Contract award: residential placements",
                            restricted=True,
                            text=f"{SECRET} the bidders and their prices",
                            restriction="Paragraph 3",
                        ),
                    ],
                    attendees=[
                        Attendee(192, "Councillor Alan Marsh", "Chair"),
                        Attendee(193, "Councillor Rita Vance", "Vice-Chair"),
                        Attendee(194, "Councillor Tom Ede", "Committee Member"),
                        Attendee(195, "Mrs Jean Hollis", "Co-opted Member (voting)"),
                        Attendee(900, "Jo Clerk", "Democratic Services Officer"),
                    ],
                ),
                MeetingRecord(5003, D(2027, 3, 11)),
            ],
        )
    )
    council.committee(
        CommitteeRecord(
            HEALTH,
            "Health Overview and Scrutiny Committee",
            [
                MeetingRecord(
                    6001, D(2027, 1, 20), time="10.00 am", items=[Item(8001, 3, "GP Access")]
                )
            ],
        )
    )
    return council


@pytest.fixture
def council():
    return riverside_council()


@pytest.fixture
def web(council):
    running = Running(council)
    yield running
    running.stop()


@pytest.fixture
def riverside(authority, web):
    authority.moderngov_url = web.url
    authority.moderngov_committee_ids = [CHILDREN, HEALTH]
    authority.save()
    return authority


@pytest.fixture
def service(web):
    """The client as the sync uses it, without pauses between retries."""

    def make(**options):
        options.setdefault("pause", 0)
        options.setdefault("timeout", 1.0)
        return WebService(web.url, **options)

    return make


@pytest.fixture
def december_2026(set_clock):
    """Tuesday 1 December 2026, 10:00 London."""
    return set_clock(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
