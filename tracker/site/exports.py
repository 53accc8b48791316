"""Downloads of a committee's action tracker, and the calendar feeds."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from committees.models import Committee
from tracker.site import calendar_feeds, spreadsheets
from tracker.site.committees import get_committee
from tracker.site.common import on_date
from tracker.site.forms import TrackerSinceForm

SINCE = ("since", "since_day", "since_month", "since_year")


def _since_form(request) -> TrackerSinceForm:
    """`?since=YYYY-MM-DD` (links, exports) or the day, month and year boxes of the page."""
    return TrackerSinceForm({key: request.GET[key] for key in SINCE if key in request.GET})


def _since(request):
    form = _since_form(request)
    return form.cleaned_data["since"] if form.is_valid() else None


def _rows(request, slug):
    committee = get_committee(request, slug)
    since = _since(request)
    on = on_date()
    return (
        committee,
        since,
        on,
        spreadsheets.tracker_rows(committee, request.user, since=since, on=on),
    )


def tracker_csv(request, slug):
    committee, since, _, rows = _rows(request, slug)
    return spreadsheets.as_csv(rows, spreadsheets.filename(committee, since, "csv"))


def tracker_xlsx(request, slug):
    committee, since, on, rows = _rows(request, slug)
    title = f"{committee.name}: action tracker at {on:%-d %B %Y}" + (
        f" (open, or closed since {since:%-d %B %Y})" if since else ""
    )
    return spreadsheets.as_xlsx(rows, spreadsheets.filename(committee, since, "xlsx"), title)


def tracker_print(request, slug):
    committee, since, on, rows = _rows(request, slug)
    return render(
        request,
        "tracker/pages/tracker_print.html",
        {
            "committee": committee,
            "since": since,
            "on": on,
            "rows": rows,
            "form": _since_form(request),
        },
    )


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def committee_calendar(request, slug):
    """Public for a published committee, whoever asks: the feed holds only public facts."""
    committee = get_object_or_404(Committee.objects.published(), slug=slug)
    return _ics(calendar_feeds.committee_calendar(committee), f"{committee.slug}.ics")


def person_calendar(request, token):
    person = calendar_feeds.person_from_token(token)
    if person is None:
        raise Http404("This calendar link is not valid.")
    return _ics(calendar_feeds.person_calendar(person), "my-scrutiny-dates.ics")
