"""A backend that writes pushes to the log: used when FIREBASE_CREDENTIALS is unset."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

from .base import PushMessage, PushOutcome, PushResult, oversize_result, token_hint

logger = logging.getLogger("notifications.push")

# The contract's data keys (docs/alerts.md, "Why it is built this way"): opaque ids, the
# milestone and the risk band, fine to log. Any other key is logged by name only, in case
# someone ever puts a personal detail in it.
LOGGABLE_DATA_KEYS = frozenset({"alert_id", "pregnancy_id", "milestone", "risk_band"})

_counter = itertools.count(1)


class LogBackend:
    name = "log"

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results = []
        for message in messages:
            rejected = oversize_result(message)
            if rejected is not None:
                logger.warning("push not sent to %s: %s", token_hint(message.token), rejected.error)
                results.append(rejected)
                continue
            message_id = f"log/{next(_counter)}"
            # Title and body are not logged: they are meant for the doctor, not for log readers.
            logger.info(
                "push %s to %s data=%s",
                message_id,
                token_hint(message.token),
                _describe_data(message.data),
            )
            results.append(
                PushResult(message=message, outcome=PushOutcome.SENT, message_id=message_id)
            )
        return results


def _describe_data(data: dict[str, str]) -> str:
    parts = [
        f"{key}={value}" if key in LOGGABLE_DATA_KEYS else key
        for key, value in sorted(data.items())
    ]
    return "{" + ", ".join(parts) + "}"
