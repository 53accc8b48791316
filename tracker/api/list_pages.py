"""The busiest API lists (actions, agenda items) paged as plain rows, not model objects.
May import actions and committees (models, rules); the views use it, nothing else does.

A page of fifty actions through the model serializer builds fifty model objects and their
joined committee, year and meeting objects, then asks a REST framework field for each of
nineteen values: most of an uncached read. Here a page is read with `values()` (only the
columns shown) and each row is written out directly, giving exactly the JSON the model
serializer gives (tests/api/test_query_counts.py compares them field for field). Each
`PlainRows` names the serializer it stands for; if that serializer's fields change and the
rows here do not, the view uses the serializer instead (slower, never wrong).

A page also carries the list's total (`CountedPages`, no count query before it), and its
query, once compiled, is kept for the process (`CompiledPages`): building and compiling the
queryset was most of what was left of an uncached read.
"""

import datetime as dt
import threading
from collections import OrderedDict
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import CharField, Count, IntegerField, Model, Window
from django.db.models.expressions import RawSQL
from django.db.models.query import MAX_GET_RESULTS
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from actions.models import Action, Resolution
from committees.models import today
from config.prepared_statements import can_prepare

_DATETIME = serializers.DateTimeField()

# The name the actions' page query gives the actions it picked (`ActionRows.compile_page`).
PICKED = "picked"


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return _DATETIME.to_representation(value) if value else None


def _datetime_writer():
    """`_datetime` for one page: REST framework's DateTimeField asks the settings and the
    current time zone again for every value (a tenth of writing a page of actions); here
    they are asked once. ISO 8601 in the current time zone, UTC written as Z, exactly as
    the field writes it; anything else (another format, a naive value) goes to the field."""
    if not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return _datetime
    zone = timezone.get_current_timezone()

    def write(value):
        if not value:
            return None
        if value.tzinfo is None:
            return _DATETIME.to_representation(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return _DATETIME.to_representation(value)
        return f"{text[:-6]}Z" if text.endswith("+00:00") else text

    return write


def _year_label(start_date) -> str:
    """As MunicipalYear.label writes it: 2017/18."""
    return f"{start_date.year}/{(start_date.year + 1) % 100:02d}"


@contextmanager
def prepared_cursor(connection):
    """A cursor of Django's `connection` (PostgreSQL, `can_prepare`) whose statements are
    prepared on the server at their first execution and then only executed. Still Django's
    cursor wrapper: its errors and its query log (the query counts)."""
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.ensure_connection()
    connection.validate_thread_sharing()
    session = connection.connection
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(session)
        # Datetimes in the connection's time zone, as Django's own cursors read them.
        timestamptz = psycopg.adapters.types["timestamptz"].oid
        if connection.timezone != session.adapters.get_loader(timestamptz, Format.TEXT).timezone:
            register_tzloader(connection.timezone, raw)
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    threshold = session.prepare_threshold
    session.prepare_threshold = 0  # prepared at the first execution, for this cursor alone
    try:
        with wrapped as cursor:
            yield cursor
    finally:
        session.prepare_threshold = threshold


class CompiledPage:
    """One page's query as it was compiled: its SQL, parameters, column names and the
    converters of its columns, so that the same page can be read again without building,
    filtering and compiling its queryset (most of an uncached read's time in Python)."""

    def __init__(self, rows, with_query: tuple[str, tuple] | None = None):
        query = rows.query
        self.using = rows.db
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        compiler = query.get_compiler(self.using)
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:  # a list that matches nothing whatever the data (`none()`)
            self.sql = None
            return
        if with_query is not None:
            # A query the page's own query reads from by name (`WITH ... AS (...)`); its
            # parameters come first, as it does.
            self.sql = f"{with_query[0]} {self.sql}"
            self.params = (*with_query[1], *self.params)
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())
        # On PostgreSQL the page's statement is prepared on the server, with its values
        # written in as Django writes them (the same text it sends): a statement without
        # parameters is planned once per connection. Planning was more than half of the
        # server's CPU for a page of actions (1.1 of 1.7 ms; 0.5 ms prepared), and a
        # statement with parameters would still be planned afresh for its values.
        connection = connections[self.using]
        self.whole = (
            connection.ops.compose_sql(self.sql, self.params) if can_prepare(connection) else None
        )

    def rows(self, params=None) -> list[dict]:
        """The page's rows as `values()` gives them (as `ValuesIterable` reads them); with
        `params`, of the same query with those parameters in place of its own."""
        if self.sql is None:
            return []
        connection = connections[self.using]
        if params is None and self.whole is not None:
            with prepared_cursor(connection) as cursor:
                cursor.execute(self.whole)
                fetched = cursor.fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(self.sql, self.params if params is None else tuple(params))
                fetched = cursor.fetchall()
        names = self.names
        if not self.converters:
            return [dict(zip(names, row, strict=False)) for row in fetched]
        out = []
        for row in map(list, fetched):
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            out.append(dict(zip(names, row, strict=False)))
        return out


