"""The Celery application. Tasks live in `tracker.reminders.tasks` and `tracker.moderngov.periodic_sync`; settings come from Django's, under CELERY_."""

import os

from celery import Celery
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scrutiny_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live in the reminders room, not in an app's top-level `tasks` module.
app.autodiscover_tasks(["tracker.reminders"])
app.autodiscover_tasks(["tracker.moderngov"], related_name="periodic_sync")


def _connparams_once_connected(self, asynchronous=False):
    """Celery 5.7 closes a broker connection it has lost, and closing the channel then asks
    for the closed connection's address to give back unacknowledged tasks: kombu raised
    AttributeError, which killed the worker on a Redis restart. Raise the connection error
    that the close already ignores instead; Redis gives the tasks back after its visibility
    timeout, and the ledger makes a repeated sweep harmless."""
    if self.connection.client is None:
        raise RedisConnectionError("the broker connection is already closed")
    return _connparams(self, asynchronous=asynchronous)


_connparams = kombu_redis.Channel._connparams
kombu_redis.Channel._connparams = _connparams_once_connected
