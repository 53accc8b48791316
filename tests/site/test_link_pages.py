"""The pages an emailed link opens, on 22 January 2018: the context to act without signing
in (what, when due, the latest update, the committee), and nothing exempt beyond the public
title."""

import pytest

from committees.models import AgendaItem
from tests.site import page_world as support
from tests.site.page_world import SECRET
from tests.site.test_pages import text_of
from tracker.reminders import links

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db


def test_the_action_link_page_says_what_when_and_the_latest_update(client, overdue_action, clock):
    from actions.progress import record_update

    record_update(overdue_action, text="Figures requested from the placements team.", rag="AMBER")
    page = text_of(client.get(links.action_update_url(overdue_action, overdue_action.owner)))
    assert (
        "Children's Services Overview and Scrutiny Committee Update action CS (17/18) A01 "
        "Provide figures on placement moves for under-fives 12 days late "
        "Due 10 January 2018 "
        "Latest update 22 January 2018 Amber Figures requested from the placements team. "
        "Came from Placement Stability Update, meeting of 12 December 2017 "
        "Committee Children's Services Overview and Scrutiny Committee "
        "Recording as Dev Okafor, the action's owner. This link records one update."
    ) in page


def test_the_action_link_page_names_an_exempt_item_by_its_public_title(client, world, sam):
    page = text_of(client.get(links.action_update_url(world["exempt_action"], sam)))
    assert "Came from Case review (exempt), meeting of 12 December 2017" in page
    assert "case review ZEBRA" not in page  # the item's own title (its owner may read the action)


def test_the_action_link_page_puts_its_errors_first(client, overdue_action):
    response = client.post(links.action_update_url(overdue_action, overdue_action.owner), {})
    assert response.status_code == 400
    html = response.content.decode()
    main = html[html.index("<main") :]
    assert main.index('class="error-summary"') < main.index("<h1>")
    assert '<a href="#id_text">Say what has happened since the last update.</a>' in main
    assert '<button type="submit" class="button">Record update</button>' in main


def test_the_report_link_page_names_the_meeting_and_its_deadline(client, february, dev):
    item = AgendaItem.objects.create(
        meeting=february,
        title=f"Contract review {SECRET}",
        public_title="Commercial matter (exempt)",
        is_exempt=True,
        exempt_paragraph=3,
        report_author=dev,
    )
    page = text_of(client.get(links.report_submission_url("item", item, dev)))
    assert (
        "Children's Services Overview and Scrutiny Committee Record your report as sent "
        "“Commercial matter (exempt)” For the meeting of Tuesday 13 February 2018 "
        "Reports due by 30 January 2018 Committee Children's Services Overview and Scrutiny "
        "Committee Recording as Dev Okafor."
    ) in page
    assert SECRET not in page
