"""Lines, paragraphs and sentences of minutes text, and the page furniture dropped from them."""

import re

MAX_LINE = 20_000  # longer "lines" are cut: no real paragraph of minutes is that long

_PAGE_FURNITURE = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*$)$|.*\s[-\u2013]\s\d{1,2}\.\d{1,2}\.\d{2,4}$",
    re.I,
)

_LONE_NUMBER = re.compile(
    r"^\s*(?:(?:item|minute)\s+)?(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?\.?\s*$", re.I
)

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")


def _prepare_lines(text: str) -> list[str]:
    lines = [line.strip()[:MAX_LINE] for line in text.split("\n")]
    # Running headers and footers printed on every page of a PDF break paragraphs apart.
    counts: dict[str, int] = {}
    for line in lines:
        if line and len(line) < 160:
            counts[line] = counts.get(line, 0) + 1
    furniture = {
        line
        for line, count in counts.items()
        if count >= 2 and _PAGE_FURNITURE.match(line) and not _LONE_NUMBER.match(line)
    }
    return ["" if line in furniture else line for line in lines]


def _paragraphs(body: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in body:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(paragraph) if s.strip()]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
