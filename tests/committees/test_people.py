"""Which words in a council's own records name one person (`committees.people.named_person`):
the tracker adds a person only for those, and keeps the words as a note otherwise."""

import pytest

from committees.people import named_person


@pytest.mark.parametrize(
    ("cell", "person"),
    [
        ("Cllr Alan Marsh", ("Alan Marsh", "", True)),
        ("Dev Okafor, Head of Service", ("Dev Okafor", "Head of Service", False)),
        ("Dev Okafor (Head of Service)", ("Dev Okafor", "Head of Service", False)),
        ("Siobhán O'Neill", ("Siobhán O'Neill", "", False)),
        ("Mary-Jane Smith", ("Mary-Jane Smith", "", False)),
        ("jo  bell", ("jo bell", "", False)),
        ("Housing", None),
        ("Public Health", None),
        ("NHS England", None),
        ("Environment Agency", None),
        ("Children's Social Care", None),
        ("Leader", None),
        ("Bell, Jo", None),
        ("Smith, John - Head of Housing", None),
        ("Cllr Jo Bell, Cllr Al Lee", None),
        ("Jo Bell\nAl Lee", None),
        ("Jo Bell; Al Lee", None),
        ("=SUM(A1)", None),
        ("@SUM(A1)", None),
        ("Head of HR", None),
    ],
)
def test_only_one_persons_name_makes_a_person(cell, person):
    found = named_person(cell, organisation="Riverside Borough Council")

    assert (found and (found.name, found.job_title, found.is_councillor)) == person
