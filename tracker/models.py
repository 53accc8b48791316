"""The tracker's tables, defined in the rooms that own them and registered here for Django."""

from tracker.api.data_version import DataVersion
from tracker.reminders.ledger import Reminder, UsedLink

__all__ = ["DataVersion", "Reminder", "UsedLink"]
