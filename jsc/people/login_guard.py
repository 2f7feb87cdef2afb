"""Failed-login counting shared by the JWT login and the web login form.

Only failures count, so a midwife who logs in often is never locked out; a guesser
is, per client address and username, for LOGIN_FAILURE_WINDOW_SECONDS.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(request, username: object) -> str:
    ident = f"{request.META.get('REMOTE_ADDR', '')}|{str(username or '').lower()}"
    return "login-fail:" + hashlib.sha256(ident.encode()).hexdigest()


def is_blocked(request, username: object) -> bool:
    return cache.get(_key(request, username), 0) >= settings.LOGIN_FAILURE_LIMIT


def count_failure(request, username: object) -> None:
    key, window = _key(request, username), settings.LOGIN_FAILURE_WINDOW_SECONDS
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:
        # The window ran out between add() and incr(): this failure starts a new one.
        cache.add(key, 1, window)
