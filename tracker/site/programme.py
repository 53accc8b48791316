"""A committee's work programme for a municipal year, and the officer's changes to it.

Adding, moving, deferring and merging go through `committees.programme` (and so through
`defer_topic`, which sends the deferral reminder); the views only collect the input.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from committees.models import Committee, Meeting, MunicipalYear, WorkProgramme, WorkProgrammeTopic
from committees.programme import add_topic, merge_topics, move_topic
from tracker.reminders.link_forms import add_errors
from tracker.site.committees import get_committee
from tracker.site.common import on_date, visible_deferrals, with_origin_hidden
from tracker.site.forms import DeferTopicForm, MergeTopicForm, MoveTopicForm, TopicForm

STATUS_FILTERS = {
    "active": ("Planned or deferred", WorkProgrammeTopic.ACTIVE_STATUSES),
    "considered": ("Considered", (WorkProgrammeTopic.Status.CONSIDERED,)),
    "closed": (
        "Merged, withdrawn or carried over",
        (
            WorkProgrammeTopic.Status.MERGED,
            WorkProgrammeTopic.Status.WITHDRAWN,
            WorkProgrammeTopic.Status.CARRIED_OVER,
        ),
    ),
    "all": ("All", tuple(WorkProgrammeTopic.Status.values)),
}


def _programmes(user):
    return WorkProgramme.objects.filter(committee__in=Committee.objects.visible_to(user))


def committee_programme(request, slug):
    """The committee's programme for the current municipal year (or its latest one)."""
    committee = get_committee(request, slug)
    programmes = committee.work_programmes.select_related("municipal_year")
    year = MunicipalYear.objects.filter(
        authority_id=committee.authority_id,
        start_date__lte=on_date(),
        end_date__gte=on_date(),
    ).first()
    programme = (year and programmes.filter(municipal_year=year).first()) or programmes.order_by(
        "-municipal_year__start_date"
    ).first()
    if programme is None:
        return render(request, "tracker/pages/programme_none.html", {"committee": committee})
    return redirect("tracker:work-programme", programme.pk)


def get_programme(request, pk) -> WorkProgramme:
    return get_object_or_404(
        _programmes(request.user).select_related("committee", "municipal_year"), pk=pk
    )


