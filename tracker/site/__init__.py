"""The site: server-rendered pages, their forms, sign-in, exports and calendar feeds.

Every page reads through the visibility rules on the querysets (`visible_to`, `listed_to`) and
changes things only through the services beside the models, so a page shows and does exactly
what the API and the admin would. May import `committees`, `actions` and `tracker.reminders`.
"""
