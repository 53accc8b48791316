"""The staff page for a tracker spreadsheet: upload, review the mapping and the report, save.

The upload is read at once and shown as the import would leave it (a dry run: everything
done and rolled back), with the proposed mapping as choices the officer can change. The file
travels between the pages inside a signed token with the committee chosen at upload, so
neither can be swapped on the way; the officer's column choices are checked like any input.
Nothing is saved until "Save" is pressed, and then all in one transaction.
"""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee
from tracker.workbooks.columns import FIELDS, LABELS
from tracker.workbooks.recording import Kinds, record
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import WorkbookError, read_sheet

UPLOAD_TEMPLATE = "workbooks/upload.html"
REVIEW_TEMPLATE = "workbooks/review.html"
MAX_PAGE_BYTES = 1024 * 1024  # larger trackers go through the import_tracker command
SALT = "tracker.workbooks.review"
MAX_AGE = 60 * 60 * 12
SHOWN_ROWS = 200  # rows of the report listed on the page; the counts cover them all
MAX_PAGE_ROWS = 10_000  # a longer sheet is imported with the command, not in a web request


class TrackerUploadForm(forms.Form):
    file = forms.FileField(
        label="Tracker spreadsheet",
        help_text="An Excel workbook (.xlsx) or a CSV file, up to 1 MB. Larger trackers: "
        "python manage.py import_tracker.",
        error_messages={"required": "Choose the tracker spreadsheet to import."},
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.order_by("name"),
        label="Committee",
        empty_label="Choose the committee",
        help_text="The committee whose recommendations and actions the spreadsheet tracks.",
        error_messages={
            "required": "Choose the committee the tracker belongs to.",
            "invalid_choice": "That committee does not exist: choose one from the list.",
        },
    )
    sheet = forms.CharField(
        required=False,
        max_length=100,
        label="Sheet (optional)",
        help_text="For a workbook with one sheet per year: the sheet's name. Leave empty for "
        "the first sheet; you can choose another on the next page.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PAGE_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB: import it with python manage.py import_tracker."
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError("Choose an Excel workbook (.xlsx) or a CSV file (.csv).")
        return upload


def staff_only(view):
    """Democratic services only: others are asked to sign in, or refused (403)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Only democratic services import a tracker.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class ReviewRefused(Exception):
    """The posted review cannot be used; the message says why."""


def _sign(data: bytes, filename: str, committee_id: int) -> str:
    return signing.dumps(
        {"file": base64.b64encode(data).decode(), "name": filename, "committee": committee_id},
        salt=SALT,
        compress=True,
    )


def _unsign(token: str) -> tuple[bytes, str, Committee]:
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        content = base64.b64decode(data["file"], validate=True)
        committee = Committee.objects.get(pk=int(data["committee"]))
    except signing.SignatureExpired:
        raise ReviewRefused("This review has expired: upload the spreadsheet again.") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, binascii.Error):
        raise ReviewRefused(
            "The review could not be verified (it was altered or is incomplete), so nothing was "
            "saved: upload the spreadsheet again."
        ) from None
    except Committee.DoesNotExist:
        raise ReviewRefused("The committee chosen no longer exists; nothing was saved.") from None
    return content, str(data.get("name", "")), committee


def _posted_mapping(post, width: int) -> dict[int, str]:
    mapping = {}
    for index in range(width):
        key = post.get(f"column-{index}", "")
        if key and key not in LABELS:
            raise ReviewRefused(f'"{key[:40]}" is not a field the tracker reads.')
        if key:
            mapping[index] = key
    return mapping


def _review(
    request,
    content,
    filename,
    committee,
    *,
    sheet=None,
    mapping=None,
    kind=Kinds.AUTO,
    status=200,
    error=None,
):
    """Read the sheet and show what saving would do (a dry run)."""
    reading = read_rows(read_sheet(content, filename, sheet, max_rows=MAX_PAGE_ROWS), mapping)
    outcome = None
    if not reading.mapping_problems:
        outcome = record(reading, committee, by=request.user, kind=kind, dry_run=True)
    if reading.mapping_problems and status == 200:
        status = 400 if mapping is not None else 200
    return render(
        request,
        REVIEW_TEMPLATE,
        {
            "token": _sign(content, filename, committee.pk),
            "filename": filename,
            "committee": committee,
            "reading": reading,
            "outcome": outcome,
            "fields": FIELDS,
            "kinds": Kinds.CHOICES,
            "kind": kind,
            "refused": outcome.refused if outcome else reading.refused,
            "shown_rows": (outcome.changed_rows[:SHOWN_ROWS] if outcome else []),
            "shown_limit": SHOWN_ROWS,
            "error": error,
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a tracker spreadsheet; show the review of what would be saved."""
    form = TrackerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        content = upload_file.read()
        try:
            return _review(
                request,
                content,
                upload_file.name,
                form.cleaned_data["committee"],
                sheet=form.cleaned_data["sheet"] or None,
            )
        except WorkbookError as error:
            form.add_error("sheet" if error.about_sheet else "file", str(error))
    return render(request, UPLOAD_TEMPLATE, {"form": form}, status=400 if form.errors else 200)


@staff_only
@require_POST
def review(request):
    """Check again with the officer's choices, or save: all in one transaction."""
    try:
        content, filename, committee = _unsign(request.POST.get("token", ""))
    except ReviewRefused as error:
        return render(
            request,
            UPLOAD_TEMPLATE,
            {"form": TrackerUploadForm(), "refused": str(error)},
            status=400,
        )
    kind = request.POST.get("kind", Kinds.AUTO)
    sheet = request.POST.get("sheet") or None
    try:
        found = read_sheet(content, filename, sheet, max_rows=MAX_PAGE_ROWS)
        reading = read_rows(found)
    except WorkbookError as error:
        return render(
            request,
            UPLOAD_TEMPLATE,
            {"form": TrackerUploadForm(), "refused": str(error)},
            status=400,
        )
    try:
        if kind not in dict(Kinds.CHOICES):
            raise ReviewRefused(f'"{kind[:40]}" is not a kind of row the tracker knows.')
        mapping = None
        if request.POST.get("mapped_sheet") == found.name and reading.header is not None:
            mapping = _posted_mapping(request.POST, reading.header.width)
    except ReviewRefused as error:
        return _review(
            request, content, filename, committee, sheet=sheet, status=400, error=str(error)
        )
    if request.POST.get("do") != "save" or mapping is None:
        return _review(
            request, content, filename, committee, sheet=sheet, mapping=mapping, kind=kind
        )
    reading = read_rows(read_sheet(content, filename, sheet, max_rows=MAX_PAGE_ROWS), mapping)
    if reading.mapping_problems:
        return _review(
            request,
            content,
            filename,
            committee,
            sheet=sheet,
            mapping=mapping,
            kind=kind,
            status=400,
        )
    outcome = record(reading, committee, by=request.user, kind=kind)
    messages.success(request, outcome.summary())
    return redirect("tracker:committee", slug=committee.slug)
