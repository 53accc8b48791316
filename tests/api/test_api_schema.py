"""The OpenAPI schema is valid, and a bounded schemathesis run against it finds no server error.

The fuzz run signs in as Priya (staff) with a token, so every operation, including the
writes, is reached with data generated from the schema; each operation gets FUZZ_EXAMPLES
generated requests, derandomized so that a failure reproduces.
"""

import json
import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error

from tracker.api.urls import router

# Ten per operation keeps the run near a minute on two cores; set API_FUZZ_EXAMPLES for more.
FUZZ_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


def test_the_schema_is_valid_openapi_3_naming_every_endpoint(db):
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on any violation of the OpenAPI 3.0 meta-schema
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {f"/api/{prefix}/" for prefix, _viewset, _basename in router.registry} <= paths
    assert {
        "/api/agenda-items/{id}/defer/",
        "/api/agenda-items/{id}/report-submitted/",
        "/api/topics/{id}/defer/",
        "/api/actions/{id}/sign-off/",
        "/api/executive-responses/{id}/respond/",
        "/api/committees/{slug}/",
        "/api/auth/token/",
    } <= paths


def test_the_docs_page_is_served_from_our_own_files(db):
    page = APIClient().get("/api/docs/")
    assert page.status_code == 200
    assert b"/api/schema/" in page.content
    assert b"cdn.jsdelivr" not in page.content


def aimed(operation, known: dict[str, list]):
    """The operation's cases, with detail addresses mostly at rows that exist (random ids
    would nearly all answer 404 and test little)."""
    prefix = operation.path.split("/")[2]
    key = "slug" if prefix == "committees" else "id"
    strategy = operation.as_strategy()
    if "{" + key + "}" not in operation.path or not known.get(prefix):
        return strategy

    def aim(case_and_key):
        case, value = case_and_key
        if value is not None:
            case.path_parameters = {**(case.path_parameters or {}), key: value}
        return case

    return st.tuples(strategy, st.sampled_from([*known[prefix], None])).map(aim)


@pytest.fixture
def connection_kept_open():
    """Keep the test's database connection across the WSGI requests, as Django's test client
    does: the request signals would otherwise close it mid-transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error(world, connection_kept_open):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    headers = {"Authorization": f"Token {world.tokens['staff']}"}
    known = {
        prefix: sorted(
            viewset.serializer_class.Meta.model.objects.values_list(
                getattr(viewset, "lookup_field", "pk"), flat=True
            )
        )
        for prefix, viewset, _basename in router.registry
    }
    examples: dict[str, int] = {}
    server_errors = []
    statuses: Counter[int] = Counter()
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        examples[operation.label] = 0

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=aimed(operation, known))
        def fuzz(case):
            label = case.operation.label
            examples[label] += 1
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append((label, case.path_parameters, case.query, case.body))
            else:
                case.validate_response(response, checks=[not_a_server_error], headers=headers)

        fuzz()

    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {len(examples)} operations, {sum(examples.values())} examples, "
        f"{elapsed:.1f} s; statuses {sorted(statuses.items())}"
    )
    assert server_errors == []
    assert len(examples) >= 80
    assert min(examples.values()) >= 1
    # The run reaches past validation: some generated writes are accepted.
    assert statuses[200] + statuses[201] + statuses[204] > len(examples)
