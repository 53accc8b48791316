"""The API cache's data version: one row, bumped after every committed change."""

from django.db import models


class DataVersion(models.Model):
    """A counter bumped after every change to committees' and actions' records.

    Cached API responses are keyed on it, so a cached page of results never outlives the
    data it shows, in any server process; one row, created by the migration.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"data version {self.number}"
