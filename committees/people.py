"""People named in a council's own records (a tracker spreadsheet's lead officer or portfolio
holder) whom the tracker does not know yet: how a name is compared, and adding them.

A name is compared without case, spacing, curly apostrophes or a title ("Cllr", "Dr"), so
"Cllr  Alan Marsh" is "alan marsh". A person added this way belongs to the council whose
records named them (`organisation`, as the pages group people) and has no email address:
reminders for them go to the committee's officer until one is recorded.
"""

import re

from committees.models import Person

HONORIFICS = re.compile(r"^(cllr|councillor|cl|dr|mr|mrs|ms|miss|mx|prof|professor)\.?\s+")
COUNCILLOR = re.compile(r"^(cllr|councillor)\.?\s+", re.IGNORECASE)
# A cell naming a post, a team or several people is not one person's name.
NOT_ONE_PERSON = re.compile(
    r"[/&;+]|\b(and|head|director|manager|officer|team|service|services|department|lead|"
    r"executive|cabinet|council|board|panel|committee|portfolio|member for|all|tbc|n/a)\b",
    re.IGNORECASE,
)


def name_key(name: str) -> str:
    """A name as compared: lower case, single spaces, straight apostrophes, no title."""
    name = " ".join(name.lower().replace("\u2019", "'").split())
    return HONORIFICS.sub("", name)


# Departments, services and bodies a lead cell names as often as a person.
ORGANISATION = re.compile(
    r"\b(nhs|icb|police|agency|england|trust|care|health|housing|finance|legal|highways|"
    r"ofsted|partnership|group|authority|unit|directorate|safeguarding|education|adults?|"
    r"children'?s|various|leader|clerk|chair|mayor|governors?|school|college|university|"
    r"commissioners?|inspectorate|ltd|limited|plc|cic|company|foundation)\b",
    re.IGNORECASE,
)
# One word of a personal name: letters, with inner apostrophes, hyphens or a full stop.
NAME_WORD = re.compile(r"^[^\W\d_]+(?:['\u2019.-][^\W\d_]+)*\.?$")


def _reads_as_a_post(text: str) -> bool:
    """After a comma: "Head of Service" is a post; "Jo" (surname first) or "Cllr Al Lee"
    (a second person) is not."""
    return bool(text) and not HONORIFICS.match(text.lower()) and len(text.split()) > 1


def named_person(text: str, *, organisation: str, councillor: bool = False) -> Person | None:
    """The person a cell names ("Cllr Alan Marsh", "Dev Okafor, Head of Service",
    "Dev Okafor (Head of Service)"), unsaved and checked, or None when the cell names a post,
    a team, a department or body, several people, or reads name-last ("Bell, Jo"): those
    stay as the spreadsheet's words on the action rather than becoming a person."""
    if "\n" in text.strip() or "\r" in text.strip():  # a name on each line: several people
        return None
    text = " ".join(text.split())
    name, job_title = text, ""
    for mark in (",", " - ", "("):
        if mark in text:
            name, _, job_title = text.partition(mark)
            job_title = job_title.strip().rstrip(")").strip()
            if mark == "," and not _reads_as_a_post(job_title):
                return None
            break
    name = name.strip()
    is_councillor = councillor or bool(COUNCILLOR.match(name))
    name = COUNCILLOR.sub("", name).strip()
    words = name.split()
    if not 2 <= len(words) <= 5 or NOT_ONE_PERSON.search(name) or ORGANISATION.search(name):
        return None
    if not all(NAME_WORD.match(word) for word in words):
        return None
    person = Person(
        name=name[:200],
        job_title=job_title[:200],
        organisation=organisation[:200],
        is_councillor=is_councillor,
    )
    person.full_clean(validate_unique=False, validate_constraints=False)
    return person


def add_person(person: Person) -> Person:
    """Save a person `named_person` gave."""
    person.full_clean()
    person.save()
    return person
