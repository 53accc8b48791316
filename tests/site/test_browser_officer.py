"""The officer's journey through a meeting in a real browser, on a phone (390 px) and a laptop
(1280 px): add an item, record its outcome, defer another, record attendance, name an
action's owner and due date; a refusal's error summary takes focus. axe-core finds no serious
or critical violation on any page, no page is wider than the screen, and each page is saved
under var/screenshots/officer-<width>-*.png."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from actions.models import Action
from committees.models import AgendaItem, Attendance, Deferral
from tests.site import page_world as support
from tests.site import test_browser as chromium
from tests.site.test_browser import check_accessibility, sign_in, snap

clock, sam, world = support.clock, support.sam, support.world
# Headless Chromium as test_browser.py launches it, and its skip rule.
browser, page, pytestmark = chromium.browser, chromium.page, chromium.pytestmark


def fits(page, width: int, name: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} is {scroll} px wide at {width} px"


def look(page, width: int, name: str) -> None:
    """Screenshot, width and accessibility of the page as it stands."""
    snap(page, f"officer-{width}-{name}")
    fits(page, width, name)
    check_accessibility(page, f"{name} at {width} px")


@pytest.mark.parametrize("width", [390, 1280])
def test_an_officer_records_a_meeting_s_business(
    page, world, february, march, alan, dev, width, monkeypatch
):
    # The evening of February's meeting: what it decided, and who came, can be recorded.
    evening = dt.datetime(2018, 2, 13, 21, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    youth = AgendaItem.objects.create(
        meeting=february,
        number=31,
        position=1,
        title="Youth Offending Service Inspection",
        topic=world["youth"],
        report_author=dev,
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "priya", "priya-pass")
    page.goto(february.get_absolute_url())
    look(page, width, "meeting")

    # Add an item to the agenda.
    page.get_by_role("link", name="Add an item to the agenda").click()
    page.get_by_label("Item number (optional)").fill("32")
    page.get_by_label("Title", exact=True).fill("Child Exploitation Update")
    page.get_by_label("Report author (optional)").select_option(str(dev.pk))
    look(page, width, "add-item")
    page.get_by_role("button", name="Add item").click()
    assert (
        page.get_by_role("status")
        .inner_text()
        .endswith("Item 32, “Child Exploitation Update” is added to the agenda.")
    )

    # Record its outcome from the meeting page.
    page.get_by_label("Outcome of Child Exploitation Update").select_option("noted")
    page.get_by_role("button", name="Record outcome of Child Exploitation Update").click()
    assert (
        page.get_by_role("status")
        .inner_text()
        .endswith("Item 32, “Child Exploitation Update”: the outcome is recorded as noted.")
    )
    assert AgendaItem.objects.get(number=32, meeting=february).outcome == "noted"

    # Defer the other; first with nothing filled in: the summary says why and takes focus.
    page.get_by_role("link", name="Defer this item").click()
    page.get_by_role("button", name="Defer item").click()
    summary = page.locator(".error-summary")
    assert summary.inner_text().splitlines()[0] == "There is a problem"
    assert "Choose the meeting to defer it to, or “No meeting set yet”." in summary.inner_text()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    look(page, width, "defer-item-error")
    summary.get_by_role("link", name="Say why it is deferred").click()
    assert page.evaluate("document.activeElement.id") == "id_reason"

    mail.outbox.clear()
    page.get_by_label("Defer to").select_option(label="13 March 2018")
    page.get_by_label("Why is it deferred?").fill("The inspection report is not yet published.")
    page.get_by_role("button", name="Defer item").click()
    assert (
        page.get_by_role("status")
        .inner_text()
        .endswith(
            "Item 31, “Youth Offending Service Inspection” is deferred to the meeting of "
            "13 March 2018."
        )
    )
    item_text = page.locator(f"#item-{youth.pk}").inner_text()
    assert "Outcome: Deferred to the meeting of 13 March 2018" in item_text
    assert "Why: The inspection report is not yet published." in item_text
    assert Deferral.objects.get(agenda_item=youth).to_meeting == march
    assert [email.to for email in mail.outbox] == [["dev.okafor@riverside.example"]]
    look(page, width, "meeting-after")

    # Attendance.
    page.get_by_role("link", name="Record attendance").click()
    look(page, width, "attendance")
    page.get_by_role("button", name="Apologies for Alan Marsh").click()
    assert page.get_by_role("status").inner_text().endswith("Alan Marsh: apologies is recorded.")
    assert Attendance.objects.get(meeting=february, person=alan).kind == "apologies"
    # He came after all, as chair.
    page.get_by_label("Person").select_option(str(alan.pk))
    page.get_by_label("Attendance", exact=True).select_option("present")
    page.get_by_label("In what capacity (optional)").fill("Chair")
    page.get_by_role("button", name="Record attendance").click()
    assert page.get_by_role("status").inner_text().endswith("Alan Marsh: present is recorded.")
    row = Attendance.objects.get(meeting=february, person=alan)
    assert (row.kind, row.capacity) == ("present", "Chair")
    look(page, width, "attendance-recorded")

    # An action's owner and due date, the date in GOV.UK's day, month and year boxes.
    figures = world["figures"]
    page.goto(figures.get_absolute_url())
    page.get_by_role("link", name="Change the owner or due date of CS (17/18) A02").click()
    page.get_by_label("Owner", exact=True).select_option(str(world["exempt_action"].owner_id))
    page.get_by_label("Day").fill("9")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2018")
    look(page, width, "action-owner")
    page.get_by_role("button", name="Save owner and due date").click()
    assert (
        page.get_by_role("status")
        .inner_text()
        .endswith(
            "CS (17/18) A02 is saved: Sam Ruiz, due 9 February 2018 and back to the meeting of "
            "13 March 2018."
        )
    )
    assert str(Action.objects.get(pk=figures.pk).due_date) == "2018-02-09"


def test_a_chair_sees_no_controls_and_an_empty_sign_off_is_explained(page, world, february):
    sign_in(page, "alan", "alan-pass")
    page.goto(february.get_absolute_url())
    assert page.get_by_role("button", name="Record outcome").count() == 0
    assert page.get_by_role("link", name="Add an item to the agenda").count() == 0
    page.goto(world["figures"].get_absolute_url())
    page.get_by_role("button", name="Sign off action").click()
    summary = page.locator(".error-summary")
    assert "Say what was done, so the tracker explains why it closed." in summary.inner_text()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    # The summary is the first thing in main, above the heading, in view.
    assert summary.evaluate("e => e.getBoundingClientRect().top") < page.locator("h1").evaluate(
        "e => e.getBoundingClientRect().top"
    )
    snap(page, "chair-sign-off-error")


def test_without_javascript_the_phone_menu_is_simply_listed(browser, live_server, world):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 900}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/")
        assert page.get_by_role("button", name="Menu").count() == 0 or not (
            page.get_by_role("button", name="Menu").is_visible()
        )
        entries = page.locator(".header nav li")
        assert entries.all_inner_texts() == ["Committees", "Sign in"]
        assert all(entry.is_visible() for entry in entries.all())
        fits(page, 390, "home without JavaScript")
        snap(page, "no-js-390-home")
    finally:
        context.close()


def test_the_emailed_action_link_works_on_a_phone(page, world, overdue_action):
    from tracker.reminders import links

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(links.action_update_url(overdue_action, overdue_action.owner))
    main = page.locator("main").inner_text()
    assert "12 days late" in main and "Due\n10 January 2018" in main
    button = page.get_by_role("button", name="Record update")
    width = button.evaluate("b => b.getBoundingClientRect().width")
    assert width >= 390 - 2 * 15 - 1  # the full width inside the page's margins
    look(page, 390, "action-link")
    page.get_by_label("What has happened since the last update?").fill("Figures are in.")
    button.click()
    assert page.locator("h1").inner_text() == "Thank you: recorded"
    look(page, 390, "action-link-done")
