"""iCalendar feeds that Outlook can subscribe to.

A committee's feed is public for a published committee and holds only public facts: its
published meetings (date, time, venue) and their report deadlines. A person's feed is
reached without a session (a calendar client cannot sign in), by a signed token naming the
person; resetting the person's address (on My work, or by an officer in the admin) revokes
theirs, and changing SECRET_KEY revokes every such link. It holds that person's report
deadlines and the due dates of their open actions, named only by what anyone may read
(an exempt item's public title), since a calendar leaves the council's systems.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.urls import reverse
from icalendar import Calendar, Event, Timezone

from actions.models import Action
from committees.models import AgendaItem, Committee, Meeting, Person, WorkProgrammeTopic

FEED_SALT = "tracker.calendar-feed"
# Its own salt: neither kind of token can be read as the other.
STABLE_FEED_SALT = f"{FEED_SALT}.stable"
MEETING_LENGTH = dt.timedelta(hours=2)
# The zone the meetings' TZID names, as RFC 5545 wants it defined in the file: Outlook does
# not know "Europe/London" by that name, and reads the times by this definition.
LONDON_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19810329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19961027T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def person_token(person: Person) -> str:
    """The signed token of the person's calendar address. It names the person and how many
    times their address was reset (left out while that is none, so the addresses given out
    before resets existed stay as they were)."""
    data = {"person": person.pk}
    if person.calendar_address_resets:
        data["reset"] = person.calendar_address_resets
    # Without a timestamp, so that the address is the same on every page that shows it.
    return signing.Signer(salt=STABLE_FEED_SALT).sign_object(data, compress=True)


def person_from_token(token: str) -> Person | None:
    """The person whose current calendar address this token is, or None: a forged token, or
    one given out before the person's address was last reset (`Person.reset_calendar_address`)."""
    try:
        data = signing.Signer(salt=STABLE_FEED_SALT).unsign_object(token)
    except signing.BadSignature:
        try:  # the addresses given out before they were made stable carry a timestamp
            data = signing.loads(token, salt=FEED_SALT)
        except signing.BadSignature:
            return None
    person = Person.objects.filter(pk=data.get("person")).first()
    if person is None or data.get("reset", 0) != person.calendar_address_resets:
        return None
    return person


def person_feed_url(person: Person) -> str:
    return reverse("tracker:person-calendar", args=[person_token(person)])


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Scrutiny tracker//Pages and exports//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(Timezone.from_ical(LONDON_VTIMEZONE))
    return calendar


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "scrutiny-tracker"


def _event(uid: str, summary: str, *, url: str = "", description: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("summary", summary)
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    if url:
        event.add("url", f"{settings.SITE_URL}{url}")
    if description:
        event.add("description", description)
    return event


def _all_day(event: Event, day: dt.date) -> Event:
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def _meeting_event(meeting: Meeting) -> Event:
    event = _event(
        f"meeting-{meeting.pk}",
        f"{meeting.committee.display_short_name}"
        + ("" if meeting.status != Meeting.Status.CANCELLED else " (cancelled)"),
        url=meeting.get_absolute_url(),
    )
    if meeting.starts_at:
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + MEETING_LENGTH)
    else:
        _all_day(event, meeting.date)
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def _deadline_event(meeting: Meeting, uid: str, summary: str) -> Event:
    return _all_day(
        _event(
            uid,
            summary,
            url=meeting.get_absolute_url(),
            description=f"Reports for the meeting of {meeting.date:%-d %B %Y} must reach "
            "democratic services by this day.",
        ),
        meeting.report_deadline,
    )


def committee_calendar(committee: Committee) -> bytes:
    """Published meetings of a committee and their report deadlines (public information)."""
    calendar = _calendar(committee.name)
    meetings = (
        Meeting.objects.published().filter(committee=committee).select_related("committee")
    ).order_by("date")
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting))
        if meeting.status != Meeting.Status.CANCELLED:
            calendar.add_component(
                _deadline_event(
                    meeting,
                    f"deadline-{meeting.pk}",
                    f"Report deadline: {committee.display_short_name}, {meeting.date:%-d %B}",
                )
            )
    return calendar.to_ical()


def person_calendar(person: Person) -> bytes:
    """A person's report deadlines and the due dates of their open actions."""
    calendar = _calendar(f"Scrutiny: {person.name}")
    items = (
        AgendaItem.objects.filter(Q(report_author=person) | Q(lead_officer=person))
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .exclude(outcome__in=[AgendaItem.Outcome.DEFERRED, AgendaItem.Outcome.WITHDRAWN])
        .select_related("meeting__committee")
        .order_by("meeting__date", "position")
    )
    meetings = set()
    for item in items:
        calendar.add_component(
            _deadline_event(
                item.meeting,
                f"report-item-{item.pk}",
                f"Report due: {item.display_title} ({item.meeting.committee.display_short_name})",
            )
        )
        if item.meeting_id not in meetings:
            meetings.add(item.meeting_id)
            calendar.add_component(_meeting_event(item.meeting))
    topics = (
        WorkProgrammeTopic.objects.active()
        .filter(lead_officer=person, target_meeting__isnull=False)
        .exclude(target_meeting__status=Meeting.Status.CANCELLED)
        .exclude(items__meeting=F("target_meeting"))
        .select_related("target_meeting__committee")
    )
    for topic in topics:
        calendar.add_component(
            _deadline_event(
                topic.target_meeting,
                f"report-topic-{topic.pk}",
                f"Report due: {topic.display_title} "
                f"({topic.target_meeting.committee.display_short_name})",
            )
        )
        if topic.target_meeting_id not in meetings:
            meetings.add(topic.target_meeting_id)
            calendar.add_component(_meeting_event(topic.target_meeting))
    actions = (
        Action.objects.open()
        .filter(owner=person)
        .select_related("agenda_item", "due_back_meeting", "committee")
    )
    for action in actions:
        due = action.due_on
        if due is None:
            continue
        # An exempt item's action is named by its reference and the item's public title only.
        what = (
            f"Part 2 item: {action.agenda_item.display_title}" if action.is_exempt else action.title
        )
        calendar.add_component(
            _all_day(
                _event(
                    f"action-{action.pk}",
                    f"Action due: {action.reference} {what}",
                    url=action.get_absolute_url(),
                ),
                due,
            )
        )
    return calendar.to_ical()
