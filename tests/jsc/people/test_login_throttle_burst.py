"""A burst of wrong logins at the same moment passes exactly the limit, no more
(docs/security.md, "Login throttling"): the counters are taken before the password is
checked, atomically, so no attempt sees a count the others have not added to yet.

The test server runs each request on a thread of its own, with the suite's shared cache,
so the attempts, released together, race through the real view and guard."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "/api/v1/auth/token/"


def burst(base: str, usernames: list[str]) -> list[int]:
    """One wrong login per username, every thread released at the same instant."""
    start = threading.Barrier(len(usernames))

    def attempt(username: str) -> int:
        body = json.dumps({"username": username, "password": "wrong"}).encode()
        request = urllib.request.Request(
            base + TOKEN, data=body, headers={"Content-Type": "application/json"}
        )
        start.wait()
        try:
            return urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(len(usernames)) as pool:
        return list(pool.map(attempt, usernames))


def test_twenty_wrong_logins_at_once_for_one_user_pass_exactly_the_limit(live_server, ana):
    statuses = burst(live_server.url, ["ana"] * 20)

    limit = settings.LOGIN_FAILURE_LIMIT
    assert sorted(statuses) == [401] * limit + [429] * (20 - limit)


def test_twenty_wrong_logins_at_once_for_twenty_names_pass_exactly_the_address_limit(
    live_server, ana
):
    statuses = burst(live_server.url, [f"user{i}" for i in range(20)])

    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert sorted(statuses) == [401] * limit + [429] * (20 - limit)


def test_after_the_burst_the_right_password_is_refused_too(live_server, ana):
    burst(live_server.url, ["ana"] * 20)

    assert burst(live_server.url, ["ana"]) == [429]
