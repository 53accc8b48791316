"""The importer on the labelled real minutes in ../shared/minutes/ (the councils' words, never
copied here): the scores must not fall below the figures reached so far. Skipped, saying why,
where the corpus or its scorer is absent."""

import importlib.util
import json
from pathlib import Path

import pytest

from tracker.importer.parsing import propose
from tracker.importer.reading import MinutesError, read_minutes
from tracker.importer.targets import Calendar

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "minutes"
SCORER = SHARED / "tools" / "score_minutes.py"

# Reached on 24 cases; raise them as the importer improves, never lower them.
FLOORS = {
    "items": 0.92,
    "titles": 1.00,
    "resolution_recall": 0.95,
    "resolution_precision": 1.00,
    "deferrals": 1.00,
    "future_business": 1.00,
    "header": 0.83,
}

pytestmark = pytest.mark.skipif(
    not (CORPUS.is_dir() and SCORER.is_file()),
    reason=f"the labelled minutes ({CORPUS}) or their scorer ({SCORER}) are not in this checkout",
)


def _same():
    spec = importlib.util.spec_from_file_location("score_minutes", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.same


@pytest.fixture(scope="module")
def scores():
    same = _same()
    t = dict.fromkeys(
        [
            "items",
            "found",
            "titles",
            "res",
            "res_found",
            "pred",
            "pred_ok",
            "deferred",
            "deferred_found",
            "fb",
            "fb_pred",
            "header",
            "cases",
            "traps",
            "refusals",
        ],
        0,
    )
    for path in sorted(CORPUS.glob("*.expected.json")):
        name = path.name.removesuffix(".expected.json")
        expected = json.loads(path.read_text())
        text = (CORPUS / f"{name}.txt").read_text().split("\n", 1)[1]
        t["cases"] += 1
        labelled = expected["items"]
        t["items"] += len(labelled)
        t["res"] += sum(len(i["resolutions"]) for i in labelled)
        t["deferred"] += sum(1 for i in labelled if i["deferred"])
        n_fb = len(expected.get("work_programme_additions", [])) + len(
            expected.get("report_back_requests", [])
        )
        t["fb"] += n_fb
        try:
            meetings = propose(
                read_minutes(text.encode(), f"{name}.txt"), calendar=Calendar()
            ).as_json()["meetings"]
        except MinutesError:
            t["refusals"] += 1
            continue
        proposed = [item for m in meetings for item in m["items"]]
        if meetings and same(meetings[0]["committee"], expected.get("committee")):
            t["header"] += meetings[0]["date"] == expected.get("meeting_date")
        t["fb_pred"] += min(
            n_fb,
            sum(
                len(m["work_programme_requests"]) + len(m["report_back_requests"]) for m in meetings
            ),
        )
        used = set()
        for li in labelled:
            match = None
            for k, pi in enumerate(proposed):
                number = str(pi["number"] or "")
                if k not in used and (
                    (li.get("number") and number == str(li["number"]).rstrip("."))
                    or (not li.get("number") and same(pi["title"], li["title"]))
                ):
                    match = k
                    break
            if match is None:
                continue
            used.add(match)
            pi = proposed[match]
            t["found"] += 1
            t["titles"] += same(pi["title"], li["title"])
            texts = [r["text"] for r in pi["resolutions"]]
            t["res_found"] += sum(1 for r in li["resolutions"] if any(same(r, p) for p in texts))
            t["pred"] += len(texts)
            t["pred_ok"] += sum(1 for p in texts if any(same(r, p) for r in li["resolutions"]))
            if li["deferred"] and (pi["outcome"] == "deferred" or pi["deferred_to"]):
                t["deferred_found"] += 1
        for pi in proposed:
            for r in pi["resolutions"]:
                t["traps"] += any(same(r["text"], trap) for trap in expected.get("traps", []))
    return {
        "items": t["found"] / t["items"],
        "titles": t["titles"] / max(t["found"], 1),
        "resolution_recall": t["res_found"] / t["res"],
        "resolution_precision": t["pred_ok"] / max(t["pred"], 1),
        "deferrals": t["deferred_found"] / t["deferred"],
        "future_business": t["fb_pred"] / t["fb"],
        "header": t["header"] / t["cases"],
        "traps": t["traps"],
        "refusals": t["refusals"],
    }


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_score_does_not_fall(scores, measure):
    assert scores[measure] >= FLOORS[measure] - 0.005, f"{measure}: {scores[measure]:.1%}"


def test_no_traps_and_no_refusals(scores):
    assert scores["traps"] == 0
    assert scores["refusals"] == 0
