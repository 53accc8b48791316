"""Sending one message over an open SMTP session in two round trips instead of four.

smtplib's `sendmail` waits for the server's answer to MAIL, to each RCPT and to DATA before
it sends the next command. Where the server offers PIPELINING (RFC 2920: Postfix, Exim,
Exchange and Microsoft 365 all do), the client may send MAIL, every RCPT and DATA in one
write and read their answers after; only the message itself waits for DATA's 354. On a day
of thousands of reminders those waits were a third of each message's time.

`sendmail` here takes and raises what smtplib's does, so the outbox treats a refusal the
same way whichever path it went by; a server without PIPELINING gets smtplib's own.
"""

import contextlib
import functools
import re
import smtplib

_LEADING_DOT = re.compile(rb"(?m)^\.")  # a line starting with "." is sent as ".." (RFC 5321)
# smtplib's own quoting (it parses the address each time); a day's few thousand recur.
_quoted = functools.lru_cache(maxsize=10_000)(smtplib.quoteaddr)


def sendmail(session: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> dict:
    """Send `data` (CRLF line ends) from `sender` to `recipients`; return the recipients
    refused while others were accepted, as smtplib does."""
    session.ehlo_or_helo_if_needed()
    if not session.does_esmtp or not session.has_extn("pipelining"):
        return session.sendmail(sender, recipients, data)
    size = f" SIZE={len(data)}" if session.has_extn("size") else ""
    group = [f"MAIL FROM:{_quoted(sender)}{size}"]
    group += [f"RCPT TO:{_quoted(r)}" for r in recipients]
    group.append("DATA")
    session.send("".join(f"{command}\r\n" for command in group))
    # Every answer is read, in order, before deciding: the session stays in step.
    mail = session.getreply()
    refused = {}
    try:
        for recipient in recipients:
            code, text = session.getreply()
            if code not in (250, 251):
                refused[recipient] = (code, text)
        data_code, data_text = session.getreply()
    except smtplib.SMTPServerDisconnected:
        if mail[0] != 250:  # "421 going away" to MAIL, then the server hung up
            raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender) from None
        raise
    if mail[0] != 250:
        _give_up(session, mail[0], data_code)
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
    if any(code == 421 for code, _ in refused.values()):
        _give_up(session, 421, data_code)
        raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _give_up(session, 0, data_code)
        raise smtplib.SMTPRecipientsRefused(refused)
    if data_code != 354:
        _give_up(session, data_code, data_code)
        raise smtplib.SMTPDataError(data_code, data_text)
    body = _LEADING_DOT.sub(b"..", data)
    if body[-2:] != b"\r\n":
        body += b"\r\n"
    session.send(body + b".\r\n")
    code, text = session.getreply()
    if code != 250:
        _give_up(session, code, 0)
        raise smtplib.SMTPDataError(code, text)
    return refused


def _give_up(session: smtplib.SMTP, code: int, data_code: int) -> None:
    """Leave the session clean for the next message, as smtplib does after a refusal: closed
    when the server is going away (421), else reset. A server that took DATA anyway is given
    an empty message's end first, which it must not deliver without recipients."""
    if code == 421:
        session.close()
        return
    if data_code == 354:
        session.send(b".\r\n")
        session.getreply()
    with contextlib.suppress(smtplib.SMTPServerDisconnected):  # the next opens a new session
        session.rset()
