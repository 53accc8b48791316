"""What the email templates print, to the byte: a subject, a text part and an HTML part.

The objects are built in memory (nothing is saved): rendering reads only what it is given.
"""

import datetime as dt

from actions.models import Action, ExecutiveResponse, Resolution
from committees.models import AgendaItem, Authority, Committee, Meeting, Person
from tracker.reminders.emails import render_email

CONFIDENTIAL = "HERON-LANTERN"


def marshfield_panel() -> Committee:
    panel = Committee(name="Parks & Leisure Scrutiny Panel", short_name="Parks & Leisure")
    panel.authority = Authority(name="Marshfield District Council")
    panel.officer = Person(name="Gwen Talbot", email="gwen.talbot@marshfield.example")
    return panel


def addressed(context: dict, committee: Committee, to: Person, reason: str) -> dict:
    """What the outbox adds to a rule's context, for someone with an email address."""
    return {
        **context,
        "recipient": to,
        "intended": to,
        "redirected_from": None,
        "redirected": False,
        "reason": reason,
        "committee": committee,
        "link": "https://tracker.marshfield.example/actions/31/",
    }


def test_an_overdue_exempt_action_is_named_by_its_public_title_and_names_are_escaped_as_django_does():
    aoife = Person(name="Aoife O'Dwyer & Partners", email="aoife@marshfield.example")
    lease = Action(
        reference="PL (24/25) A04",
        title=f"{CONFIDENTIAL} renegotiate the penalty clause",
        due_date=dt.date(2024, 5, 7),
        owner=aoife,
    )
    lease.agenda_item = AgendaItem(
        pk=12,  # an action reads its item's exemption only once it has an item id
        title=f"{CONFIDENTIAL} the lease dispute",
        is_exempt=True,
        public_title="Leisure centre lease",
    )
    context = addressed(
        {"action": lease, "days_late": 9},
        marshfield_panel(),
        aoife,
        "you own action PL (24/25) A04",
    )
    context["update_link"] = "https://tracker.marshfield.example/u/a1?t=9&s=2"

    email = render_email("action_overdue", context)

    assert email.subject == "Overdue by 9 days: action PL (24/25) A04 for Parks & Leisure"
    assert email.text == (
        "Dear Aoife O'Dwyer & Partners,\n"
        "\n"
        "Action PL (24/25) A04 is 9 days overdue.\n"
        "\n"
        "Leisure centre lease (exempt item: sign in to read the action)\n"
        "Due: Tuesday 7 May 2024\n"
        "\n"
        "Record progress or completion here (no sign-in needed; the link works once, for "
        "Aoife O'Dwyer & Partners only):\n"
        "https://tracker.marshfield.example/u/a1?t=9&s=2\n"
        "\n"
        "See it in the tracker: https://tracker.marshfield.example/actions/31/\n"
        "\n"
        "--\n"
        "You are receiving this because you own action PL (24/25) A04. It was sent by the "
        "scrutiny tracker of Marshfield District Council; reply to Gwen Talbot "
        "(gwen.talbot@marshfield.example) with any questions.\n"
    )
    assert email.html == (
        "<!doctype html>\n"
        '<html lang="en-GB">\n'
        '<head><meta charset="utf-8"><title>Action PL (24/25) A04 overdue</title></head>\n'
        '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 16px; '
        'line-height: 1.5; color: #0b0c0c; max-width: 40em;">\n'
        "\n"
        "\n"
        "<p>Dear Aoife O&#x27;Dwyer &amp; Partners,</p>\n"
        "<p>Action <strong>PL (24/25) A04</strong> is 9 days overdue.</p>\n"
        "<p>Leisure centre lease (exempt item: sign in to read the action)<br>\n"
        "Due: Tuesday 7 May 2024</p>\n"
        '<p><a href="https://tracker.marshfield.example/u/a1?t=9&amp;s=2">Record progress or '
        "completion</a> (no sign-in needed; the link works once, for Aoife O&#x27;Dwyer &amp; "
        "Partners only).</p>\n"
        '<p><a href="https://tracker.marshfield.example/actions/31/">See it in the tracker</a></p>\n'
        "\n"
        '<p style="color: #505a5f; font-size: 14px;">You are receiving this because you own '
        "action PL (24/25) A04. It was sent by the scrutiny tracker of Marshfield District "
        "Council; reply to Gwen Talbot (gwen.talbot@marshfield.example) with any questions.</p>\n"
        "</body>\n"
        "</html>\n"
    )
    assert CONFIDENTIAL not in email.subject + email.text + email.html


