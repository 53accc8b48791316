"""modern.gov: keeping committees, meetings, agendas and members in step with a council's
modern.gov web service (the client, the reading of its answers, the sync, its log and the
differences awaiting an officer). May import `committees`, `actions` and `tracker.reminders`;
never `tracker.api`, `tracker.site` or `tracker.importer`.
"""
