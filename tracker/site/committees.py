"""The committees list (the home page) and a committee's page: who sits on it, what is
coming, and what is outstanding. The same views serve the public, chairs and officers;
the visibility rules decide what each of them sees."""

import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from actions.models import Action, ExecutiveResponse, Resolution
from committees.models import Committee, Meeting, Membership, WorkProgrammeTopic
from tracker.site.common import (
    on_date,
    paginate,
    sorted_by,
    visible_deferrals,
)
from tracker.site.forms import ActionFilterForm, CommitteeFilterForm
from tracker.site.meeting_business import is_clerk

PAST_MEETINGS = 5

RAG_GROUPS = (
    ("RED", "Red"),
    ("AMBER", "Amber"),
    ("GREEN", "Green"),
    (None, "No RAG recorded yet"),
)


def committee_list(request):
    """Home: the committees the visitor may see, with what is open on each."""
    form = CommitteeFilterForm(request.GET or None, kinds=Committee.Kind.choices)
    committees = Committee.objects.visible_to(request.user).select_related("officer")
    if form.is_valid():
        if form.cleaned_data["q"]:
            committees = committees.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            committees = committees.filter(kind=form.cleaned_data["kind"])
    open_actions = Action.objects.visible_to(request.user).open().values("pk")
    committees = committees.annotate(
        open_actions=Count("actions", filter=Q(actions__in=open_actions), distinct=True)
    )
    committees, sort = sorted_by(
        request,
        committees,
        {"name": ("name",), "open": ("-open_actions", "name")},
        "name",
    )
    return render(
        request,
        "tracker/pages/committee_list.html",
        {"page": paginate(request, committees), "form": form, "sort": sort},
    )


def get_committee(request, slug) -> Committee:
    return get_object_or_404(
        Committee.objects.visible_to(request.user).select_related("officer", "authority"),
        slug=slug,
    )


def outstanding_actions(user, committee, on: dt.date):
    """Open actions in groups: overdue first (most late first), then by latest RAG."""
    actions = (
        Action.objects.visible_to(user)
        .open()
        .with_latest_rag()
        .filter(committee=committee)
        .select_related("owner", "due_back_meeting", "agenda_item")
        .order_by("due_on_date", "sequence")
    )
    overdue, by_rag = [], {key: [] for key, _ in RAG_GROUPS}
    for action in actions:
        action.late_by = action.days_late(on)
        if action.late_by:
            overdue.append(action)
        else:
            by_rag[action.latest_rag if action.latest_rag in by_rag else None].append(action)
    overdue.sort(key=lambda a: (-a.late_by, a.sequence))
    groups = [("overdue", "Overdue", overdue)]
    groups += [((key or "none").lower(), label, by_rag[key]) for key, label in RAG_GROUPS]
    return groups, len(overdue) + sum(len(v) for v in by_rag.values())


def committee_detail(request, slug):
    user = request.user
    committee = get_committee(request, slug)
    on = on_date()
    # Chair, then Vice-Chair, then members, co-opted members and substitutes (the roles'
    # order), each by name.
    roles = list(Membership.Role.values)
    members = sorted(
        committee.current_members(on),
        key=lambda m: (roles.index(m.role) if m.role in roles else len(roles), m.person.name),
    )
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(committee=committee)
        .upcoming(on)
        .order_by("date", "start_time")
    )
    # The last PAST_MEETINGS held (or due to be held) before today, latest first, so a
    # committee with nothing coming still leads to its meetings.
    past_meetings = (
        Meeting.objects.visible_to(user)
        .filter(committee=committee)
        .past(on)
        .order_by("-date", "-start_time")[:PAST_MEETINGS]
    )
    groups, outstanding = outstanding_actions(user, committee, on)
    deferred = (
        WorkProgrammeTopic.objects.visible_to(user)
        .active()
        .filter(work_programme__committee=committee, deferrals__isnull=False)
        .distinct()
        .select_related("target_meeting", "lead_officer")
        .prefetch_related(visible_deferrals(user))
        .order_by("target_meeting__date", "pk")
    )
    deferred = [t for t in deferred if t.visible_deferrals]
    deferred.sort(key=lambda t: -len(t.visible_deferrals))
    responses = (
        ExecutiveResponse.objects.visible_to(user)
        .awaiting()
        .filter(resolution__committee=committee)
        .select_related("resolution__agenda_item__meeting", "responsible")
        .order_by("response_due")
    )
    unreferred = (
        Resolution.objects.visible_to(user)
        .recommendations()
        .filter(committee=committee, executive_response__isnull=True)
        .select_related("agenda_item__meeting")
    )
    programme = committee.work_programmes.order_by("-municipal_year__start_date").first()
    return render(
        request,
        "tracker/pages/committee.html",
        {
            "committee": committee,
            "members": members,
            "meetings": meetings,
            "past_meetings": past_meetings,
            "past_limit": PAST_MEETINGS,
            "clerk": is_clerk(request.user),
            "groups": groups,
            "outstanding": outstanding,
            "deferred": deferred,
            "responses": responses,
            "unreferred": unreferred,
            "programme": programme,
            "on": on,
            "may_steer": committee.is_steered_by(user),
        },
    )


def committee_actions(request, slug):
    """Every action of a committee the visitor may see, filtered, sorted and paged."""
    user = request.user
    committee = get_committee(request, slug)
    on = on_date()
    form = ActionFilterForm(request.GET or None)
    actions = (
        Action.objects.visible_to(user)
        .with_latest_rag()
        .filter(committee=committee)
        .select_related("owner", "due_back_meeting", "agenda_item")
    )
    status = "open"
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"] or "open"
        if data["rag"]:
            actions = actions.filter(latest_rag=data["rag"])
        if data["owner"]:
            actions = actions.filter(owner__name__icontains=data["owner"])
        if data["since"]:
            actions = actions.filter(Q(status=Action.Status.OPEN) | Q(closed_on__gte=data["since"]))
    elif form.is_bound:
        actions = actions.none()
    if status == "open":
        actions = actions.open()
    elif status == "overdue":
        actions = actions.overdue(on)
    elif status == "closed":
        actions = actions.closed()
    actions, sort = sorted_by(
        request,
        actions,
        {
            "due": ("due_on_date", "sequence"),
            "reference": ("municipal_year__start_date", "sequence"),
            "owner": ("owner__name", "sequence"),
            "rag": ("latest_rag", "sequence"),
        },
        "due",
    )
    page = paginate(request, actions)
    for action in page:
        action.late_by = action.days_late(on)
    return render(
        request,
        "tracker/pages/committee_actions.html",
        {"committee": committee, "form": form, "page": page, "sort": sort, "status": status},
    )
