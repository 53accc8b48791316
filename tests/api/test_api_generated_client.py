"""A client generated from /api/schema/ by openapi-python-client works as generated.

As a council's integrator would: the schema is fetched from the running server, a client is
generated from it (offline: the generator is a dev dependency, and reads the file), the
package passes ruff's F rules and imports whole, and a journey through it against the live
server succeeds: a token, committees, overdue actions, an update recorded, an item deferred
(reported as the success it is), the deferrals listed, and an error read in its one shape.
"""

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.builders import build_world

BIN = Path(sys.executable).parent
PACKAGE = "tracker_client"


@pytest.fixture
def world(transactional_db):
    """Built for each test and committed: the live server reads it from its own thread."""
    return build_world()


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package generated from the live server's schema, importable."""
    schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    path = tmp_path / "schema.json"
    path.write_bytes(schema.content)
    made = subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            path,
            "--output-path",
            tmp_path / PACKAGE,
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        # Its post-hooks run ruff, which lives beside this Python.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Warning" not in made.stdout + made.stderr, made.stdout + made.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path / PACKAGE
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_generated_client_is_clean_and_every_module_imports(world, generated):
    checked = subprocess.run(
        [BIN / "ruff", "check", "--isolated", "--select", "F", "--no-cache", generated],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    package = importlib.import_module(PACKAGE)
    modules = [
        importlib.import_module(found.name)
        for found in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")
    ]
    endpoints = [module for module in modules if module.__name__.count(".") == 3]
    assert len(endpoints) >= 80
    assert all(hasattr(module, "sync_detailed") for module in endpoints)
    names = {module.__name__.rsplit(".", 1)[1] for module in endpoints}
    assert {"agenda_items_defer", "actions_sign_off", "auth_token_obtain"} <= names
    assert not [name for name in names if name.endswith("_create") and "_create" in name[:-7]]


def test_an_integrators_journey_through_the_generated_client(world, generated, live_server):
    from tracker_client import AuthenticatedClient, Client
    from tracker_client.api.action_updates import action_updates_create
    from tracker_client.api.actions import actions_list
    from tracker_client.api.agenda_items import agenda_items_defer, agenda_items_retrieve
    from tracker_client.api.auth import auth_token_obtain
    from tracker_client.api.committees import committees_list
    from tracker_client.api.deferrals import deferrals_list
    from tracker_client.models import (
        ActionUpdateRequest,
        AuthTokenRequest,
        DeferRequest,
        Error,
        RAGEnum,
    )

    # Anonymous: the token is had without one, and public reads need none.
    public = Client(base_url=live_server.url, raise_on_unexpected_status=True)
    token = auth_token_obtain.sync(
        client=public, body=AuthTokenRequest(username="priya", password="priya-pass")
    )
    assert token.token == world.tokens["staff"]
    committees = committees_list.sync(client=public)
    assert {row.slug for row in committees.results} == {"childrens-services", "health"}

    officer = AuthenticatedClient(
        base_url=live_server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )
    overdue = actions_list.sync(client=officer, overdue=True, committee="childrens-services")
    assert world.dev_action.pk in {row.id for row in overdue.results}
    assert all(row.days_late > 0 for row in overdue.results)
    assert {row.committee for row in overdue.results} == {"childrens-services"}

    update = action_updates_create.sync(
        client=officer,
        body=ActionUpdateRequest(
            action=world.dev_action.pk, text="Figures received; report drafted.", rag=RAGEnum.GREEN
        ),
    )
    assert (update.action, update.rag, update.recorded_by) == (
        world.dev_action.pk,
        RAGEnum.GREEN,
        "priya",
    )

    deferred = agenda_items_defer.sync_detailed(
        world.public_item.pk,
        client=officer,
        body=DeferRequest(to_text="not yet known", reason="The report is not ready."),
    )
    assert deferred.status_code == 201
    assert (deferred.parsed.agenda_item, deferred.parsed.to_text) == (
        world.public_item.pk,
        "not yet known",
    )

    listed = deferrals_list.sync(client=officer, agenda_item=world.public_item.pk)
    assert deferred.parsed.id in {row.id for row in listed.results}

    # An error comes back in its one documented shape.
    missing = agenda_items_retrieve.sync_detailed(10**9, client=public)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Error) and missing.parsed.detail
    refused = action_updates_create.sync_detailed(
        client=officer, body=ActionUpdateRequest(action=world.dev_action.pk, text="")
    )
    assert refused.status_code == 400
    assert isinstance(refused.parsed, Error)
    assert refused.parsed.additional_properties["text"]