def programme_detail(request, pk):
    user = request.user
    programme = get_programme(request, pk)
    committee = programme.committee
    status = request.GET.get("status", "active")
    if status not in STATUS_FILTERS:
        status = "active"
    # Exempt topics the reader may not read are listed by their public title alone,
    # whatever the status asked for (their status is not theirs to know).
    topics = (
        with_origin_hidden(WorkProgrammeTopic.objects.listed_to(user), user)
        .filter(work_programme=programme)
        .filter(Q(status__in=STATUS_FILTERS[status][1], readable=True) | Q(readable=False))
        .select_related("lead_officer", "target_meeting", "requested_at", "merged_into")
        .prefetch_related(visible_deferrals(user))
        .order_by("target_meeting__date", "pk")
    )
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(committee=committee, municipal_year=programme.municipal_year)
        .order_by("date")
    )
    by_meeting = {m.pk: [] for m in meetings}
    tbc, elsewhere, shells = [], [], []
    for topic in topics:
        if not topic.readable:
            shells.append(topic)
        elif topic.target_meeting_id is None:
            tbc.append(topic)
        elif topic.target_meeting_id in by_meeting:
            by_meeting[topic.target_meeting_id].append(topic)
        else:
            elsewhere.append(topic)
    years = (
        _programmes(user)
        .filter(committee=committee)
        .select_related("municipal_year")
        .order_by("municipal_year__start_date")
    )
    return render(
        request,
        "tracker/pages/programme.html",
        {
            "programme": programme,
            "committee": committee,
            "meetings": [(m, by_meeting[m.pk]) for m in meetings],
            "tbc": tbc,
            "elsewhere": elsewhere,
            "shells": sorted(shells, key=lambda topic: (topic.public_title, topic.pk)),
            "count": len(tbc)
            + len(elsewhere)
            + len(shells)
            + sum(len(v) for v in by_meeting.values()),
            "years": years,
            "status": status,
            "statuses": [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
            "may_steer": committee.is_steered_by(user),
        },
    )


def _steered_programme(request, pk) -> WorkProgramme:
    programme = get_programme(request, pk)
    if not programme.committee.is_steered_by(request.user):
        raise PermissionDenied("Only democratic services and the committee's chairs change this.")
    return programme


def _steered_topic(request, pk) -> WorkProgrammeTopic:
    topic = get_object_or_404(
        WorkProgrammeTopic.objects.visible_to(request.user).select_related(
            "work_programme__committee", "work_programme__municipal_year", "target_meeting"
        ),
        pk=pk,
    )
    if not topic.work_programme.committee.is_steered_by(request.user):
        raise PermissionDenied("Only democratic services and the committee's chairs change this.")
    return topic


def _meetings(user, committee):
    return (
        Meeting.objects.visible_to(user)
        .filter(committee=committee)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date")
    )


def _targets(user, committee):
    """The meetings a topic may be planned or deferred to (the service checks it again)."""
    return Meeting.objects.visible_to(user).filter(committee=committee).accepting_business()


def topic_add(request, pk):
    programme = _steered_programme(request, pk)
    meetings = _meetings(request.user, programme.committee)
    year_meetings = _targets(request.user, programme.committee).filter(
        municipal_year=programme.municipal_year
    )
    form = TopicForm(
        request.POST if request.method == "POST" else None,
        meetings=meetings,
        year_meetings=year_meetings,
        council=programme.committee.authority.name,
    )
    if request.method == "POST" and form.is_valid():
        try:
            topic = add_topic(programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"“{topic.title}” is added to the work programme.")
            return redirect(topic.get_absolute_url())
    return render(
        request,
        "tracker/pages/topic_form.html",
        {
            "programme": programme,
            "committee": programme.committee,
            "form": form,
            "heading": "Add a topic",
            "button": "Add topic",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _move(request, pk, form_class, heading, button):
    topic = _steered_topic(request, pk)
    programme = topic.work_programme
    meetings = [m for m in _targets(request.user, programme.committee) if m != topic.target_meeting]
    form = form_class(
        request.POST if request.method == "POST" else None, topic=topic, meetings=meetings
    )
    if request.method == "POST" and form.is_valid():
        try:
            deferral = move_topic(
                topic,
                to_meeting=form.cleaned_data["to_meeting"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            topic.refresh_from_db()
            where = (
                f"the meeting of {topic.target_meeting.date:%-d %B %Y}"
                if topic.target_meeting
                else "tbc"
            )
            if deferral:
                messages.success(
                    request,
                    f"“{topic.title}” is deferred to {where}. The report author and lead officer "
                    "have been emailed.",
                )
            else:
                messages.success(request, f"“{topic.title}” is moved to {where}.")
            return redirect(topic.get_absolute_url())
    return render(
        request,
        "tracker/pages/topic_form.html",
        {
            "programme": programme,
            "committee": programme.committee,
            "topic": topic,
            "form": form,
            "heading": heading,
            "button": button,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def topic_move(request, pk):
    return _move(request, pk, MoveTopicForm, "Move a topic", "Move topic")


def topic_defer(request, pk):
    return _move(request, pk, DeferTopicForm, "Defer a topic", "Defer topic")


def topic_merge(request, pk):
    keep = _steered_topic(request, pk)
    programme = keep.work_programme
    others = (
        WorkProgrammeTopic.objects.visible_to(request.user)
        .active()
        .filter(work_programme__committee=programme.committee)
        .exclude(pk=keep.pk)
        .order_by("title")
    )
    form = MergeTopicForm(request.POST if request.method == "POST" else None, topics=others)
    if request.method == "POST" and form.is_valid():
        merged = form.cleaned_data["merge"]
        try:
            merge_topics(keep, merged, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"“{merged.title}” is merged into “{keep.title}”.")
            return redirect(keep.get_absolute_url())
    return render(
        request,
        "tracker/pages/topic_form.html",
        {
            "programme": programme,
            "committee": programme.committee,
            "topic": keep,
            "form": form,
            "heading": "Merge another topic into this one",
            "button": "Merge into this topic",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
