"""Password guessing on the sign-in forms is slowed to API_LOGIN_RATE per address."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def two_attempts_a_minute(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"login": "2/minute"})
    # The clock stands still, so the wait it announces is exactly the window.
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: 1_800_000_000.0)
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_it_refuses_the_third_attempt_in_a_minute(client, dev, two_attempts_a_minute, path):
    wrong = {"username": "dev", "password": "not-his-password"}
    assert client.post(path, wrong).status_code == 200
    assert client.post(path, wrong).status_code == 200
    refused = client.post(path, {"username": "dev", "password": "dev-pass"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many attempts to sign in" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_counts_each_address_apart(client, dev, two_attempts_a_minute):
    wrong = {"username": "dev", "password": "not-his-password"}
    for _ in range(2):
        client.post("/accounts/login/", wrong, REMOTE_ADDR="10.0.0.1")
    signed_in = client.post(
        "/accounts/login/", {"username": "dev", "password": "dev-pass"}, REMOTE_ADDR="10.0.0.2"
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(dev.user.pk)


def test_it_leaves_reading_the_form_alone(client, two_attempts_a_minute):
    for _ in range(3):
        assert client.get("/accounts/login/").status_code == 200
