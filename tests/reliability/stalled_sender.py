"""A delivery run that stops dead at a chosen point, for a test to kill it there:
`python -m tests.reliability.stalled_sender --message N --stall before|after --marker FILE`.

It delivers what is due (`outbox.deliver_due`, the worker's own code) with the mail backend
the environment names, and at the Nth message writes that message's Message-ID to FILE and
waits forever: `before` it is handed to the mail backend (claimed, not sent) or `after` the
backend accepted it (sent, not yet marked sent in the ledger).
"""

import argparse
import os
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--message", type=int, required=True)
    parser.add_argument("--stall", choices=["before", "after"], required=True)
    parser.add_argument("--marker", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from tracker.reminders import outbox

    send = outbox._send
    handed = 0

    def stall(reminder) -> None:
        with open(args.marker, "w") as marker:
            marker.write(reminder.message_id)
        while True:
            time.sleep(60)

    def stalling_send(reminder, connection) -> None:
        nonlocal handed
        handed += 1
        if handed == args.message and args.stall == "before":
            stall(reminder)
        send(reminder, connection)
        if handed == args.message:
            stall(reminder)

    outbox._send = stalling_send
    outbox.deliver_due()


if __name__ == "__main__":
    main()
