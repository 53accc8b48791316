"""The review page: minutes in, a proposal beside its source text, the officer's edits saved.

Views stay thin: reading, parsing, reviewing and saving live in the package's modules.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tracker.importer.forms import MinutesForm, ReviewCommitteeForm
from tracker.importer.parsing import propose
from tracker.importer.parsing.proposal import KINDS, OUTCOME_WORDS
from tracker.importer.reading import MinutesError
from tracker.importer.review import (
    ReviewExpired,
    ReviewInvalid,
    apply_review,
    meeting_days,
    sign,
    unsign,
)
from tracker.importer.saving import (
    SavingError,
    committee_people,
    find_committee,
    save_proposal,
)
from tracker.importer.targets import Calendar
from tracker.site.common import staff_only

UPLOAD_TEMPLATE = "tracker/importer/upload.html"
REVIEW_TEMPLATE = "tracker/importer/review.html"


def _people(proposal, committee, post=None):
    """The committee's people, for the owner and lead-officer selects (and their checks): its
    members on the meeting's day as read and as corrected on the page."""
    return list(committee_people(committee, meeting_days(proposal, post)))


def _review(request, proposal, committee, source, *, error=None, status=200, post=None):
    form = ReviewCommitteeForm(initial={"committee": committee.pk if committee else None})
    return render(
        request,
        REVIEW_TEMPLATE,
        {
            "proposal": proposal,
            "signed": sign(proposal, committee.pk if committee else None),
            "committee_form": form,
            "source": source,
            "error": error,
            "kinds": KINDS,
            "outcomes": list(OUTCOME_WORDS.items()),
            "people": _people(proposal, committee, post),
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload or paste minutes; show the proposal for review."""
    form = MinutesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["minutes_text"]
        committee = form.cleaned_data.get("committee")
        try:
            if committee is None:
                names = {m.committee for m in propose(text).meetings}
                committee = find_committee(names.pop()) if len(names) == 1 else None
            proposal = propose(text, committee=committee)
        except MinutesError as error:
            form.add_error(None, str(error))
        else:
            return _review(request, proposal, committee, text)
    return render(request, UPLOAD_TEMPLATE, {"form": form}, status=400 if form.errors else 200)


@staff_only
@require_POST
def save(request):
    """Save the reviewed proposal in one transaction; then show the meeting's page."""
    try:
        proposal, _ = unsign(request.POST.get("proposal", ""))
    except ReviewExpired as error:
        return render(
            request, UPLOAD_TEMPLATE, {"form": MinutesForm(), "refused": str(error)}, status=400
        )
    form = ReviewCommitteeForm(request.POST)
    source = ""  # not posted back: a 5 MB text would exceed the request size limit
    if not form.is_valid():
        return _review(
            request, proposal, None, source, error=form.errors["committee"][0], status=400
        )
    committee = form.cleaned_data["committee"]
    try:
        people = {person.pk for person in _people(proposal, committee, request.POST)}
        reviewed = apply_review(proposal, request.POST, Calendar.for_committee(committee), people)
        results = save_proposal(reviewed, committee, by=request.user)
    except (SavingError, ReviewInvalid) as error:
        proposal, _ = unsign(request.POST["proposal"])
        return _review(
            request, proposal, committee, source, error=str(error), status=400, post=request.POST
        )
    for result in results:
        messages.success(request, result.summary())
    return redirect(results[0].meeting.get_absolute_url())
