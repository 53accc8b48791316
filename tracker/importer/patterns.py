"""Regular expressions behind a cheap test for the words they cannot match without.

The importer tries a hundred patterns on each line and sentence of the minutes; most of them
need a word the text does not hold, and an `in` test says so far sooner than the regex.
"""

import functools
import re

# re.IGNORECASE matches "\u0131" (dotless i) and "\u0130" to "i", and "\u017f" (long s) to "s",
# which str.lower() leaves non-ASCII: text holding them is mapped by hand so that a word test
# never rules out a match the pattern would find.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


@functools.lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """`text` in lower case as re.IGNORECASE compares it; one line is tested by many patterns."""
    lowered = text.lower()
    if not lowered.isascii() and (
        "\u0131" in lowered or "\u017f" in lowered or "\u0307" in lowered
    ):
        lowered = text.translate(_FOLD).lower()
    return lowered


def word_test(groups: tuple[tuple[str, ...], ...]):
    """`seen` holds a word of each group, as one expression ("a" in seen or "b" in seen) and
    (...): a third cheaper than looping over the groups on every call. The words are our own
    literals, written out with repr()."""
    tests = " and ".join(
        "(" + " or ".join(f"{word!r} in seen" for word in group) + ")" for group in groups
    )
    return eval(f"lambda seen: {tests or 'True'}")  # our own constant words, never input


class Guarded:
    """A compiled pattern that cannot match text lacking a word of each group (lower case,
    or as printed when `cased`): the words are tested with `in` first, so most lines and
    sentences never reach the regex, which is most of reading's time. Answers as the
    pattern does.

    `opens`, the letters (under the pattern's flags) or digits every match opens with, for a
    pattern searched through long text: a lookahead tests that one character at each place
    before the pattern's alternatives are tried there, where mostly none can start."""

    __slots__ = ("cased", "groups", "holds", "pattern", "regex", "written")

    def __init__(
        self, regex: re.Pattern, *groups: tuple[str, ...], cased: bool = False, opens: str = ""
    ):
        self.written, self.groups, self.cased, self.pattern = regex, groups, cased, regex.pattern
        self.regex = (
            re.compile(f"(?=[{opens}])(?:{regex.pattern})", regex.flags) if opens else regex
        )
        self.holds = word_test(groups)

    def may_match(self, text: str) -> bool:
        return self.holds(text if self.cased else folded(text))

    # match and search, the most called, test the words themselves rather than via may_match
    def match(self, text: str, *bounds) -> re.Match | None:
        if self.holds(text if self.cased else folded(text)):
            return self.regex.match(text, *bounds)
        return None

    def search(self, text: str, *bounds) -> re.Match | None:
        if self.holds(text if self.cased else folded(text)):
            return self.regex.search(text, *bounds)
        return None

    def finditer(self, text: str, *bounds):
        return self.regex.finditer(text, *bounds) if self.may_match(text) else iter(())

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return self.regex.split(text, maxsplit) if self.may_match(text) else [text]

    def sub(self, repl, text: str, count: int = 0) -> str:
        return self.regex.sub(repl, text, count) if self.may_match(text) else text
