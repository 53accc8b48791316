"""Read settings from environment variables, failing loudly on a value we cannot use.

A typo in production configuration must stop the process at start, not surface as a
reminder that silently never goes out.
"""

import os
import uuid

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty value counts as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: dict[str, str]) -> str:
    """Map a short name ("smtp", "file") to its value, refusing anything else."""
    raw = os.environ.get(name, default).strip().lower()
    if raw not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}, not {raw!r}"
        )
    return choices[raw]


def env_int_list(name: str, default: list[int], *, minimum: int | None = None) -> list[int]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, not {raw!r}"
        ) from None
    if not values or (minimum is not None and min(values) < minimum):
        raise ImproperlyConfigured(f"{name} must list numbers of at least {minimum}, not {raw!r}")
    return sorted(set(values), reverse=True)


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def env_weekday(name: str, default: str) -> int:
    """A weekday by name, as Python numbers them (Monday is 0)."""
    raw = os.environ.get(name, default).strip().lower()
    if raw not in WEEKDAYS:
        raise ImproperlyConfigured(f"{name} must be a day of the week such as monday, not {raw!r}")
    return WEEKDAYS.index(raw)


def env_rate(name: str, default: str) -> str:
    """A request rate as "N/second", "N/minute", "N/hour" or "N/day"."""
    raw = env_str(name, default).strip()
    count, _, period = raw.partition("/")
    if (
        not (count.isascii() and count.isdigit())
        or int(count) < 1
        or period not in {"second", "minute", "hour", "day"}
    ):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 120/minute (second, minute, hour or day), not {raw!r}"
        )
    return raw


def env_uuid(name: str) -> str:
    """An identifier such as a GOV.UK Notify template id (a UUID), or "" when unset."""
    raw = env_str(name).strip()
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an id such as f33517ff-2a88-4f6e-b855-c550268ce08a, not {raw!r}"
        ) from None


def env_notify_key(name: str) -> str:
    """A GOV.UK Notify API key: its name, then the service id and the secret (two UUIDs).

    The message never repeats the value: it is a secret."""
    raw = env_str(name).strip()
    service_id, secret = raw[-73:-37], raw[-36:]
    try:
        uuid.UUID(service_id)
        uuid.UUID(secret)
        well_formed = len(raw) > 74 and raw[-74] == "-" and raw[-37] == "-"
    except ValueError:
        well_formed = False
    if not well_formed:
        raise ImproperlyConfigured(
            f"{name} is not a Notify API key: copy the whole key (its name, then the service id "
            "and the secret key) from the service's API integration page."
        )
    return raw
