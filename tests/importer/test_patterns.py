"""Guarded patterns answer exactly as their regexes do: the word test in front of each may
only skip text the regex could not match. Checked against every guarded pattern the importer
uses, on every line, paragraph and sentence of the test minutes (and of ../shared's labelled
minutes, where present), and on the same text with the letters re.IGNORECASE folds oddly
(dotless i, dotted capital I, long s). It found a guard that missed "meeting on 3 March"."""

import functools
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import tracker.importer.parsing as parsing
from tracker.importer import targets
from tracker.importer.parsing.text import _paragraphs, _prepare_lines, _sentences
from tracker.importer.patterns import Guarded, folded
from tracker.importer.reading import read_minutes

MINUTES = Path(__file__).resolve().parent / "minutes"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _guarded() -> dict[str, Guarded]:
    modules = [targets] + [
        importlib.import_module(f"tracker.importer.parsing.{info.name}")
        for info in pkgutil.iter_modules(parsing.__path__)
    ]
    return {
        f"{module.__name__}.{name}": value
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, Guarded)
    }


# Wording the test minutes lack, so that every pattern has something to find.
OWN_WORDS = [
    "The report was withdrawn from the agenda.",
    "RESOLVED - That the press and public be excluded for the following items.",
    "That the two updates be merged into one report for the March 2026 meeting.",
    "Members requested the update on parking to be added to the work programme for June 2026.",
    "The three reports - housing, roads and parks - would be deferred to the next meeting.",
    "Officers would circulate the figures by 31 March 2026 and the plan by June 14, 2026.",
    "The survey is to be finished by the end of June 2026.",
    "Members asked about the budget ... view the full minutes text for item 12.",
    "The meeting commenced at 7.00 pm.",
    "Members agreed a review of library opening hours for the work programme.",
]


@functools.cache
def _texts() -> list[str]:
    """Read when the first test asks, not when the module is collected by every worker."""
    texts = set(OWN_WORDS)
    paths = sorted(MINUTES.iterdir())
    if (SHARED / "minutes").is_dir():
        paths += sorted((SHARED / "minutes").glob("*.txt"))
    for path in paths:
        lines = _prepare_lines(read_minutes(path.read_bytes(), path.name))
        texts.update(line for line in lines if line)
        for paragraph in _paragraphs(lines):
            texts.add(paragraph)
            texts.update(_sentences(paragraph))
    odd = {
        text.replace("i", "\u0131").replace("I", "\u0130").replace("s", "\u017f") for text in texts
    }
    return sorted(texts | odd)


GUARDED = _guarded()


def test_the_importer_guards_its_costly_patterns():
    assert len(GUARDED) >= 40
    assert len(_texts()) > 400


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_a_guarded_pattern_finds_what_its_regex_finds(name):
    guarded = GUARDED[name]
    written = guarded.written  # the regex as written, without the guard or the lookahead
    found = 0
    for text in _texts():
        expected = written.search(text)
        got = guarded.search(text)
        assert (got and got.span()) == (expected and expected.span()), (name, text)
        expected = written.match(text)
        assert (guarded.match(text) and guarded.match(text).span()) == (
            expected and expected.span()
        ), (name, text)
        assert [m.span() for m in guarded.finditer(text)] == [
            m.span() for m in written.finditer(text)
        ]
        found += expected is not None or written.search(text) is not None
    assert found, f"{name} matches none of the test texts: the comparison proves nothing"


def test_split_and_sub_answer_as_the_regex():
    pattern = Guarded(re.compile(r"(?<=\.)\s+(?=RESOLVED)"), ("RESOLVED",), cased=True)
    for text in ("Members asked. RESOLVED - that it be noted.", "Members asked. Noted."):
        assert pattern.split(text) == pattern.regex.split(text)
        assert pattern.sub("\n", text) == pattern.regex.sub("\n", text)


def test_folding_keeps_the_letters_re_ignorecase_matches():
    withdrawn = Guarded(re.compile(r"\bwithdrawn\b", re.I), ("withdrawn",))
    for text in ("The item was W\u0130THDRAWN.", "withdrawn", "w\u0131thdrawn", "WITHDRAWN"):
        assert withdrawn.search(text) is not None, text
    assert withdrawn.search("The item was withheld.") is None
    resolved = Guarded(re.compile(r"\bresolved\b", re.I), ("resolved",))
    assert resolved.search("It was re\u017folved that") is not None
    assert folded("RE\u017fOLVED") == "resolved"
