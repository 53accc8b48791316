"""Turning an uploaded or named file into the plain text of the minutes.

Councils publish minutes as web pages (modern.gov, CMIS), as PDFs and as text pasted from
either. Everything is reduced to lines of plain text here so that one parser serves all of
them; anything we cannot read stops here with a `MinutesError` that says why.
"""

import io
import re
import unicodedata
import zipfile
from xml.etree import ElementTree

MAX_BYTES = 5 * 1024 * 1024


class MinutesError(Exception):
    """The file cannot be read as minutes; the message says why, for the officer."""


# Characters that officers' word processors put in minutes and that only get in the parser's
# way: non-breaking spaces, curly quotes, zero-width marks.
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2032": "'",
        "\t": "  ",
        "\r": "",
        "\f": "\n",
        "\v": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)

# what _TRANSLATE changes, one character at a time: replacing each one present is quicker than
# a pass per character (no replacement holds a character replaced)
_TRANSLATED_TO = {chr(c): v for c, v in _TRANSLATE.items()}
# control characters other than the newline (tabs, returns and form feeds were translated)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# what makes a decoded file unreadable: control characters other than layout, and the
# replacement character
_ODD = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")

_HTML_START = re.compile(
    r"<\s*(!doctype\s+html|html|body|head|div|p|table|h[1-6]|ol|ul|span)\b", re.I
)


def read_minutes(data: bytes, filename: str = "") -> str:
    """The text of minutes given as bytes (text, HTML, PDF or Word .docx)."""
    if data is None or len(data) == 0:
        raise MinutesError("The file is empty: there are no minutes to read.")
    if len(data) > MAX_BYTES:
        raise MinutesError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; minutes over "
            f"{MAX_BYTES // 1024 // 1024} MB are not read. Upload the minutes alone, not a whole pack "
            "of appendices."
        )
    name = (filename or "").lower()
    if data[:5] == b"%PDF-" or name.endswith(".pdf"):
        text = _pdf_text(data)
    elif data[:4] == b"PK\x03\x04":
        text = _docx_text(data)
    else:
        decoded = _decode(data)
        if name.endswith((".htm", ".html")) or _HTML_START.search(decoded[:4000]):
            text = html_text(decoded)
        else:
            text = decoded
    return clean_text(text)


def clean_text(text: str) -> str:
    """Normalise spaces, quotes and control characters; refuse text with nothing in it."""
    text = unicodedata.normalize("NFC", text)
    for character, replacement in _TRANSLATED_TO.items():
        if character in text:
            text = text.replace(character, replacement)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    # Bold markers left by document converters ("**RESOLVED**") carry no meaning here.
    text = text.replace("**", "").replace("__", "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if not text.strip():
        raise MinutesError("The file has no text in it: there are no minutes to read.")
    return text


def _decode(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise MinutesError(
            "This is not a text, HTML, PDF or Word file (it holds binary data). Upload the minutes "
            "as a PDF, a web page saved as HTML, or text."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    odd = len(_ODD.findall(sample))
    if odd > max(8, len(sample) // 100):
        raise MinutesError(
            "This file does not look like minutes: it is not readable text. Upload the minutes as "
            "a PDF, a web page saved as HTML, or text."
        )
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise MinutesError(
                    "The PDF is password-protected; upload an unprotected copy."
                ) from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except MinutesError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise MinutesError(
            f"The PDF could not be read ({error.__class__.__name__}): is it damaged?"
        ) from None
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise MinutesError(
            f"The PDF could not be read ({error.__class__.__name__}): is it damaged?"
        ) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise MinutesError(
            "The PDF has no text layer (it is probably a scan): minutes must be a PDF with text."
        )
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes) -> str:
    """Paragraphs of a Word document; list numbering is not kept by Word's XML, so numbered
    resolutions keep only their text (the parser then numbers them by position)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise MinutesError(
                    "This is a zip archive, not a Word document: upload the minutes themselves."
                )
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_BYTES * 4:
                raise MinutesError("The Word document is too large to read.")
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except MinutesError:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, ValueError):
        raise MinutesError("The Word document could not be read: is it damaged?") from None
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{_W}tab",):
                parts.append("  ")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n\n".join(paragraphs)


# --- HTML -------------------------------------------------------------------------------

_BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "caption",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}


def _list_marker(kind: str, n: int) -> str:
    if kind == "a":
        return _letters(n)
    if kind == "A":
        return _letters(n).upper()
    if kind == "i":
        return _roman(n)
    if kind == "I":
        return _roman(n).upper()
    return str(n)


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _roman(n: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letter in numerals:
        while n >= value:
            out += letter
            n -= value
    return out or str(n)


MAX_TAGS = 60_000  # a modern.gov minutes page has a few thousand


def _flat_html_text(markup: str) -> str:
    """Text of a page too large for a tree (tens of thousands of tags, often hostile):
    a linear pass that turns block tags into line breaks and drops the rest."""
    import html

    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", " ", markup, flags=re.I | re.S)
    markup = re.sub(r"<!--.*?-->", " ", markup, flags=re.S)
    block = "|".join(sorted(_BLOCKS | {"br"}))
    markup = re.sub(rf"</?(?:{block})\b[^>]{{0,2000}}>", "\n", markup, flags=re.I)
    markup = re.sub(r"<[^>]{0,2000}>", "", markup)
    text = html.unescape(markup)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{4,}", "\n\n\n", text)


def html_text(markup: str) -> str:
    """Text of a web page with its block structure kept as lines.

    Ordered lists get their printed markers back ("(a)", "(1)") because CMIS and modern.gov
    print lettered resolutions as `<ol type="a">`. The walk is iterative (no recursion), so
    deeply nested or malformed pages are read like any other.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    if markup.count("<") > MAX_TAGS:
        return _flat_html_text(markup)
    try:
        soup = BeautifulSoup(markup, "html.parser")
    except Exception as error:  # html.parser gives up on some garbage
        raise MinutesError(
            f"The web page could not be read ({error.__class__.__name__})."
        ) from None

    out: list[str] = []
    # An explicit stack of (node, leaving) replaces recursion.
    stack: list[tuple[object, bool]] = [(soup, False)]
    counters: list[list] = []  # per open <ol>/<ul>: [kind, next number]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if isinstance(node, (Comment, Doctype, ProcessingInstruction)):
                continue
            out.append(re.sub(r"\s+", " ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if leaving:
            if name in ("ol", "ul") and counters:
                counters.pop()
            if name in _HEADINGS:
                out.append("\n\n\n")
            elif name in _BLOCKS:
                out.append("\n\n" if name in ("p", "li", "div", "tr", "table") else "\n")
            elif name in ("td", "th"):
                out.append("  ")
            continue
        if name in _DROP:
            continue
        if name == "br":
            out.append("\n")
            continue
        if name in _HEADINGS:
            out.append("\n\n\n")
        elif name in _BLOCKS:
            out.append("\n")
        if name == "ol":
            kind = str(node.get("type") or "1")
            try:
                start = int(str(node.get("start") or "1"))
            except ValueError:
                start = 1
            counters.append([kind, start])
        elif name == "ul":
            counters.append(["bullet", 0])
        elif name == "li":
            if counters and counters[-1][0] != "bullet":
                kind, n = counters[-1]
                out.append(f"({_list_marker(kind, n)}) ")
                counters[-1][1] = n + 1
            else:
                out.append("\u2022 ")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    text = "".join(out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text
