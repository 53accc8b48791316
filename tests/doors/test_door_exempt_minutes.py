"""A request for future business made in a Part 2 (exempt) item of imported minutes is saved
as an exempt topic, shown to outsiders by its public title only.

Apart from tests/doors/test_door_exempt.py, whose world (built once per module) would share
its authority with this test's own.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from actions.models import Action, Resolution
from committees.models import AgendaItem, Committee, Meeting, WorkProgrammeTopic
from tracker.importer.parsing import propose
from tracker.importer.saving import save_proposal


def anonymous_user():
    return AnonymousUser()


PART_2_MINUTES = """NORTHGATE DISTRICT COUNCIL

Minutes of a meeting of the Community Wellbeing Overview and Scrutiny Committee held at the \
Council Offices, Market Street, Northgate on Wednesday 17 January 2024 at 7.00 pm

Present: Councillors Ravi Patel (Chair), Joan Hughes (Vice-Chair), Sam Byrne and Lena Ortiz

Item 11 Work Programme

AGREED:

- That a review of Allotment Provision be added to the work programme for April 2024.

Item 12 Exclusion of the Press and Public

RESOLVED \u2013 That the press and public be excluded from the meeting for the following item of \
business on the grounds that it involves the likely disclosure of exempt information as defined \
in paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972.

Item 13 Leisure Trust Insolvency

Members discussed the trust's debts.

RESOLVED \u2013 (1) That the guarantee to the Harbour Leisure Trust be withdrawn. (2) That the \
recovery of the Harbour Leisure Trust debts be added to the work programme for the March \
meeting. (3) That a further report on the Harbour Leisure Trust be brought back to the \
Committee in six months' time.

The meeting closed at 8.45 pm.

Chair
"""


@pytest.fixture
def northgate(authority, priya):
    committee = Committee.objects.create(
        authority=authority,
        name="Community Wellbeing Overview and Scrutiny Committee",
        slug="wellbeing",
        reference_prefix="CW",
    )
    march = Meeting.objects.create(committee=committee, date=dt.date(2024, 3, 20))
    april = Meeting.objects.create(committee=committee, date=dt.date(2024, 4, 24))
    return committee, march, april


def test_a_request_made_in_a_part_2_item_is_saved_as_an_exempt_topic(northgate, priya):
    committee, march, april = northgate
    [result] = save_proposal(propose(PART_2_MINUTES, committee=committee), committee, by=priya.user)
    topics = {
        t.title: (t.is_exempt, t.exempt_paragraph, t.public_title, t.target_meeting)
        for t in WorkProgrammeTopic.objects.all()
    }
    assert topics == {
        "Review of Allotment Provision": (False, None, "", april),
        "Recovery of the Harbour Leisure Trust debts": (
            True,
            3,
            "Leisure Trust Insolvency",
            march,
        ),
    }
    item = AgendaItem.objects.get(number=13)
    assert (item.is_exempt, item.exempt_paragraph, item.public_title) == (
        True,
        3,
        "Leisure Trust Insolvency",
    )
    # Resolutions and actions under the exempt item are hidden by the item's own exemption.
    anonymous = Client()
    for url in (f"/meetings/{result.meeting.pk}/", f"/meetings/{march.pk}/"):
        page = anonymous.get(url).content.decode()
        assert "Harbour" not in page
    programme = WorkProgrammeTopic.objects.get(is_exempt=True).work_programme
    page = anonymous.get(f"/work-programmes/{programme.pk}/?status=all").content.decode()
    assert "Harbour" not in page
    assert "Leisure Trust Insolvency (exempt under paragraph 3 of Schedule 12A)" in " ".join(
        re.sub(r"<[^>]+>", " ", page).split()
    )
    from rest_framework.test import APIClient

    api = APIClient()
    for url in ("/api/topics/", "/api/resolutions/", "/api/actions/", "/api/agenda-items/"):
        assert "Harbour" not in api.get(url).content.decode(), url
    assert Resolution.objects.filter(agenda_item=item).count() == 3
    assert [a.agenda_item for a in Action.objects.all()] == [item]
    assert Action.objects.visible_to(anonymous_user()).count() == 0
