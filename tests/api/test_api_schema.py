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


def test_the_schema_says_what_the_server_does_for_a_generated_client(db):
    """Issue 18: what a client generator reads must be what the server does."""
    schema = json.loads(APIClient().get("/api/schema/?format=json").content)
    operations = {
        op["operationId"]: (method, path, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    }
    for _method, _path, op in operations.values():
        # JSON bodies only: one model under form and multipart too breaks generated clients.
        assert set(op.get("requestBody", {}).get("content", {"application/json": 1})) == {
            "application/json"
        }
        for code, response in op["responses"].items():
            if code >= "400":
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    # The defer actions answer 201, and name themselves as an integrator would.
    assert "201" in operations["agenda_items_defer"][2]["responses"]
    assert "201" in operations["topics_defer"][2]["responses"]
    assert "actions_sign_off" in operations
    assert not [
        name for name in operations if name.endswith("_create") and "{" in operations[name][1]
    ]
    # Errors: a write can be refused, forbidden, missing or in conflict.
    assert {"400", "401", "403", "404", "409"} <= set(
        operations["actions_partial_update"][2]["responses"]
    )
    # Anonymous access: optional at the top; only operations that need sign-in say so.
    assert {} in schema["security"]
    assert "security" not in operations["auth_token_obtain"][2]
    assert "security" not in operations["committees_list"][2]
    assert {} not in operations["actions_create"][2]["security"]
    assert {} not in operations["reminders_list"][2]["security"]
    # Filters typed as parsed.
    params = {p["name"]: p["schema"] for p in operations["actions_list"][2]["parameters"]}
    assert params["overdue"]["type"] == params["exempt"]["type"] == "boolean"
    assert params["municipal_year"]["type"] == "string"
    assert "-due_date" in params["ordering"]["enum"]
    items = {p["name"]: p["schema"] for p in operations["agenda_items_list"][2]["parameters"]}
    assert items["deferred_min"]["type"] == "integer"
    # Nullability as served: the public reads no email; a shell no status.
    components = schema["components"]["schemas"]
    assert components["Person"]["properties"]["email"]["nullable"] is True
    assert "nullable" not in components["PersonRequest"]["properties"]["email"]
    assert components["WorkProgrammeTopic"]["properties"]["status"]["nullable"] is True
    # One way to a committee: its slug, with its id beside it.
    for name in (
        "Action",
        "Resolution",
        "WorkProgrammeTopic",
        "Meeting",
        "Membership",
        "WorkProgramme",
        "Reminder",
    ):
        properties = components[name]["properties"]
        assert properties["committee"]["type"] == "string", name
        assert properties["committee_id"]["type"] == "integer", name
    assert "DecisionDecisionEnum" not in components
    assert {"DecisionEnum", "ExecutiveAnswerEnum", "Error"} <= set(components)


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
