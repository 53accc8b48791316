"""One way to make an email: a subject, a text part and an HTML part, each from a template.

Templates live in tracker/templates/emails/ as NAME-subject.txt, NAME-body.txt and
NAME-body.html. Emails name exempt (Part 2) items only by their public title: email leaves
the council's systems, so confidential text never goes into it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(name: str, context: dict) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return RenderedEmail(subject=subject[:300], text=text, html=html)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
