"""The importer against the five real sets of minutes in ../shared/seeds/.

Each expectation in tests/importer/expected/ was checked by reading the seed itself: item
numbers, titles and outcomes; a short phrase of every resolution; deferrals with their
dates; requests with their months. The schedule lists the meetings set up before importing,
so that "February 2017" or "the next meeting" has a meeting to land on.
"""

import datetime as dt
import json
from pathlib import Path

import pytest

from committees.models import Meeting
from tests.builders import SEEDS
from tracker.importer.parsing import propose
from tracker.importer.reading import read_minutes

pytestmark = pytest.mark.skipif(
    not SEEDS.exists(), reason="the real minutes in ../shared/seeds/ are not here"
)

EXPECTED = Path(__file__).parent / "expected"
CASES = sorted(path.stem for path in EXPECTED.glob("seed_*.json"))


def expected(case: str) -> dict:
    return json.loads((EXPECTED / f"{case}.json").read_text())


def seed_text(name: str) -> str:
    return read_minutes((SEEDS / name).read_bytes(), name)


@pytest.fixture
def seed_committee(authority):
    def make(name: str, schedule: list[str]):
        from committees.models import Committee

        committee = Committee.objects.create(
            authority=authority, name=name, slug="seed", reference_prefix="SD"
        )
        for day in schedule:
            Meeting.objects.create(committee=committee, date=dt.date.fromisoformat(day))
        return committee

    return make


def test_there_are_five_hand_checked_seeds():
    assert [f"seed_00{n}" for n in range(5)] == CASES


@pytest.mark.parametrize("case", CASES)
def test_the_proposal_matches_the_hand_checked_minutes(case, seed_committee):
    want = expected(case)
    committee = seed_committee(want["committee"], want["schedule"])
    proposal = propose(seed_text(want["file"]), committee=committee)

    assert len(proposal.meetings) == 1, "one meeting's minutes are in each seed"
    meeting = proposal.meetings[0]
    got = proposal.as_json()["meetings"][0]
    assert (got["committee"], got["date"], got["time"], got["venue"]) == (
        want["committee"],
        want["date"],
        want["time"],
        want["venue"],
    )

    assert [i["number"] for i in got["items"]] == [i["number"] for i in want["items"]], (
        "item numbers"
    )
    for got_item, want_item in zip(got["items"], want["items"], strict=True):
        label = f"item {want_item['number'] or want_item['title']}"
        assert got_item["title"] == want_item["title"], f"{label}: title"
        assert got_item["outcome"] == want_item["outcome"], f"{label}: outcome"
        assert len(got_item["resolutions"]) == len(want_item["resolutions"]), (
            f"{label}: {len(got_item['resolutions'])} resolutions, expected "
            f"{len(want_item['resolutions'])}: {[r['text'][:50] for r in got_item['resolutions']]}"
        )
        for got_res, (number, phrase) in zip(
            got_item["resolutions"], want_item["resolutions"], strict=True
        ):
            assert got_res["number"] == number, f"{label}: resolution number"
            assert phrase in got_res["text"], (
                f"{label}, resolution {number}: {phrase!r} not in {got_res['text']!r}"
            )
        assert got_item["deferred_to"] == want_item["deferred_to"], f"{label}: deferral"

    for number, parts in want.get("resolution_parts", {}).items():
        item = next(i for i in got["items"] if str(i["number"]) == number)
        for position, phrases in parts.items():
            text = item["resolutions"][int(position) - 1]["text"]
            for phrase in phrases:
                assert phrase in text, f"item {number}, resolution {position}: sub-part {phrase!r}"

    assert [(w["topic"], w["target"]["month"]) for w in got["work_programme_requests"]] == [
        (w["topic"], w["month"]) for w in want["work_programme_requests"]
    ], "work-programme requests"
    assert [w.target.date for w in meeting.work_programme_requests] == [
        w["date"] for w in want["work_programme_requests"]
    ], "work-programme target meetings"

    assert len(got["report_back_requests"]) == len(want["report_back_requests"]), (
        f"report-back requests: {got['report_back_requests']}"
    )
    for got_rb, want_rb in zip(
        got["report_back_requests"], want["report_back_requests"], strict=True
    ):
        assert got_rb["item"] == want_rb["item"]
        assert want_rb["phrase"] in got_rb["text"], f"report back: {want_rb['phrase']!r}"
        assert got_rb["target"]["month"] == want_rb["month"], f"report back: {got_rb}"

    assert [u["item"] for u in got["undertakings"]] == [u["item"] for u in want["undertakings"]]
    for got_u, want_u in zip(got["undertakings"], want["undertakings"], strict=True):
        assert want_u["phrase"] in got_u["text"], f"undertaking: {want_u['phrase']!r}"

    for phrase in want["warnings"]:
        assert any(phrase in warning for warning in got["warnings"]), f"no warning says {phrase!r}"


def test_without_the_committee_set_up_targets_keep_their_months_and_say_so():
    """A month stays a month; a date written in full is proposed as that date, with a warning
    that no meeting of the committee is scheduled on it."""
    proposal = propose(seed_text("002_e187f8e0c41f6043.txt"))
    got = proposal.as_json()["meetings"][0]
    deferred = [i for i in got["items"] if i["outcome"] == "deferred"]
    assert [(i["number"], i["deferred_to"]["date"]) for i in deferred] == [
        (75, "2018-02-13"),
        (76, "2018-02-13"),
    ]
    assert [w["target"]["month"] for w in got["work_programme_requests"]] == [
        "2018-02",
        "2018-02",
        None,
        None,
    ]
    assert (
        "Item 75: deferred to \"the next Children's Services Overview and Scrutiny Committee meeting "
        'on 13th February 2018": no meeting of the committee is scheduled on 13 February 2018; '
        "proposed as 13 February 2018 as written." in got["warnings"]
    )
