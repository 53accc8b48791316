"""Dates asked for as GOV.UK asks them: three boxes, day, month and year, in one fieldset.

The browser's own date box shows a different order on every machine (mm/dd/yyyy here) and
is hard to use with a screen reader; the GOV.UK date input pattern is three short text
boxes. Each refusal names the part that is wrong, in the pattern's words.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


class DayMonthYearWidget(forms.Widget):
    """Renders `<name>_day`, `<name>_month` and `<name>_year`; reads them back as a tuple."""

    template_name = "tracker/widgets/day_month_year.html"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, tuple | list):
            return dict(zip(PARTS, value, strict=False))
        if isinstance(value, str) and value:
            try:
                return self.format_value(dt.date.fromisoformat(value))
            except ValueError:
                pass
        return dict.fromkeys(PARTS, "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = self.format_value(value)
        attrs = context["widget"]["attrs"]
        base = attrs.get("id") or f"id_{name}"
        context["widget"]["describedby"] = attrs.get("aria-describedby", "")
        context["widget"]["invalid"] = attrs.get("aria-invalid", "")
        context["widget"]["parts"] = [
            {
                "part": part,
                "label": part.capitalize(),
                "name": f"{name}_{part}",
                "id": f"{base}_{part}",
                "value": parts.get(part, ""),
                "width": 4 if part == "year" else 2,
            }
            for part in PARTS
        ]
        return context

    def value_from_datadict(self, data, files, name):
        if not any(f"{name}_{part}" in data for part in PARTS) and name in data:
            # One ISO date (`?since=2018-01-22`), as links and exports write it.
            return (data.get(name) or "").strip()
        return tuple((data.get(f"{name}_{part}") or "").strip() for part in PARTS)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_


class DayMonthYearField(forms.Field):
    """A date from day, month and year boxes.

    `example` is a date in the pattern's hint ("For example, 27 3 2026"). Refusals follow
    the GOV.UK pattern: a missing part is named, a date that does not exist is "a real date".
    """

    widget = DayMonthYearWidget
    wrong_part = "day"

    def __init__(self, *, example: str = "27 3 2026", **kwargs):
        kwargs.setdefault("help_text", f"For example, {example}")
        super().__init__(**kwargs)
        if self.error_messages["required"] == forms.Field.default_error_messages["required"]:
            self.error_messages["required"] = f"Enter the {self._name().lower()}."

    def _name(self) -> str:
        # "Due date (optional)" is named in errors as "Due date".
        return re.sub(r"\s*\(optional\)$", "", str(self.label or "The date"))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            if not ISO.fullmatch(value):
                raise ValidationError(f"{self._name()} must be a real date.", code="invalid")
            value = tuple(value.split("-")[::-1])
        day, month, year = (*tuple(value), "", "", "")[:3]
        if not (day or month or year):
            return None
        missing = [part for part, text in zip(PARTS, (day, month, year), strict=True) if not text]
        # The box an error summary's link goes to: the first missing part (GOV.UK's rule).
        self.wrong_part = missing[0] if missing else "day"
        if missing:
            raise ValidationError(
                f"{self._name()} must include a {' and a '.join(missing)}.", code="incomplete"
            )
        if not all(text.isascii() and text.isdigit() for text in (day, month, year)):
            raise ValidationError(
                f"{self._name()} must be a real date, in numbers.", code="invalid"
            )
        if len(year) != 4:
            raise ValidationError(
                f"{self._name()}: the year must have 4 numbers, like 2026.", code="invalid"
            )
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(f"{self._name()} must be a real date.", code="invalid") from None

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True
