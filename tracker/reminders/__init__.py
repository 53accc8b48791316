"""Reminders: the ledger, the rules, the outbox that sends them exactly once, the Celery tasks,
the email rendering, and the signed links in emails with the pages they open.

May import `committees` and `actions`; never `tracker.api`, `tracker.site` or `tracker.importer`.
"""
