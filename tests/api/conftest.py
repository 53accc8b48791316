"""The API tests' world: the cast and business of tests/builders.py, built for each test."""

import pytest

from tests.builders import build_world


@pytest.fixture
def world(db):
    return build_world()
