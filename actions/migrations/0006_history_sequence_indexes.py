"""Indexes on the history tables for the last number of a committee's year, so giving a new
recommendation or action its number reads one index entry instead of the whole history.

The historical models are built by django-simple-history, which takes no indexes of ours; the
index is created in SQL and left out of the migration state (the models do not change)."""

from django.db import migrations

INDEXES = [
    ("actions_hist_resolution_seq", "actions_historicalresolution"),
    ("actions_hist_action_seq", "actions_historicalaction"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_resolution_carried_over_from_year"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} (committee_id, municipal_year_id, sequence)",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, table in INDEXES
    ]
