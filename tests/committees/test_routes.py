"""Paths filled in from a route reversed once are the paths reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from committees.routes import path_to

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("tracker:action", 42),
        ("tracker:meeting", 7),
        ("tracker:committee", "childrens-services-os"),
        ("tracker:action-update-link", "eyJhY3Rpb24iOjF9:1vQx2a:Zk3-_q9"),
        ("tracker:action-update-link", "a token with spaces"),  # quoted: left to reverse
    ],
)
def test_a_path_filled_in_is_the_path_reverse_gives(name, arg):
    assert path_to(name, arg) == reverse(name, args=[arg])


def test_it_follows_the_script_prefix_the_site_is_served_under():
    try:
        set_script_prefix("/scrutiny/")
        assert path_to("tracker:action", 42) == "/scrutiny/actions/42/"
    finally:
        set_script_prefix("/")
    assert path_to("tracker:action", 42) == "/actions/42/"


def test_an_argument_the_route_refuses_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        path_to("tracker:committee", "a name with spaces")
