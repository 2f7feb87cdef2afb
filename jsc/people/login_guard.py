"""Failed-login counting shared by the JWT login and the web login form.

Only failures count, so a midwife who logs in often is never locked out. Two counters,
each for LOGIN_FAILURE_WINDOW_SECONDS (docs/security.md):

- per client address and username (LOGIN_FAILURE_LIMIT): a guesser of one password;
- per client address across usernames (LOGIN_ADDRESS_FAILURE_LIMIT): a spray of names.

Never per username alone: then anyone could lock a named doctor out of the app during
an emergency, from anywhere. Her own phone, at another address, still logs in while
an attacker's address is throttled. The address is DRF's client identity, which trusts
X-Forwarded-For only as far as NUM_PROXIES says.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


def _address(request) -> str:
    return BaseThrottle().get_ident(request) or ""


def _hashed(kind: str, ident: str) -> str:
    # Hashed: the key is bounded whatever the username, and no username sits in the cache.
    return f"login-fail:{kind}:" + hashlib.sha256(ident.encode()).hexdigest()


def _counters(request, username: object) -> list[tuple[str, int]]:
    address = _address(request)
    return [
        (
            _hashed("user", f"{address}|{str(username or '').lower()}"),
            settings.LOGIN_FAILURE_LIMIT,
        ),
        (_hashed("addr", address), settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    ]


def attempt_begin(request, username: object) -> list[str] | None:
    """Take one slot in each counter before the password is checked; the counters'
    keys, or None (429) when one of them is already full.

    Counting comes first so that a burst of attempts at the same moment cannot all look
    at a count below the limit and all go on: each slot is an atomic increment in the
    shared cache (Redis INCR; jsc.cache locks its files), and the attempt that finds the
    counter past its limit goes no further. A login that turns out not to be a failure
    gives its slots back (``attempt_not_failed``).
    """
    taken = []
    for key, limit in _counters(request, username):
        taken.append(key)
        if _increment(key) > limit:
            _release(taken)
            return None
    return taken


def attempt_not_failed(keys: list[str]) -> None:
    """The password was right, or the request was malformed: it was no failure."""
    _release(keys)


def _increment(key: str) -> int:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    while True:
        # add() starts the window; incr() never moves its end (jsc/cache.py).
        if cache.add(key, 1, window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            continue  # the window ran out between add() and incr(): start a new one


def _release(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:
            pass  # the window ran out meanwhile: nothing left to give back
