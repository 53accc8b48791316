"""The REST API: serializers, filters, views, its response cache and the receiver that
invalidates it. May import `committees`, `actions`, `tracker.reminders` and the site's
client-address rule (`tracker.site.throttles`).
"""
