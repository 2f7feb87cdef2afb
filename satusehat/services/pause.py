"""The pause: while SATUSEHAT refuses our credentials or asks us to slow down, no row
is sent. docs/satusehat.md, "When SATUSEHAT says no".

Refused credentials are nobody's row's fault: every pending row waits (state
``waiting``, for ``credentials``), the admin is told once (an error in the log, and the
status page and API say so from then on), and after
``SATUSEHAT_CREDENTIAL_PAUSE_SECONDS`` the next run asks for a token again; the first
one given resumes everything. Nothing is lost: rows only wait.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from satusehat.client import CredentialsRefused, SatusehatClient, Unavailable
from satusehat.models import OutboxRow, PauseReason, RowState, SendPause, WaitingFor

logger = logging.getLogger(__name__)


def _credential_pause() -> timedelta:
    return timedelta(seconds=settings.SATUSEHAT_CREDENTIAL_PAUSE_SECONDS)


def pause_begin(*, reason: str, detail: str, now: datetime, until: datetime | None = None) -> None:
    until = until or now + _credential_pause()
    with transaction.atomic():
        pause, created = SendPause.objects.select_for_update().get_or_create(
            pk=1, defaults={"reason": reason, "since": now, "until": until, "detail": detail}
        )
        if not created:
            if pause.reason != reason:
                pause.reason, pause.since, pause.told_at = reason, now, None
            pause.until, pause.detail = max(pause.until, until), detail
        if reason == PauseReason.CREDENTIALS:
            OutboxRow.objects.filter(state=RowState.PENDING).update(
                state=RowState.WAITING, waiting_for=WaitingFor.CREDENTIALS, updated_at=now
            )
            if pause.told_at is None:
                pause.told_at = now
                logger.error(
                    "satusehat: SATUSEHAT refused our credentials (SATUSEHAT_CLIENT_ID and "
                    "SATUSEHAT_CLIENT_SECRET); nothing is sent until they work again, tried "
                    "every %s s. Every row waits; none is lost.",
                    settings.SATUSEHAT_CREDENTIAL_PAUSE_SECONDS,
                )
        pause.save()


def pause_holds(*, client: SatusehatClient, now: datetime) -> bool:
    """Whether nothing may be sent now; ends a pause whose time is up, if it may."""
    pause = SendPause.objects.filter(pk=1).first()
    if pause is None:
        return False
    if pause.until > now:
        return True
    if pause.reason == PauseReason.CREDENTIALS:
        client.forget_token()
        try:
            client.access_token()
        except CredentialsRefused as exc:
            pause_begin(reason=PauseReason.CREDENTIALS, detail=exc.reason, now=now)
            return True
        except Unavailable:
            return True  # no answer either way: ask again on the next run
    with transaction.atomic():
        resumed = OutboxRow.objects.filter(
            state=RowState.WAITING, waiting_for=WaitingFor.CREDENTIALS
        ).update(state=RowState.PENDING, waiting_for=WaitingFor.NOTHING, next_attempt_at=now)
        SendPause.objects.filter(pk=1).delete()
    if pause.reason == PauseReason.CREDENTIALS:
        logger.warning("satusehat: credentials accepted again; %s rows resume", resumed)
    return False
