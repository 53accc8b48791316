"""Pages of the largest committee: `python -m bench.pages` on the large authority.

The committee page and the current work programme of the committee with the most actions,
rendered through Django's test client (the whole middleware and template stack, no network)
as a signed-in officer (staff, who see everything, the most to render). Median of 10 renders
after one warm-up, and the number of queries.
"""

import argparse
import statistics
import time

from bench.common import LARGE_DB, Results, load_average, setup_django

TARGET_MS = 200.0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=LARGE_DB)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_django(args.database)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from bench.api_load import endpoints
    from bench.authority import BENCH_USERNAME
    from committees.models import MunicipalYear, WorkProgramme

    res = Results("pages")
    committee, _, _, _ = endpoints()
    year = MunicipalYear.containing(committee.authority, committee.meetings.latest("date").date)
    programme = (
        WorkProgramme.objects.filter(committee=committee)
        .order_by("-municipal_year__start_date")
        .first()
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USERNAME))
    pages = {}
    for name, url_name, arg in (
        ("committee page", "tracker:committee", committee.slug),
        ("work programme", "tracker:work-programme", programme.pk if programme else None),
    ):
        if arg is None:
            res.note(f"{name}: the committee has no work programme; not measured.")
            continue
        try:
            pages[name] = reverse(url_name, args=[arg])
        except NoReverseMatch:
            res.note(f"{name}: no URL named {url_name} yet; not measured this run.")
    res.note(
        f"Largest committee {committee.slug} ({committee.actions.count():,} actions, "
        f"{committee.meetings.count()} meetings); programme {year.label}; signed in as staff; "
        f"Django test client, DEBUG off. Load: {load_average()}"
    )
    for name, path in pages.items():
        response = client.get(path)
        if response.status_code != 200:
            res.record(
                name, f"HTTP {response.status_code}", target=f"< {TARGET_MS:.0f} ms", passed=False
            )
            continue
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        res.record(
            f"{name} ({path})",
            round(median, 1),
            "ms",
            target=f"< {TARGET_MS:.0f} ms",
            passed=median < TARGET_MS,
            note=f"median of {args.repeat}; max {max(times):.0f} ms; {len(queries)} queries; "
            f"{len(response.content) / 1024:.0f} KB of HTML",
        )


if __name__ == "__main__":
    main()
