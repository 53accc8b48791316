"""History rows for rows inserted in bulk, copied by the database itself.

django-simple-history writes one history row per save, with the saved values, who and when.
For rows inserted together (`committees.bulk_agenda`, `actions.bulk_resolutions`) the same
rows are written by one INSERT ... SELECT from the rows just saved, so no Python object is
built per row: the tracked columns as saved (or, with `as_if`, a value they had before a later
change in the same batch, such as an action open before its sign-off), the time, the user and
the kind ("+" created, "~" changed), and no change reason, as a save records.
"""

from django.db import connection
from django.utils import timezone

CHUNK = 500  # primary keys per statement, within SQLite's limit on parameters


def write_history(model, pks: list, *, history_type: str = "+", by=None, as_if=None) -> None:
    """Record `pks` of `model` in its history as created ("+") or changed ("~") by `by`."""
    if not pks:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    as_if = as_if or {}
    columns, selected, fixed = [], [], []
    for field in history.tracked_fields:
        columns.append(quote(field.column))
        if field.attname in as_if:
            selected.append("%s")
            fixed.append(field.get_db_prep_save(as_if[field.attname], connection))
        else:
            selected.append(quote(field.column))
    columns += [quote(name) for name in ("history_date", "history_user_id", "history_type")]
    columns.append(quote("history_change_reason"))
    selected += ["%s", "%s", "%s", "NULL"]
    when = timezone.now()
    fixed += [
        history._meta.get_field("history_date").get_db_prep_save(when, connection),
        by.pk if by is not None else None,
        history_type,
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                [*fixed, *chunk],
            )