def test_a_report_reminder_for_someone_without_an_address_goes_to_the_officer_to_pass_on():
    panel = marshfield_panel()
    tomasz = Person(name="Tomasz Wiśniewski", email="")
    context = {
        **addressed(
            {
                "title": 'The "Green Flag" bid for Millbrook Park',
                "meeting": Meeting(date=dt.date(2024, 6, 18)),
                "deadline": dt.date(2024, 6, 4),
                "working_days_left": 1,
            },
            panel,
            tomasz,
            "you are the report author for “The Green Flag bid”",
        ),
        "recipient": panel.officer,
        "redirected_from": tomasz,
        "redirected": True,
    }

    email = render_email("report_due_soon", context)

    assert email.subject == (
        "Report due 4 June for Parks & Leisure, 18 June 2024: "
        'The "Green Flag" bid for Millbrook Park'
    )
    assert email.text == (
        "Tomasz Wiśniewski has no email address in the tracker, so this comes to you as "
        "Parks & Leisure's democratic services officer. Please pass it on, and add their "
        "address.\n"
        "\n"
        "\n"
        "Dear Gwen Talbot,\n"
        "\n"
        'Your report “The "Green Flag" bid for Millbrook Park” for Parks & Leisure Scrutiny '
        "Panel on Tuesday 18 June 2024 must reach democratic services by Tuesday 4 June 2024: "
        "1 working day from today.\n"
        "\n"
        "When you have sent it, record it here (no sign-in needed): "
        "https://tracker.marshfield.example/actions/31/\n"
        "\n"
        "--\n"
        "You are receiving this because you are the report author for “The Green Flag bid”. "
        "It was sent by the scrutiny tracker of Marshfield District Council; reply to Gwen "
        "Talbot (gwen.talbot@marshfield.example) with any questions.\n"
    )
    assert (
        '<p style="border-left: 5px solid #f47738; padding-left: 10px;"><strong>Tomasz '
        "Wiśniewski has no email address in the tracker</strong>, so this comes to you as "
        "Parks &amp; Leisure's democratic services officer. Please pass it on, and add "
        "their address.</p>\n"
    ) in email.html
    assert (
        "<p>Your report “The &quot;Green Flag&quot; bid for Millbrook Park” for Parks &amp; "
        "Leisure Scrutiny Panel on Tuesday 18 June 2024 must reach democratic services by "
        "<strong>Tuesday 4 June 2024</strong>: 1 working day from today.</p>\n"
    ) in email.html


def test_a_recommendation_keeps_its_line_breaks_and_is_escaped_in_the_html_part_only():
    recommendation = Resolution(
        reference="PL (24/25) R2",
        text="That the Executive keep the paddling pool open <until> September;\n"
        "and fund the lifeguards' hours.",
    )
    recommendation.agenda_item = AgendaItem(title="Summer opening", is_exempt=False)
    response = ExecutiveResponse(
        executive_body="Executive",
        referred_on=dt.date(2024, 4, 2),
        response_due=dt.date(2024, 6, 2),
    )
    response.resolution = recommendation
    panel = marshfield_panel()
    context = addressed(
        {"response": response, "resolution": recommendation},
        panel,
        Person(name="Cllr Dafydd Rees", email="dafydd@marshfield.example"),
        "you are responsible for the Executive's response to PL (24/25) R2",
    )

    email = render_email("response_warning", context)

    assert email.subject == "Two weeks left: Executive response to PL (24/25) R2 due 2 June 2024"
    assert email.html.splitlines()[8] == (
        "<blockquote>That the Executive keep the paddling pool open &lt;until&gt; "
        "September;<br>and fund the lifeguards&#x27; hours.</blockquote>"
    )
    assert (
        '"That the Executive keep the paddling pool open <until> September;\n'
        "and fund the lifeguards' hours.\"\n"
    ) in email.text
