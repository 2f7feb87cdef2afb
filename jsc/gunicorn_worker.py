"""gunicorn's sync worker, answering its own request limits as the API answers errors.

gunicorn refuses a request line longer than 4094 bytes (414), more than 100 headers or
a header longer than 8190 bytes (431) before Django sees the request, with a small HTML
page. The apps read ``detail`` from every 4xx under /api/ (docs/conventions.md), so this
worker writes those two answers as ``{"detail": "..."}`` JSON instead, whatever the path:
the path itself may be what was too long. gunicorn stopped reading before the headers
that name a language, so the text is in the service's default language, Bahasa Indonesia.
Any other error gunicorn answers itself is left to gunicorn. docs/security.md, "Limits
of a request".
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.sync import SyncWorker

# gunicorn's status and reason for each limit, as gunicorn itself answers them.
LIMITS = {
    LimitRequestLine: (414, "URI Too Long"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large"),
}


def limit_detail(exc: Exception) -> str:
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, LimitRequestLine):
            return gettext("The request line (the method and the address) is too long.")
        return gettext("The request's headers are too many or too long.")


def limit_answer(exc: Exception) -> bytes | None:
    """The whole HTTP answer for a request over one of gunicorn's limits, else None."""
    found = next((answer for kind, answer in LIMITS.items() if isinstance(exc, kind)), None)
    if found is None:
        return None
    status, reason = found
    body = json.dumps({"detail": limit_detail(exc)}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class JsonErrorWorker(SyncWorker):
    def handle_error(self, req, client, addr, exc):
        answer = limit_answer(exc)
        if answer is None:
            return super().handle_error(req, client, addr, exc)
        # As gunicorn logs it; the error names sizes only, never the request's content.
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, answer)
        except Exception:
            self.log.debug("Failed to send error message.")
