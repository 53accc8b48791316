"""Small helpers the pages share: the date the pages speak for, lists, forms and errors."""

import datetime as dt
import functools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404

from committees.models import AgendaItem, Deferral, today

PER_PAGE = 25


def staff_only(view):
    """Democratic services only: others are asked to sign in, or get a 404, never a hint."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def on_date() -> dt.date:
    """Today in Europe/London: every "overdue" and "days late" on the pages is counted from it."""
    return today()


def paginate(request, queryset, per_page: int = PER_PAGE):
    """One page of a list; a page number out of range shows the last page, not an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sorted_by(request, queryset, orders: dict[str, tuple[str, ...]], default: str):
    """Sort by one of the named orders offered on the page (`?sort=`); unknown names fall back."""
    key = request.GET.get("sort", default)
    if key not in orders:
        key = default
    return queryset.order_by(*orders[key]), key


def visible_deferrals(user) -> Prefetch:
    """A topic's deferrals that `user` may see, as `topic.visible_deferrals`: counts and reasons
    of deferrals decided on an exempt item stay with those who may read the item."""
    return Prefetch(
        "deferrals",
        queryset=Deferral.objects.visible_to(user).select_related("from_meeting", "to_meeting"),
        to_attr="visible_deferrals",
    )


def with_origin_hidden(topics, user):
    """Annotate `origin_hidden`: the topic was made from an exempt item `user` may not read.

    Such a topic's `origin` was written from the item and may quote its confidential title,
    so pages show only that it came from a Part 2 item.
    """
    unreadable = AgendaItem.objects.filter(topic=OuterRef("pk"), is_exempt=True).exclude(
        pk__in=AgendaItem.objects.visible_to(user).values("pk")
    )
    return topics.annotate(origin_hidden=Exists(unreadable))
