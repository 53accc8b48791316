"""The main journeys in a real browser: headless Chromium (Debian's package) driven by
Playwright, against the live test server, with axe-core checking accessibility.

Each journey saves a screenshot of each main page under var/screenshots/ for reviewers.
Without /usr/bin/chromium the tests are skipped, except in CI (CI set), where they fail:
`make test` installs the package when it can (see the Makefile's `browser` target).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from actions.models import Action
from tests.site import page_world as support
from tests.site.page_world import SECRET

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# ordinary synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = [390, 1280]  # a phone and a laptop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (/usr/bin/chromium): "
        "run `apt-get install -y chromium`, or `make browser` as root",
    ),
]

clock, sam, world = support.clock, support.sam, support.world


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, transactional_db, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page, name: str) -> None:
    """axe-core on the page as it stands: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]][:5]
        print(
            f"[axe {name}] {violation['impact']}: {violation['id']}: {violation['help']} {targets}"
        )
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: serious or critical accessibility violations {serious}"


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/my-work/")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_defers_a_topic_and_the_author_is_emailed(page, world, march, width):
    page.set_viewport_size({"width": width, "height": 900})
    mail.outbox.clear()  # the world's own deferral (of an exempt item) has told its officer
    sign_in(page, "priya", "priya-pass")
    snap(page, f"officer-my-work-{width}")
    check_accessibility(page, f"officer My work at {width} px")

    page.goto(f"/work-programmes/{world['programme'].pk}/")
    snap(page, f"work-programme-{width}")
    check_accessibility(page, f"work programme at {width} px")
    page.get_by_role("link", name="Defer Youth Offending Service Inspection").click()
    page.get_by_label("Defer to").select_option(label="13 March 2018")
    page.get_by_label("Why is it deferred?").fill("The inspection report is not yet published.")
    snap(page, f"defer-topic-form-{width}")
    check_accessibility(page, f"defer topic form at {width} px")
    page.get_by_role("button", name="Defer topic").click()

    flash = page.get_by_role("status")
    assert flash.inner_text().endswith(
        "“Youth Offending Service Inspection” is deferred to the meeting of 13 March 2018. "
        "The report author and lead officer have been emailed."
    )
    snap(page, f"work-programme-after-deferral-{width}")
    [email] = mail.outbox
    assert email.to == ["dev.okafor@riverside.example"]
    assert email.cc == []  # Priya deferred it herself: she is not told of her own change
    assert email.subject == (
        "Deferred to 13 March 2018: Youth Offending Service Inspection (Children's Services O&S)"
    )

    page.goto("/committees/childrens-services/")
    snap(page, f"committee-{width}")
    check_accessibility(page, f"committee at {width} px")
    page.goto(world["public_item"].meeting.get_absolute_url())
    snap(page, f"meeting-{width}")
    check_accessibility(page, f"meeting at {width} px")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_author_records_an_update(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "dev", "dev-pass")
    snap(page, f"author-my-work-{width}")
    check_accessibility(page, f"author My work at {width} px")
    page.get_by_role("link", name="CS (17/18) A02").click()
    page.get_by_label("What has happened since the last update?").fill(
        "Half of the recruitment figures are in."
    )
    page.get_by_label("RAG status").select_option("AMBER")
    page.get_by_role("button", name="Record update").click()

    assert "Your update to CS (17/18) A02 is recorded." in page.get_by_role("status").inner_text()
    timeline = page.locator(".timeline")
    assert "Half of the recruitment figures are in." in timeline.inner_text()
    assert timeline.locator("li").last.locator(".tag--amber").inner_text() == "Amber"
    snap(page, f"action-{width}")
    check_accessibility(page, f"action at {width} px")

    # Leaving the note out is explained, and what was chosen is kept.
    page.get_by_label("RAG status").select_option("RED")
    page.get_by_role("button", name="Record update").click()
    assert (
        "Say what has happened since the last update."
        in page.locator(".error-summary").inner_text()
    )
    assert page.get_by_label("RAG status").input_value() == "RED"
    snap(page, f"action-form-error-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_chair_signs_off_an_action(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "alan", "alan-pass")
    page.goto(world["figures"].get_absolute_url())
    page.get_by_label("What was done?").fill("Figures received and circulated to members.")
    page.get_by_role("button", name="Sign off action").click()
    assert "CS (17/18) A02 is signed off as completed." in page.get_by_role("status").inner_text()
    assert "Completed on 22 January 2018" in page.locator("main").inner_text()
    snap(page, f"action-signed-off-{width}")
    action = Action.objects.get(pk=world["figures"].pk)
    assert action.status == Action.Status.COMPLETED
    page.goto("/committees/childrens-services/actions/?status=closed")
    assert "CS (17/18) A02" in page.locator("table").inner_text()
    assert "Completed" in page.locator("table").inner_text()


def test_an_anonymous_visitor_never_reaches_exempt_text(page, world, december):
    committee = "/committees/childrens-services/"
    visited = {
        "public-committees": "/",
        "public-committee": committee,
        "public-meeting": december.get_absolute_url(),
        "public-work-programme": f"/work-programmes/{world['programme'].pk}/",
        "public-action": world["figures"].get_absolute_url(),
        "public-resolution": f"/resolutions/{world['recommendation'].pk}/",
        "public-tracker-print": committee + "tracker/print/",
        "public-actions": committee + "actions/?status=all",
    }
    for name, url in visited.items():
        response = page.goto(url)
        assert response.status == 200, url
        assert SECRET not in page.content(), url
        snap(page, name)
    page.goto("/")
    check_accessibility(page, "public committee list")
    page.goto(december.get_absolute_url())
    assert "Case review (exempt)" in page.locator("main").inner_text()
    check_accessibility(page, "public meeting")

    for url in (
        committee + "tracker.csv",
        committee + "tracker.xlsx",
        committee + "calendar.ics",
    ):
        response = page.request.get(url)
        assert response.status == 200, url
        assert SECRET.encode() not in response.body(), url

    for url in (
        world["exempt_action"].get_absolute_url(),
        f"/resolutions/{world['exempt_resolution'].pk}/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
        assert SECRET not in page.content()


def test_no_main_page_is_wider_than_the_screen(page, world, december):
    """Phone first: at 390 px (a phone) and 1280 px (a laptop) no main page scrolls sideways;
    wide tables scroll inside their own box instead."""
    sign_in(page, "priya", "priya-pass")
    committee = "/committees/childrens-services/"
    pages = {
        "home": "/",
        "committee": committee,
        "committee-actions": committee + "actions/?status=all",
        "work-programme": f"/work-programmes/{world['programme'].pk}/",
        "meeting": december.get_absolute_url(),
        "action": world["figures"].get_absolute_url(),
        "my-work": "/my-work/",
        "tracker-print": committee + "tracker/print/",
    }
    measured, rows = {}, {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, url
            measured[(name, width)] = page.evaluate("document.documentElement.scrollWidth")
            snap(page, f"width-{width}-{name}")
            rows[(name, width)] = menu_of(page, width)
    too_wide = {key: px for key, px in measured.items() if px > key[1]}
    assert too_wide == {}
    assert len(measured) == 16
    # On a laptop the menu is one row; on a phone it folds behind "Menu" and opens as a
    # list, one entry a row, inside the screen.
    assert {rows[(name, 1280)] for name in pages} == {("no toggle", "one row", True)}
    assert {rows[(name, 390)] for name in pages} == {("folded, then opens", "one a row", True)}


def menu_of(page, width: int) -> tuple[str, str, bool]:
    """How the header menu shows: its toggle, how many rows its entries take, and whether it
    keeps inside the screen."""
    toggle = page.get_by_role("button", name="Menu")
    entries = page.locator(".header nav li")
    if toggle.is_visible():
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not entries.first.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        state = "folded, then opens"
    else:
        state = "no toggle"
    tops = entries.evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    rights = entries.evaluate_all("items => items.map(i => i.getBoundingClientRect().right)")
    rows = {1: "one row", len(tops): "one a row"}.get(len(set(tops)), f"{len(set(tops))} rows")
    return state, rows, max(rights) <= width
