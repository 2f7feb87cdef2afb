"""Keep device tokens and query strings out of the logs.

A path names at most a device token's last six characters; gunicorn's own error lines
name no query string.

``DELETE /api/v1/devices/{token}/`` carries a whole FCM registration token in its path,
and a token is a credential for pushing to that phone. The path reaches two logs:
gunicorn's access log (see ``jsc.gunicorn_conf``) and Django's ``django.request``
warnings ("Not Found: /api/v1/devices/<token>/"), which ``RedactPathsFilter`` on the
console handler rewrites.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

# The segment after /api/v1/devices/, up to the next "/", query, fragment, space or
# quote, so it is found inside a bare path, a request line or a whole log message.
_DEVICE_TOKEN = re.compile(r"(/api/v1/devices/)([^/?#\s\"']+)")
SHOWN = 6
# A query string as gunicorn quotes it in an error: from "?" to the next space or quote.
_QUERY = re.compile(r"\?[^\s\"']*")


def _shorten(match: re.Match) -> str:
    return f"{match.group(1)}…{match.group(2)[-SHOWN:]}"


def redact_path(path: str) -> str:
    """``path`` with a device token shortened to "…" and its last six characters.

    Applying it twice changes nothing more, so a record may pass through it again.
    """
    return _DEVICE_TOKEN.sub(_shorten, path)


def redact_query(text: str) -> str:
    """``text`` with every query string cut to "?…".

    gunicorn names the request line it could not parse ("Invalid HTTP request line:
    'GET /api/v1/pregnancies/?search=<a NIK>'"), and the contract's ``?search=`` may
    carry a NIK; its access log already leaves query strings out (jsc.gunicorn_conf).
    """
    return _QUERY.sub("?…", text)


def _redact(value):
    return redact_path(value) if isinstance(value, str) else value


class RedactPathsFilter(logging.Filter):
    """Rewrites a record's message and string arguments with ``redact_path``."""

    def redact(self, value):
        return _redact(value)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: self.redact(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self.redact(arg) for arg in record.args)
        return True


class RedactRequestLinesFilter(RedactPathsFilter):
    """For gunicorn's error log: device tokens shortened and query strings cut."""

    def redact(self, value):
        return redact_query(_redact(value)) if isinstance(value, str) else value
