"""The due-on date of an action stored (`Action.due_on_date`), so the overdue list reads an
index of open actions' due-on dates instead of joining every open action to its meeting.

Existing rows are given it here as `ActionQuerySet.keep_due_on` gives it: the due date, or
else the due-back meeting's date."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def store_due_on(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Meeting = apps.get_model("committees", "Meeting")
    meeting_date = Meeting.objects.filter(pk=OuterRef("due_back_meeting_id")).values("date")
    Action.objects.using(schema_editor.connection.alias).update(
        due_on_date=Coalesce("due_date", Subquery(meeting_date[:1]))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_history_sequence_indexes"),
        ("committees", "0003_exempt_item_paragraph_not_null"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="due_on_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(store_due_on, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(model_name="action", name="action_open_due_idx"),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["due_on_date"],
                include=("id", "committee", "municipal_year", "sequence"),
                name="action_open_due_on_idx",
            ),
        ),
    ]
