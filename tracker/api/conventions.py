"""How every API response behaves: paging, and errors that say what is wrong.

Kept apart from the views because the settings name these classes. Nothing here may import
`rest_framework.views` at module level: its APIView reads these very settings as it is
defined, so the import would go round in a circle whenever the settings are read first (as
REST framework's system checks do when a Celery worker starts).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import RestrictedError
from rest_framework import exceptions, pagination, parsers, serializers, status


class Pages(pagination.PageNumberPagination):
    """Every list is paged; `page_size` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, plus the model rules' errors as 400 and protected deletes as 409.

    A request that fails rolls back everything it wrote (see `AtomicWrites`).
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        protecting = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = Conflict(f"It cannot be deleted while it has {', '.join(protecting)}.")
    elif isinstance(exc, IntegrityError):
        exc = Conflict("It conflicts with what is already recorded; reload and try again.")
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and getattr(request, "in_atomic_write", False):
        transaction.set_rollback(True)
    return response


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class JSONParser(parsers.JSONParser):
    """REST framework's JSON parser, but a body nested too deep to parse is the client's
    error (400), not a RecursionError escaping as a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None
