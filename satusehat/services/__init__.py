"""The outbox's operations (HackSoft style, keyword-only): writing rows when the
registry records something (enqueue), sending them (send), pausing (pause)."""

from satusehat.services.enqueue import (
    outbox_enabled,
    outbox_muted,
    outbox_outcome_recorded,
    outbox_pregnancy_recorded,
    outbox_rows_resend,
    outbox_visit_recorded,
)
from satusehat.services.send import SendReport, outbox_send_due

__all__ = [
    "SendReport",
    "outbox_enabled",
    "outbox_muted",
    "outbox_outcome_recorded",
    "outbox_pregnancy_recorded",
    "outbox_rows_resend",
    "outbox_send_due",
    "outbox_visit_recorded",
]
