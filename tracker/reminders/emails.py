"""One way to make an email: a subject, a text part and an HTML part, each from a template.

Templates live beside this module, in tracker/reminders/email_templates/: NAME-subject.txt,
NAME-body.txt (which extends base.txt) and NAME-body.html (which extends base.html); the
bases hold the note to the officer when a reminder is passed on, and the footer. Emails name
exempt (Part 2) items only by their public title: email leaves the council's systems, so
confidential text never goes into it.

They are Jinja2 templates, not Django ones, for cost: a busy day's sweep renders three for
each of some 10,000 reminders, and Django's engine spent about 0.4 ms of CPU on each reminder,
the largest share of planning; Jinja2 compiles each template once to Python code. What they
print is what Django's templates printed, byte for byte: .html is escaped as Django escapes,
.txt not at all, and the filters (`date`, `pluralize`, `linebreaksbr`) are Django's own.
Unlike Django, Jinja2 calls no method by itself: a template writes `action.days_late()`.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2
from django.conf import settings
from django.template import defaultfilters
from django.utils.timezone import template_localtime
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "email_templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(name: str, context: dict) -> RenderedEmail:
    subject_template, text_template, html_template = _templates(name)
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(subject_template.render(context).split())
    text = text_template.render(context).strip() + "\n"
    html = _as_django_escapes(html_template.render(context))
    return RenderedEmail(subject=subject[:300], text=text, html=html)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _as_django_escapes(html: str) -> str:
    """Jinja2's escaping (markupsafe) and Django's escape the same five characters but spell
    two of them differently: ' as &#39; (Django &#x27;) and " as &#34; (Django &quot;).
    Respelt once on the whole page, which is cheaper than escaping each value ourselves; a
    value's own "&#39;" was escaped to "&amp;#39;" and is left alone."""
    return html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")


def date(value, fmt: str) -> str:
    """Django's `date` filter. A day's reminders share a few dates, so each is formatted once
    per format (in the one language the tracker speaks: nothing activates another)."""
    if type(value) is dt.date:
        return _formatted(value, fmt)
    if isinstance(value, jinja2.Undefined):
        return ""
    if isinstance(value, dt.datetime):
        value = template_localtime(value)  # as Django does before its `date` filter
    return defaultfilters.date(value, fmt)


@functools.lru_cache(maxsize=4096)
def _formatted(day: dt.date, fmt: str) -> str:
    return defaultfilters.date(day, fmt)


@jinja2.pass_eval_context
def linebreaksbr(eval_ctx, value) -> str:
    broken = defaultfilters.linebreaksbr(value, autoescape=eval_ctx.autoescape)
    return Markup(broken) if eval_ctx.autoescape else broken


ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
    # As Django: a missing attribute prints nothing (`a.b.c` with no `b` too), and the text
    # after a tag and at the end of a file is kept.
    undefined=jinja2.ChainableUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=True,
    auto_reload=False,
)
# The templates use none of Jinja2's globals (range, lipsum, ...); without them each of the
# three contexts a reminder needs is built in a third of the time.
ENVIRONMENT.globals.clear()
ENVIRONMENT.filters.update(date=date, pluralize=defaultfilters.pluralize, linebreaksbr=linebreaksbr)


@functools.cache
def _templates(name: str) -> tuple[jinja2.Template, jinja2.Template, jinja2.Template]:
    return (
        ENVIRONMENT.get_template(f"{name}-subject.txt"),
        ENVIRONMENT.get_template(f"{name}-body.txt"),
        ENVIRONMENT.get_template(f"{name}-body.html"),
    )
