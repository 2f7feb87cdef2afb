"""Sending the outbox: claim a due row, do what it asks of SATUSEHAT, settle it.

Rows go one at a time, lowest rank first (the patient, the episode, the encounters,
then their observations and conditions), each claimed with ``SELECT ... FOR UPDATE
SKIP LOCKED`` and a lease, so two workers never send one row and a dead worker's row
goes out again once its lease runs out. A resource is sent once: it carries the
facility's identifier, and a row that has no SATUSEHAT id yet searches by it before
creating, so a send repeated after a crash finds the first copy and updates it.
docs/satusehat.md, "Sending".
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q

from satusehat.build import Gone, Lookup, Send, Wait, plan_for
from satusehat.client import (
    CredentialsRefused,
    RateLimited,
    Refused,
    SatusehatClient,
    Unavailable,
)
from satusehat.codes import NIK_SYSTEM
from satusehat.models import OutboxRow, ResourceType, RowState, WaitingFor
from satusehat.resources import InvalidResource, digest, validated
from satusehat.services.enqueue import outbox_rows_resend
from satusehat.services.pause import pause_begin, pause_holds

logger = logging.getLogger(__name__)

# A 5xx or no answer: the row is tried again after 1, 2, 4 ... minutes, at most an hour.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
# A 429 without Retry-After waits this long.
RATE_LIMIT_WAIT = timedelta(seconds=60)
# Rows waiting for a facility's or a staff member's ids are looked at again this often
# (an admin setting them wakes them at once: satusehat/receivers.py).
IDS_RECHECK = timedelta(hours=1)


@dataclass
class SendReport:
    counts: dict[str, int] = field(default_factory=dict)
    # Why the run stopped early: "credentials", "rate_limited", "unavailable" or "".
    stopped: str = ""
    # The time budget ran out with rows still due.
    more: bool = False

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


def outbox_send_due(
    *,
    client: SatusehatClient,
    today: date,
    clock: Callable[[], datetime],
    budget_seconds: float = 50.0,
) -> SendReport:
    """Send what is due until nothing is, the budget is spent, or SATUSEHAT says stop."""
    report = SendReport()
    now = clock()
    if pause_holds(client=client, now=now):
        report.stopped = "paused"
        return report
    _wake(now=now, today=today)
    lease = timedelta(seconds=settings.SATUSEHAT_CLAIM_LEASE_SECONDS)
    deadline = time.monotonic() + budget_seconds
    while True:
        if time.monotonic() > deadline:
            report.more = True
            break
        row = _claim(now=clock(), lease=lease)
        if row is None:
            break
        stop = _send_one(row, client=client, today=today, clock=clock, report=report)
        if stop:
            report.stopped = stop
            break
    return report


def _wake(*, now: datetime, today: date) -> None:
    """Rows whose parent has its id (a settle the enqueue raced), and resources the
    calendar changes today (an episode reaching 44 weeks with no outcome)."""
    OutboxRow.objects.filter(
        state=RowState.WAITING, waiting_for=WaitingFor.PARENT, depends_on__satusehat_id__gt=""
    ).update(state=RowState.PENDING, waiting_for=WaitingFor.NOTHING, next_attempt_at=now)
    due = OutboxRow.objects.filter(resend_on__lte=today)
    if due.exists():
        with transaction.atomic():
            outbox_rows_resend(due, now=now)
            due.update(resend_on=None)


def _claim(*, now: datetime, lease: timedelta) -> OutboxRow | None:
    with transaction.atomic():
        row = (
            OutboxRow.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state__in=[RowState.PENDING, RowState.WAITING], next_attempt_at__lte=now)
            .exclude(waiting_for__in=[WaitingFor.PARENT, WaitingFor.CREDENTIALS])
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .select_related("depends_on")
            .order_by("rank", "next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        row.claimed_until = now + lease
        OutboxRow.objects.filter(pk=row.pk).update(claimed_until=row.claimed_until)
        return row


def _send_one(row, *, client, today, clock, report: SendReport) -> str:
    """Do what the row asks and settle it; what stops the run ("" to go on)."""
    try:
        plan = plan_for(row, today=today)
        if isinstance(plan, Gone):
            _settle(row, clock(), state=RowState.FAILED, error="its record no longer exists")
            report.add("failed")
        elif isinstance(plan, Wait):
            _wait(row, clock(), plan.waiting_for)
            report.add("waiting")
        elif isinstance(plan, Lookup):
            _look_up(row, client, plan.nik, clock, report)
        else:
            _send(row, client, plan, clock, report)
    except CredentialsRefused as exc:
        _wait(row, clock(), WaitingFor.CREDENTIALS)
        pause_begin(reason="credentials", detail=exc.reason, now=clock())
        return "credentials"
    except RateLimited as exc:
        now = clock()
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else RATE_LIMIT_WAIT
        _wait(row, now, WaitingFor.RATE_LIMITED, retry_at=now + wait)
        pause_begin(reason="rate_limited", detail=exc.reason, now=now, until=now + wait)
        return "rate_limited"
    except Unavailable as exc:
        _retry(row, clock(), exc)
        report.add("retry")
        return "unavailable"  # an outage is met once per run, not once per row
    except DatabaseError:
        raise  # the task's retry, and the lease, take care of the row
    except (Refused, InvalidResource) as exc:
        error = f"HTTP {exc.status}: {exc.text}" if isinstance(exc, Refused) else str(exc)
        _settle(row, clock(), state=RowState.FAILED, error=error, attempt=True)
        logger.warning(
            "satusehat: %s row %s refused%s",
            row.resource_type,
            row.pk,
            f" (HTTP {exc.status})" if isinstance(exc, Refused) else " (not valid FHIR R4)",
        )
        report.add("failed")
    except Exception as exc:
        # A bug of ours with this one row: it must not hold up every row after it.
        _settle(row, clock(), state=RowState.FAILED, error=f"not built ({type(exc).__name__})")
        logger.exception("satusehat: %s row %s could not be sent", row.resource_type, row.pk)
        report.add("failed")
    return ""


def _look_up(row, client, nik: str, clock, report: SendReport) -> None:
    found = client.search("Patient", {"identifier": f"{NIK_SYSTEM}|{nik}"})
    now = clock()
    if not found:
        retry_at = now + timedelta(hours=settings.SATUSEHAT_PATIENT_RETRY_HOURS)
        _wait(row, now, WaitingFor.PATIENT_UNKNOWN, retry_at=retry_at)
        logger.info("satusehat: Patient row %s not in the national index yet", row.pk)
        report.add("waiting")
        return
    ihs = str(found[0]["id"])
    _sent(row, now, satusehat_id=ihs, digest_="")
    if row.satusehat_id and row.satusehat_id != ihs:
        # A corrected NIK named another person: everything of hers goes again, to her.
        with transaction.atomic():
            outbox_rows_resend(
                OutboxRow.objects.filter(pregnancy_id=row.pregnancy_id).exclude(pk=row.pk),
                now=now,
            )
    report.add("sent")


def _send(row, client, plan: Send, clock, report: SendReport) -> None:
    resource = validated(plan.resource)
    fingerprint = digest(resource)
    if row.satusehat_id and fingerprint == row.sent_digest:
        _sent(row, clock(), satusehat_id=row.satusehat_id, digest_=fingerprint, plan=plan)
        report.add("unchanged")
        return
    resource_id = row.satusehat_id
    if not resource_id:
        # Sent before by a worker that died before it could write the id down?
        identifier = resource["identifier"][0]
        query = {"identifier": f"{identifier['system']}|{identifier['value']}"}
        found = client.search(resource["resourceType"], query)
        resource_id = str(found[0]["id"]) if found else ""
    if resource_id:
        client.update({**resource, "id": resource_id})
    else:
        resource_id = client.create(resource)
    _sent(row, clock(), satusehat_id=resource_id, digest_=fingerprint, plan=plan)
    logger.info("satusehat: %s row %s sent", row.resource_type, row.pk)
    report.add("sent")


# -- settling ------------------------------------------------------------------------------


def _held(row):
    """The row, as long as this run still holds its claim."""
    return OutboxRow.objects.filter(pk=row.pk, claimed_until=row.claimed_until)


def _settle(row, now: datetime, *, state: str, error: str = "", attempt: bool = False) -> None:
    fields = {"state": state, "waiting_for": WaitingFor.NOTHING, "claimed_until": None}
    if error:
        fields.update(last_error=error, last_error_at=now)
    if attempt:
        fields["attempts"] = row.attempts + 1
    _held(row).update(updated_at=now, **fields)


def _wait(row, now: datetime, waiting_for: str, *, retry_at: datetime | None = None) -> None:
    if retry_at is None:
        retry_at = now + IDS_RECHECK
    _held(row).update(
        state=RowState.WAITING,
        waiting_for=waiting_for,
        next_attempt_at=retry_at,
        claimed_until=None,
        updated_at=now,
    )


def _retry(row, now: datetime, error: Unavailable) -> None:
    attempts = row.attempts + 1
    backoff = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_MAX) * random.uniform(1.0, 1.2)
    if error.retry_after:
        backoff = max(backoff, timedelta(seconds=error.retry_after))
    _held(row).update(
        state=RowState.PENDING,
        waiting_for=WaitingFor.NOTHING,
        attempts=attempts,
        next_attempt_at=now + backoff,
        last_error=str(error),
        last_error_at=now,
        claimed_until=None,
        updated_at=now,
    )
    logger.warning("satusehat: %s row %s not sent, tried again later", row.resource_type, row.pk)


def _sent(row, now: datetime, *, satusehat_id: str, digest_: str, plan: Send | None = None) -> None:
    """Sent, unless the record was corrected meanwhile (the version moved): then it keeps
    its id and stays pending, to go again as an update. Its dependents wake."""
    done = {
        "satusehat_id": satusehat_id,
        "sent_digest": digest_,
        "sent_at": now,
        "claimed_until": None,
        "updated_at": now,
    }
    if plan is not None and row.resource_type == ResourceType.EPISODE_OF_CARE:
        done["resend_on"] = plan.resend_on
    with transaction.atomic():
        settled = (
            _held(row)
            .filter(version=row.version)
            .update(
                state=RowState.SENT,
                waiting_for=WaitingFor.NOTHING,
                attempts=0,
                last_error="",
                last_error_at=None,
                **done,
            )
        )
        if not settled:
            _held(row).update(**done)
        row.dependents.filter(state=RowState.WAITING, waiting_for=WaitingFor.PARENT).update(
            state=RowState.PENDING, waiting_for=WaitingFor.NOTHING, next_attempt_at=now
        )
