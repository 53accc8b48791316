"""The staff page at /import/tracker/: upload, review the mapping beside a dry run, change
it, save; chairs and the public are kept out, and a forged committee or token is refused."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action, Resolution
from committees.models import Meeting
from tests.workbooks.conftest import HEADINGS, xlsx

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

ROWS = [
    [
        "CS1",
        "12/12/2017",
        "Report placement moves for under-fives",
        "Dev Okafor",
        None,
        "31/01/2018",
        "Amber",
        "Figures being gathered",
        "15/01/2018",
    ],
    ["CS2", "12/12/2099", "A slip: the year 2099", None, None, None, None, None, None],
    [
        "CS3",
        "12/12/2017",
        "Circulate the delivery plan",
        None,
        None,
        None,
        "Done",
        "Circulated",
        "16/01/2018",
    ],
]


def workbook(rows=ROWS) -> SimpleUploadedFile:
    data = xlsx(("2016-17", [HEADINGS]), ("2017-18", [["Tracker 2017/18"], HEADINGS, *rows]))
    return SimpleUploadedFile("tracker.xlsx", data)


@pytest.fixture
def officer(client, priya):
    client.force_login(priya.user)
    return client


def upload(client, committee, extra=None):
    return client.post(
        "/import/tracker/",
        {"file": workbook(), "committee": committee.pk, "sheet": "2017-18"} | (extra or {}),
    )


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_officer_sees_the_mapping_and_what_saving_would_do(officer, committee, dev):
    page = officer.get("/import/tracker/")
    assert page.status_code == 200
    response = upload(officer, committee)
    assert response.status_code == 200
    text = text_of(response)
    assert "The headings are on row 2 of the sheet “2017-18”." in text
    assert (
        "Nothing saved (dry run) for Children's Services Overview and Scrutiny Committee: "
        "1 meeting created, 2 recommendations and 2 actions created, 1 update recorded, "
        "1 action signed off, 0 executive responses started and 0 decisions recorded, 0 rows "
        "changed what an earlier import saved, 0 rows unchanged, 1 row refused." in text
    )
    assert (
        "Row 4: the meeting date 12 December 2099 is after today, and Children's Services "
        "Overview and Scrutiny Committee has no meeting that day" in text
    )
    assert (
        "Row 3 (CS (17/18) 01 and CS (17/18) A01): created; update of 15 January 2018 recorded"
        in text
    )
    assert '<option value="status" selected>Status or RAG</option>' in response.content.decode()
    assert (Resolution.objects.count(), Meeting.objects.count()) == (0, 0)


def test_saving_records_everything_in_one_go_and_says_so(officer, committee, dev):
    token = token_of(upload(officer, committee))
    mapping = {
        f"column-{i}": key
        for i, key in enumerate(
            [
                "reference",
                "meeting_date",
                "text",
                "lead",
                "response",
                "due_date",
                "status",
                "update",
                "update_date",
            ]
        )
    }
    response = officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "save",
            **mapping,
        },
        follow=True,
    )
    assert response.redirect_chain == [("/committees/childrens-services/", 302)]
    assert (
        "Saved for Children's Services Overview and Scrutiny Committee: 1 meeting created, "
        "2 recommendations and 2 actions created" in text_of(response)
    )
    assert sorted(Action.objects.values_list("reference", "status")) == [
        ("CS (17/18) A01", "open"),
        ("CS (17/18) A02", "completed"),
    ]


def test_the_officer_can_change_the_mapping_and_check_again(officer, committee, dev):
    token = token_of(upload(officer, committee))
    mapping = {
        f"column-{i}": key
        for i, key in enumerate(
            [
                "reference",
                "meeting_date",
                "text",
                "lead",
                "response",
                "due_date",
                "",
                "update",
                "update_date",
            ]
        )
    }
    response = officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "check",
            **mapping,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<select name="column-6" id="column-6">\n          <option value="">Not read</option>'
        in html
    )
    assert "0 actions signed off" in text_of(response)
    assert Resolution.objects.count() == 0
    without_text = dict(mapping, **{"column-2": ""})
    response = officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "save",
            **without_text,
        },
    )
    assert response.status_code == 400
    assert "Choose the column that holds the recommendation or action." in text_of(response)
    assert Resolution.objects.count() == 0
    twice = dict(mapping, **{"column-3": "text"})
    response = officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "save",
            **twice,
        },
    )
    assert response.status_code == 400
    assert "Only one column may hold the recommendation or action." in text_of(response)
    assert Resolution.objects.count() == 0


def test_choosing_another_sheet_proposes_its_own_mapping(officer, committee):
    token = token_of(upload(officer, committee))
    response = officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "sheet": "2016-17",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "save",
            "column-0": "text",
        },
    )
    assert response.status_code == 200
    assert "The headings are on row 1 of the sheet “2016-17”." in text_of(response)
    assert Resolution.objects.count() == 0


def test_chairs_are_refused_and_the_public_asked_to_sign_in(client, committee, alan):
    for url in ("/import/tracker/", "/import/tracker/review/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")
    client.force_login(alan.user)
    assert client.get("/import/tracker/").status_code == 403
    assert upload(client, committee).status_code == 403
    assert client.post("/import/tracker/review/", {"token": "x", "do": "save"}).status_code == 403
    assert Resolution.objects.count() == 0


def test_a_forged_committee_or_token_is_refused(officer, committee, other_committee):
    response = upload(officer, committee, {"committee": 987654})
    assert response.status_code == 400
    assert "That committee does not exist: choose one from the list." in text_of(response)
    token = token_of(upload(officer, committee))
    # The committee travels inside the signed token: a committee field posted beside it is ignored,
    # and a token altered to name another committee is refused.
    officer.post(
        "/import/tracker/review/",
        {
            "token": token,
            "committee": other_committee.pk,
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "do": "save",
            "column-0": "reference",
            "column-1": "meeting_date",
            "column-2": "text",
        },
    )
    assert set(Resolution.objects.values_list("committee__slug", flat=True)) == {
        "childrens-services"
    }
    response = officer.post("/import/tracker/review/", {"token": token[:-4] + "abcd", "do": "save"})
    assert response.status_code == 400
    assert "The review could not be verified (it was altered or is incomplete)" in text_of(response)


def test_a_file_that_cannot_be_used_is_a_form_error_not_a_crash(officer, committee):
    bad = SimpleUploadedFile("tracker.xlsx", b"PK\x03\x04 broken")
    response = officer.post("/import/tracker/", {"file": bad, "committee": committee.pk})
    assert response.status_code == 400
    assert "The file cannot be opened as an Excel workbook" in text_of(response)
    other = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4")
    response = officer.post("/import/tracker/", {"file": other, "committee": committee.pk})
    assert response.status_code == 400
    assert "Choose an Excel workbook (.xlsx) or a CSV file (.csv)." in text_of(response)
    response = officer.post(
        "/import/tracker/", {"file": workbook(), "committee": committee.pk, "sheet": "2019-20"}
    )
    assert response.status_code == 400
    assert 'The workbook has no sheet called "2019-20"' in text_of(response)


def test_a_csv_with_a_formula_in_it_is_stored_as_text_and_neutralised_in_exports(
    officer, committee
):
    data = 'Ref,Meeting date,Action\r\nF1,12/12/2017,"=HYPERLINK(""http://evil.example"",""Click"")"\r\n'
    response = officer.post(
        "/import/tracker/",
        {"file": SimpleUploadedFile("t.csv", data.encode("utf-8-sig")), "committee": committee.pk},
    )
    officer.post(
        "/import/tracker/review/",
        {
            "token": token_of(response),
            "mapped_sheet": "CSV",
            "do": "save",
            "column-0": "reference",
            "column-1": "meeting_date",
            "column-2": "text",
        },
    )
    action = Action.objects.get()
    assert action.title == '=HYPERLINK("http://evil.example","Click")'
    exported = officer.get("/committees/childrens-services/tracker.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in exported
    assert '",=HYPERLINK' not in exported and ",=HYPERLINK" not in exported


def test_staff_reach_it_from_the_menu_beside_the_minutes_importer(officer, client, alan):
    html = officer.get("/import/").content.decode()
    assert '<a href="/import/tracker/">Import tracker</a>' in html
    assert 'href="/import/tracker/">Import a tracker spreadsheet</a>' in html
    page = officer.get("/import/tracker/").content.decode()
    assert '<a href="/import/tracker/" aria-current="page">Import tracker</a>' in page
    client.force_login(alan.user)
    assert "Import tracker" not in client.get("/my-work/").content.decode()


def test_choices_the_page_never_offers_are_refused(officer, committee):
    token = token_of(upload(officer, committee))
    base = {"token": token, "sheet": "2017-18", "mapped_sheet": "2017-18", "do": "save"}
    response = officer.post(
        "/import/tracker/review/", base | {"kind": "everything", "column-2": "text"}
    )
    assert response.status_code == 400
    assert '"everything" is not a kind of row the tracker knows.' in text_of(response)
    response = officer.post(
        "/import/tracker/review/", base | {"kind": "auto", "column-2": "owner_password"}
    )
    assert response.status_code == 400
    assert '"owner_password" is not a field the tracker reads.' in text_of(response)
    response = officer.post(
        "/import/tracker/review/", base | {"sheet": "Secret sheet", "kind": "auto"}
    )
    assert response.status_code == 400
    assert 'The workbook has no sheet called "Secret sheet"' in text_of(response)
    assert Resolution.objects.count() == 0


def test_a_sheet_too_long_for_the_page_is_sent_to_the_command(officer, committee, monkeypatch):
    monkeypatch.setattr("tracker.workbooks.review_pages.MAX_PAGE_ROWS", 3)
    response = upload(officer, committee)
    assert response.status_code == 400
    assert (
        "The sheet has more than 3 rows; nothing was imported. Split it, or use python "
        "manage.py import_tracker for a large one." in text_of(response)
    )
