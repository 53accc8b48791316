"""The API tests' world: the cast and business of tests/builders.py, built once per module
(each test's changes are rolled back to it)."""

from tests.builders import build_world, world_built_once_per_module

world_as_built, world = world_built_once_per_module(build_world)