class CompiledPages:
    """The page queries this process compiled, by everything their SQL depends on (see
    `page_key`), the most recently used kept. The SQL holds no data, only the rules and the
    request's choices, so a change to the data does not outdate it; today's date and who
    reads are in the key, as the rules of what a reader sees depend on both."""

    def __init__(self, size: int = 256):
        self.size = size
        self.pages: OrderedDict[tuple, CompiledPage] = OrderedDict()
        self.lock = threading.Lock()  # a threaded server's requests share the process's pages

    def get(self, key) -> CompiledPage | None:
        if key is None:
            return None
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found

    def keeper(self, key):
        if key is None:
            return None

        def keep(compiled: CompiledPage) -> None:
            with self.lock:
                self.pages[key] = compiled
                self.pages.move_to_end(key)
                while len(self.pages) > self.size:
                    self.pages.popitem(last=False)

        return keep


class CompiledLookup:
    """`queryset.get(<key>=value)` as compiled once: its SQL, where the value goes among its
    parameters, and how a row becomes the model object `get` would give."""

    # Two values told apart among the compiled parameters, to find where the value goes.
    PROBES = {True: (1, 2), False: ("probe-1", "probe-2")}

    def __init__(self, queryset, key: str, db: str):
        self.model = queryset.model
        self.target = self.model._meta.pk if key == "pk" else self.model._meta.get_field(key)
        self.using = db
        self.sql = None
        query = queryset.query
        if query.select_related or query.annotations or query.extra or query.deferred_loading[0]:
            return
        is_integer = isinstance(self.target, IntegerField)
        if not is_integer and not isinstance(self.target, CharField):
            return
        compiled = []
        for probe in self.PROBES[is_integer]:
            found = queryset.filter(**{key: probe}).order_by()  # as `get` orders nothing
            compiler = found[:MAX_GET_RESULTS].query.get_compiler(db)
            try:
                compiled.append((compiler, *compiler.as_sql()))
            except EmptyResultSet:
                return
        (compiler, sql, params), (_, other_sql, other_params) = compiled
        places = [i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b]
        if sql != other_sql or len(places) != 1:
            return
        self.sql, self.params, self.place = sql, list(params), places[0]
        columns = compiler.select[: compiler.col_count]
        self.names = [column.target.attname for column, _, _ in columns]
        self.converters = list(compiler.get_converters([c for c, _, _ in columns]).items())
        self.is_integer = is_integer

    def get(self, value):
        """What `queryset.get(<key>=value)` gives, or DoesNotExist (MultipleObjectsReturned
        is left to `get` itself)."""
        connection = connections[self.using]
        target = self.target
        value = target.get_prep_value(value)  # ValueError or TypeError, as in `get`
        if self.is_integer and isinstance(value, int):
            # Out of the column's range matches nothing, as Django's lookup says.
            low, high = connection.ops.integer_field_range(target.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise self.model.DoesNotExist
        params = list(self.params)
        params[self.place] = target.get_db_prep_value(value, connection, prepared=True)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            raise self.model.DoesNotExist
        if len(rows) > 1:
            return None
        row = list(rows[0])
        for position, (converters, expression) in self.converters:
            for converter in converters:
                row[position] = converter(row[position], expression, connection)
        return self.model.from_db(self.using, self.names, row)


class CompiledLookups(CompiledPages):
    """The lookups of a filter's related thing (a committee by slug, a meeting by id) as
    compiled for each reader (`find`)."""

    def find(self, queryset, key: str, value, reader: tuple):
        """`queryset.get(<key>=value)`; `reader` names everything the queryset's SQL depends
        on (where it came from, who reads, today)."""
        cache_key = (queryset.model, key, queryset.db, reader)
        lookup = self.get(cache_key)
        if lookup is None:
            lookup = CompiledLookup(queryset, key, queryset.db)
            self.keeper(cache_key)(lookup)
        found = lookup.get(value) if lookup.sql is not None else None
        return found if found is not None else queryset.get(**{key: value})


def page_key(view, request, cleaned: dict) -> tuple | None:
    """What a page's SQL depends on: the list, the reader (their rules: signed in, staff,
    who), today (overdue, current chairs), the query as asked (filters, ordering, page and
    its size) and what the filters made of it (the committee or meeting a slug or id names,
    as the filters found it for this reader in this request). None when a filter's value is
    of a kind not known here, so that such a page is never kept."""
    found = []
    for name, value in sorted(cleaned.items()):
        if isinstance(value, Model):
            value = (value._meta.label, value.pk)
        elif not (value is None or isinstance(value, str | int | float | Decimal | dt.date)):
            return None
        found.append((name, value))
    user = request.user
    return (
        type(view),
        user.is_authenticated,
        user.is_staff,
        user.pk,
        today(),
        tuple((name, tuple(values)) for name, values in sorted(request.query_params.lists())),
        tuple(found),
    )


# Past the rows any table here will hold, and within the 64-bit offset databases take.
PAST_ANY_LIST = 2**53


class CountedPages(Paginator):
    """Django's paginator, but a page reads the total of the whole list in its own query
    (`COUNT(*) OVER ()` on each row) instead of a count query before it: one query and one
    scan of the matching rows instead of two. The same pages, counts and errors: a page past
    the end has no row to read the total from, and is past the end whatever the total (the
    first page excepted, which is empty when the list is). A DISTINCT list counts first, as
    the window would count its rows before duplicates are dropped.

    Given `compiled`, the page is read with that query, compiled for the same page before
    (`object_list` is then unused); `keep` is given the query of a page once compiled. A
    page's query is made by `compile` (`PlainRows.compile_page`) when given."""

    def __init__(self, object_list, per_page, *, compiled=None, keep=None, compile=None):
        super().__init__(object_list, per_page)
        self.compiled = compiled
        self.keep = keep
        self.compile = compile or PlainRows().compile_page

    def page(self, number):
        if self.compiled is None:
            query = self.object_list.query
            if query.distinct or query.combinator:
                return super().page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > PAST_ANY_LIST:
            # No list is that long, and the database would refuse the offset as a number.
            raise EmptyPage(self.error_messages["no_results"])
        compiled = self.compiled
        if compiled is None:
            bottom = (number - 1) * self.per_page
            compiled = self.compile(self.object_list, bottom, bottom + self.per_page)
            if self.keep is not None:
                self.keep(compiled)
        rows = compiled.rows()
        if rows:
            self.count = rows[0]["_list_total"]
        elif number == 1:
            self.count = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


class PlainRows:
    """How one list's page is read (`columns`) and written (`write`), for `fields`."""

    fields: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    def matches(self, serializer_class) -> bool:
        """Whether these rows still write the serializer's fields, in its order."""
        return tuple(serializer_class.Meta.fields) == self.fields

    def page_rows(self, queryset):
        return queryset.values(*self.columns)

    def compile_page(self, rows, bottom: int, top: int) -> CompiledPage:
        """The query of rows `bottom` to `top` of the list `rows` (`page_rows`), each row
        with the list's total as `_list_total`."""
        return CompiledPage(rows.annotate(_list_total=Window(Count("*")))[bottom:top])

    def write(self, rows, request) -> list[dict]:
        raise NotImplementedError


class ActionRows(PlainRows):
    """tracker.api.serializers.ActionSerializer, read from `ActionViewSet.visible`."""

    fields = (
        "id",
        "reference",
        "committee",
        "committee_id",
        "municipal_year",
        "resolution",
        "agenda_item",
        "title",
        "description",
        "owner",
        "due_date",
        "due_back_meeting",
        "due_back_elsewhere",
        "due_on",
        "days_late",
        "status",
        "closed_on",
        "latest_rag",
        "created_at",
    )
    columns = (
        "id",
        "reference",
        "committee__slug",
        "committee_id",
        "municipal_year__start_date",
        "resolution_id",
        "agenda_item_id",
        "title",
        "description",
        "owner_id",
        "due_date",
        "due_back_meeting_id",
        "due_back_elsewhere",
        "due_on_date",
        "status",
        "closed_on",
        "latest_rag",
        "created_at",
    )

    def compile_page(self, rows, bottom: int, top: int) -> CompiledPage:
        """The page in two steps of one query: which actions, in order, with the total (the
        list's filters and order, reading only the columns they need: for the overdue list,
        the index of open actions' due-on dates alone), then the columns shown of those
        fifty at most. Counting and sorting the whole list's wide rows was most of the
        database's time."""
        picked = rows.values("id").annotate(_list_total=Window(Count("*")))[bottom:top]
        try:
            sql, params = picked.query.get_compiler(rows.db).as_sql()
        except EmptyResultSet:  # a list that matches nothing whatever the data (`none()`)
            return CompiledPage(picked)
        shown = (
            Action.objects.using(rows.db)
            .with_latest_rag()
            .filter(pk__in=RawSQL(f'SELECT "id" FROM "{PICKED}"', ()))
            .annotate(
                _list_total=RawSQL(
                    f'SELECT "_list_total" FROM "{PICKED}" LIMIT 1', (), IntegerField()
                )
            )
            # The list's own order, which the id makes total (`ActionViewSet.visible`,
            # `StrictOrderingFilter`): the fifty come in the order they were picked in.
            .order_by(*(rows.query.order_by or rows.model._meta.ordering))
            .values(*self.columns, "_list_total")
        )
        return CompiledPage(shown, with_query=(f'WITH "{PICKED}" AS ({sql})', tuple(params)))

    def write(self, rows, request) -> list[dict]:
        on = today()
        is_open = Action.Status.OPEN
        moment = _datetime_writer()
        out = []
        for r in rows:
            due_on = r["due_on_date"]
            status = r["status"]
            # Action.days_late, on the row: whole days past due, while it is open.
            days_late = max((on - due_on).days, 0) if due_on and status == is_open else 0
            out.append(
                {
                    "id": r["id"],
                    "reference": r["reference"],
                    "committee": r["committee__slug"],
                    "committee_id": r["committee_id"],
                    "municipal_year": _year_label(r["municipal_year__start_date"]),
                    "resolution": r["resolution_id"],
                    "agenda_item": r["agenda_item_id"],
                    "title": r["title"],
                    "description": r["description"],
                    "owner": r["owner_id"],
                    "due_date": _date(r["due_date"]),
                    "due_back_meeting": r["due_back_meeting_id"],
                    "due_back_elsewhere": r["due_back_elsewhere"],
                    "due_on": _date(due_on),
                    "days_late": days_late,
                    "status": status,
                    "closed_on": _date(r["closed_on"]),
                    "latest_rag": r["latest_rag"],
                    "created_at": moment(r["created_at"]),
                }
            )
        return out


# What an agenda item's reader sees only when they may open it (serializers.py names them
# CONFIDENTIAL_ITEM_FIELDS), with the column each is read from.
_ITEM_CONFIDENTIAL = (
    ("description", "description"),
    ("topic", "topic_id"),
    ("report_author", "report_author_id"),
    ("lead_officer", "lead_officer_id"),
    ("report_summary", "report_summary"),
    ("minutes", "minutes"),
    ("outcome", "outcome"),
    ("report_submitted_at", "report_submitted_at"),
    ("public_interest_reason", "public_interest_reason"),
)


class AgendaItemRows(PlainRows):
    """tracker.api.serializers.AgendaItemSerializer, read from `AgendaItemViewSet.visible`
    (whose `listed_to` annotates `readable`): an item the reader may not open is its shell,
    with its public title and paragraph only, as `AgendaItemSerializer.to_representation`."""

    fields = (
        "id",
        "meeting",
        "number",
        "position",
        "title",
        "readable",
        "is_exempt",
        "exempt_paragraph",
        "public_title",
        *(name for name, _ in _ITEM_CONFIDENTIAL),
        "deferral_count",
        "resolutions",
    )
    columns = (
        "id",
        "meeting_id",
        "number",
        "position",
        "title",
        "readable",
        "is_exempt",
        "exempt_paragraph",
        "public_title",
        *(column for _, column in _ITEM_CONFIDENTIAL),
        "deferral_count",
    )
    resolution_fields = ("id", "reference", "number", "text", "kind")

    def __init__(self):
        # The resolutions' query, compiled once for each number of items on a page: its
        # parameters are the items' ids and nothing else (checked when it is compiled).
        self.resolution_queries: dict[int, CompiledPage] = {}

    def resolutions_of(self, items: list[int]) -> list[dict]:
        compiled = self.resolution_queries.get(len(items))
        if compiled is None:
            compiled = CompiledPage(
                Resolution.objects.filter(agenda_item_id__in=items)
                .order_by("position")
                .values("agenda_item_id", *self.resolution_fields)
            )
            if compiled.sql is not None and tuple(compiled.params) == tuple(items):
                self.resolution_queries[len(items)] = compiled
            return compiled.rows()
        return compiled.rows(params=items)

    def write(self, rows, request) -> list[dict]:
        rows = list(rows)
        # One query for the page's resolutions, as the serializer's prefetch reads them.
        resolutions: dict[int, list[dict]] = {r["id"]: [] for r in rows}
        if rows:
            for res in self.resolutions_of(list(resolutions)):
                resolutions[res.pop("agenda_item_id")].append(res)
        moment = _datetime_writer()
        out = []
        for r in rows:
            if not r["readable"]:
                out.append(
                    {
                        "id": r["id"],
                        "meeting": r["meeting_id"],
                        "number": r["number"],
                        "position": r["position"],
                        "title": r["public_title"],
                        "readable": False,
                        "is_exempt": True,
                        "exempt_paragraph": r["exempt_paragraph"],
                        "public_title": r["public_title"],
                        **{name: None for name, _ in _ITEM_CONFIDENTIAL},
                        "deferral_count": None,
                        "resolutions": [],
                    }
                )
                continue
            item = {
                "id": r["id"],
                "meeting": r["meeting_id"],
                "number": r["number"],
                "position": r["position"],
                "title": r["title"],
                "readable": True,
                "is_exempt": r["is_exempt"],
                "exempt_paragraph": r["exempt_paragraph"],
                "public_title": r["public_title"],
            }
            for name, column in _ITEM_CONFIDENTIAL:
                item[name] = r[column]
            item["report_submitted_at"] = moment(r["report_submitted_at"])
            item["deferral_count"] = r["deferral_count"]
            item["resolutions"] = resolutions[r["id"]]
            out.append(item)
        return out
