"""The outbox's state in words, for the status API and page (Bahasa Indonesia by
default, English with Accept-Language: en)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satusehat.models import OutboxRow, PauseReason, RowState, WaitingFor

WAITING_WORDS = {
    WaitingFor.PARENT: gettext_lazy(
        "Waits for the record it belongs to (its episode or visit) to reach SATUSEHAT."
    ),
    WaitingFor.PATIENT_UNKNOWN: gettext_lazy(
        "SATUSEHAT's patient index does not know the mother's NIK yet; asked again every day."
    ),
    WaitingFor.FACILITY_IDS: gettext_lazy(
        "The facility has no SATUSEHAT organization id or location id; an admin sets them."
    ),
    WaitingFor.PRACTITIONER_ID: gettext_lazy(
        "The midwife or doctor who recorded the visit has no SATUSEHAT practitioner id; "
        "an admin sets it."
    ),
    WaitingFor.CREDENTIALS: gettext_lazy(
        "SATUSEHAT refused the service's credentials; sending is paused and resumes by itself "
        "once they work."
    ),
    WaitingFor.RATE_LIMITED: gettext_lazy(
        "SATUSEHAT asked the service to slow down; it is sent again shortly."
    ),
}

# The same, in a few words, for counts ("3 NIK belum dikenal").
WAITING_SHORT = {
    WaitingFor.PARENT: gettext_lazy("for the record they belong to"),
    WaitingFor.PATIENT_UNKNOWN: gettext_lazy("NIK not in the patient index"),
    WaitingFor.FACILITY_IDS: gettext_lazy("facility ids missing"),
    WaitingFor.PRACTITIONER_ID: gettext_lazy("practitioner id missing"),
    WaitingFor.CREDENTIALS: gettext_lazy("credentials refused"),
    WaitingFor.RATE_LIMITED: gettext_lazy("asked to slow down"),
}

PAUSE_WORDS = {
    PauseReason.CREDENTIALS: gettext_lazy(
        "SATUSEHAT refused the client id and secret (SATUSEHAT_CLIENT_ID, "
        "SATUSEHAT_CLIENT_SECRET). Nothing is sent until they work again; every record waits "
        "and none is lost."
    ),
    PauseReason.RATE_LIMITED: gettext_lazy(
        "SATUSEHAT asked the service to slow down; sending goes on after the pause."
    ),
}


def row_problem(row: OutboxRow | None) -> str | None:
    """What stands in the row's way, in words; None when nothing does."""
    if row is None:
        return None
    if row.state == RowState.WAITING:
        return str(WAITING_WORDS[row.waiting_for])
    if row.state == RowState.FAILED:
        return _("SATUSEHAT did not accept the %(resource)s: %(error)s") % {
            "resource": row.resource_type,
            "error": row.last_error,
        }
    if row.last_error:
        return _("The %(resource)s is not sent yet and is tried again by itself: %(error)s") % {
            "resource": row.resource_type,
            "error": row.last_error,
        }
    return None
