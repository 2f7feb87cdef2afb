"""What can go wrong talking to SATUSEHAT, in words a person can read.

Every message here is safe to store and to show: it names the HTTP status and what the
platform said, never a URL (the Patient search carries a NIK in its query) and never a
long number (a NIK echoed back in an OperationOutcome is cut out).
"""

from __future__ import annotations

import re

# A NIK is 16 digits; an IHS number or phone a dozen or so. Ids in messages are shorter.
_LONG_NUMBER = re.compile(r"\d{10,}")
MAX_TEXT = 500


def safe_text(text: str) -> str:
    """``text`` without long numbers, on one line, at most MAX_TEXT characters."""
    text = " ".join(_LONG_NUMBER.sub("…", text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class SatusehatError(Exception):
    """Base class; ``str(error)`` is safe to store and show."""

    def __init__(self, reason: str) -> None:
        super().__init__(safe_text(reason))
        self.reason = safe_text(reason)


class CredentialsRefused(SatusehatError):
    """The platform refused our client id and secret (or the token they gave): every
    call would fail the same way, so the caller pauses instead of trying row by row."""


class Refused(SatusehatError):
    """A 4xx about this request: the platform will refuse it again unchanged.

    ``text`` is the OperationOutcome's own words (issue details or diagnostics).
    """

    def __init__(self, status: int, text: str) -> None:
        self.status = status
        self.text = safe_text(text) or f"HTTP {status}"
        super().__init__(f"SATUSEHAT refused it (HTTP {status}): {self.text}")


class Unavailable(SatusehatError):
    """No usable answer (5xx, a timeout, no connection) after the client's own retries.

    ``retry_after`` is the seconds the platform asked us to wait, when it said.
    """

    def __init__(self, reason: str, *, status: int | None = None, retry_after=None) -> None:
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


class RateLimited(Unavailable):
    """429: the platform asks us to slow down (``retry_after`` seconds, when it said)."""


def outcome_text(body) -> str:
    """The words of an OperationOutcome (or of a plain error body), joined."""
    if not isinstance(body, dict):
        return ""
    words = []
    for issue in body.get("issue") or []:
        if not isinstance(issue, dict):
            continue
        details = issue.get("details") or {}
        text = details.get("text") if isinstance(details, dict) else None
        if not text and isinstance(details, dict):
            codings = details.get("coding") or []
            text = "; ".join(
                str(c.get("display") or c.get("code"))
                for c in codings
                if isinstance(c, dict) and (c.get("display") or c.get("code"))
            )
        text = text or issue.get("diagnostics") or issue.get("code") or ""
        if text:
            words.append(str(text))
    if not words:
        # OAuth and gateway errors are not OperationOutcomes.
        for key in ("error_description", "Error", "error", "message", "fault"):
            value = body.get(key)
            if isinstance(value, str) and value:
                words.append(value)
                break
    return "; ".join(words)
