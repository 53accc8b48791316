"""The demo: loads `fixtures/demo.json` through the same services as every other door.
May import `committees`, `actions` and `tracker.reminders`.
"""
