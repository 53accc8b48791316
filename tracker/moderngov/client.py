"""The modern.gov web service (`<address>/mgWebService.asmx/<Method>`), asked over HTTP GET.

Every question is bounded: a connect and read timeout, an overall deadline, and a cap on the
size of the answer read (a larger one is refused, not loaded); and all the questions of one
sync share a budget of time, so a service that hangs holds a worker for minutes, not hours. A fault (timeout, refused
connection, an error status, an answer that is malformed, cut short or in another shape) is
asked again, a few times with a growing pause, then raised as `ServiceFault` saying what
happened; nothing is used from an answer that was not read whole.
"""

import datetime as dt
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests

from tracker.moderngov import answers
from tracker.moderngov.answers import ServiceFault

T = TypeVar("T")

USER_AGENT = "scrutiny-tracker (modern.gov sync)"


class AnswerTooLarge(ServiceFault):
    pass


@dataclass
class WebService:
    base_url: str
    timeout: float = 20.0  # seconds to connect, and between bytes of the answer
    deadline: float = 60.0  # seconds for a whole answer
    max_bytes: int = 5_000_000
    attempts: int = 3
    pause: float = 2.0  # before the second attempt; doubled each time
    budget: float = 600.0  # seconds for all the questions of one sync, retries included
    session: requests.Session = field(default_factory=requests.Session)
    asked: int = 0  # questions put, attempts included
    started: float | None = None

    @property
    def address(self) -> str:
        return self.base_url.rstrip("/") + "/mgWebService.asmx"

    # --- The questions ---------------------------------------------------------------------

    def committees(self) -> list[answers.CommitteeEntry]:
        return self.ask("GetCommittees", {}, answers.committees)

    def meetings(
        self, committee_id: int, date_from: dt.date, date_to: dt.date
    ) -> list[answers.MeetingEntry]:
        params = {
            "lCommitteeId": committee_id,
            "sFromDate": f"{date_from:%d/%m/%Y}",
            "sToDate": f"{date_to:%d/%m/%Y}",
        }
        return self.ask("GetMeetings", params, lambda body: answers.meetings(body, committee_id))

    def meeting(self, meeting_id: int) -> answers.MeetingEntry:
        return self.ask(
            "GetMeeting", {"lMeetingId": meeting_id}, lambda body: answers.meeting(body, meeting_id)
        )

    # --- Asking, with retries ----------------------------------------------------------------

    def ask(self, method: str, params: dict, read: Callable[[bytes], T]) -> T:
        """Ask `method` and read its answer; on a fault, ask again up to `attempts` times."""
        fault = None
        if self.started is None:
            self.started = clock.monotonic()
        for attempt in range(1, self.attempts + 1):
            if attempt > 1 and self.pause:
                clock.sleep(self.pause * 2 ** (attempt - 2))
            if clock.monotonic() - self.started > self.budget:
                # A slow or hanging service never holds a worker for long: the rest waits
                # for the next run.
                raise ServiceFault(
                    f"{method}: not asked, the sync's {self.budget:g} s were used up"
                )
            self.asked += 1
            try:
                return read(self.fetch(method, params))
            except ServiceFault as exc:
                fault = exc
                if not exc.retry:
                    break
        said = f"{method}({', '.join(f'{k}={v}' for k, v in params.items())})"
        raise ServiceFault(f"{said}: {fault} (asked {attempt} time{'s' * (attempt > 1)})")

    def fetch(self, method: str, params: dict) -> bytes:
        url = f"{self.address}/{method}"
        started = clock.monotonic()
        try:
            with self.session.get(
                url,
                params=params,
                timeout=(self.timeout, self.timeout),
                stream=True,
                allow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept": "text/xml"},
            ) as response:
                if response.is_redirect:
                    fault = ServiceFault(
                        f"HTTP {response.status_code} from {url}: the service is at "
                        f"{response.headers.get('Location', 'another address')[:200]}; give "
                        "that site's address on the authority"
                    )
                    fault.retry = False
                    raise fault
                if response.status_code != 200:
                    fault = ServiceFault(f"HTTP {response.status_code} from {url}")
                    # A page or a method that is not there will not appear on a second try.
                    fault.retry = response.status_code >= 500 or response.status_code in (408, 429)
                    raise fault
                body = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise AnswerTooLarge(
                            f"the answer from {url} is larger than {self.max_bytes:,} bytes"
                        )
                    if clock.monotonic() - started > self.deadline:
                        raise ServiceFault(f"{url} took longer than {self.deadline:g} s to answer")
                return bytes(body)
        except requests.Timeout:
            raise ServiceFault(f"{url} did not answer within {self.timeout:g} s") from None
        except requests.ConnectionError as exc:
            reason = (
                "the connection was refused"
                if "refused" in str(exc).lower()
                else "it could not be reached"
            )
            raise ServiceFault(f"{url}: {reason}") from None
        except requests.RequestException as exc:
            raise ServiceFault(f"{url}: {type(exc).__name__}") from None
