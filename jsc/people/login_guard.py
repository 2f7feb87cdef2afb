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


def is_blocked(request, username: object) -> bool:
    counters = _counters(request, username)
    counts = cache.get_many([key for key, _ in counters])
    return any(counts.get(key, 0) >= limit for key, limit in counters)


def count_failure(request, username: object) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key, _ in _counters(request, username):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            # The window ran out between add() and incr(): this failure starts a new one.
            cache.add(key, 1, window)
