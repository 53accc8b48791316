"""The house keeps its shape: imports run one way (committees <- actions <- tracker, and inside
the tracker the rooms use `reminders`, never the reverse), and every room says what it owns."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The rooms that open the tracker to people; the rooms beneath them never reach up to them.
DOORS = ("tracker.api", "tracker.site", "tracker.importer", "tracker.demo")

# Where a package's code may not reach: (package, forbidden prefixes).
FORBIDDEN = [
    ("committees", ("actions", "tracker")),
    ("actions", ("tracker",)),
    ("tracker/reminders", (*DOORS, "tracker.moderngov", "tracker.workbooks")),
    ("tracker/moderngov", (*DOORS, "tracker.workbooks")),
    ("tracker/workbooks", (*DOORS, "tracker.moderngov")),
]

ROOMS = [
    "committees",
    "actions",
    "tracker",
    "tracker/reminders",
    "tracker/api",
    "tracker/site",
    "tracker/importer",
    "tracker/demo",
    "tracker/moderngov",
    "tracker/workbooks",
]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def crossings(package: str, forbidden: tuple[str, ...]) -> list[str]:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path):
            if any(module == prefix or module.startswith(prefix + ".") for prefix in forbidden):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(set(wrong))


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN, ids=[p for p, _ in FORBIDDEN])
def test_imports_run_one_way(package, forbidden):
    assert crossings(package, forbidden) == []


def test_it_finds_an_import_that_breaks_the_direction(tmp_path, monkeypatch):
    """The check itself can fail: a reminders module importing the site is caught."""
    room = tmp_path / "tracker" / "reminders"
    room.mkdir(parents=True)
    (room / "rules.py").write_text("from tracker.site.common import on_date\nimport actions\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert crossings("tracker/reminders", ("tracker.site",)) == [
        "tracker/reminders/rules.py:1 imports tracker.site.common",
        "tracker/reminders/rules.py:1 imports tracker.site.common.on_date",
    ]


@pytest.mark.parametrize("room", ROOMS)
def test_every_room_opens_by_saying_what_it_owns(room):
    docstring = ast.get_docstring(ast.parse((ROOT / room / "__init__.py").read_text()))
    assert docstring and len(docstring.split()) >= 12, room
