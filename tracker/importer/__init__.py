"""The minutes importer: published minutes in, a reviewed proposal out, saved only on request.

`reading` turns a file into text, `parsing` proposes meetings, items and decisions from the
text, `targets` places "February 2017" or "the next meeting" on the committee's calendar,
and `saving` applies an officer-approved proposal through the project's own rules.
"""

from tracker.importer.reading import MinutesError

__all__ = ["MinutesError"]
