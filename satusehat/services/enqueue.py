"""Writing the outbox: what a registration, a visit, an outcome or a correction owes.

Called by the receivers of the registry's signals (satusehat/receivers.py), inside the
registry's transaction: the rows commit or roll back with the record. Nothing here
talks to SATUSEHAT; the send runs in a worker (services/send.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When

from satusehat import sources
from satusehat.codes import OBSTETRIC_OBSERVATIONS, VISIT_OBSERVATIONS
from satusehat.models import RANK, OutboxRow, ResourceType, RowState, WaitingFor

_muted: ContextVar[bool] = ContextVar("satusehat_outbox_muted", default=False)


def outbox_enabled() -> bool:
    """SATUSEHAT_ENV names an environment, and this is not the demo seed."""
    return bool(settings.SATUSEHAT_ENV) and not _muted.get()


@contextmanager
def outbox_muted() -> Iterator[None]:
    """Nothing recorded inside is owed to SATUSEHAT: the demo seed's made-up mothers
    must never reach the national platform, whatever SATUSEHAT_ENV says."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _values(
    *,
    resource_type: str,
    pregnancy_id,
    facility_id,
    now: datetime,
    parent: OutboxRow | None = None,
    visit_id=None,
    item: str = "",
) -> dict:
    """A new row's fields: pending, or waiting for its parent to be sent."""
    waits = parent is not None and not parent.satusehat_id
    return {
        "resource_type": resource_type,
        "rank": RANK[resource_type],
        "pregnancy_id": pregnancy_id,
        "visit_id": visit_id,
        "item": item,
        "facility_id": facility_id,
        "depends_on": parent,
        "state": RowState.WAITING if waits else RowState.PENDING,
        "waiting_for": WaitingFor.PARENT if waits else WaitingFor.NOTHING,
        "next_attempt_at": now,
        "owed_since": now,
    }


def _row(*, key: str, **fields) -> OutboxRow:
    return OutboxRow(key=key, **_values(**fields))


def _add(*, key: str, **fields) -> OutboxRow:
    """The row for ``key``, made if it is new."""
    row, _created = OutboxRow.objects.get_or_create(key=key, defaults=_values(**fields))
    return row


def _add_all(rows: list[OutboxRow]) -> None:
    """Rows made in one INSERT; those whose key exists already are left as they are."""
    OutboxRow.objects.bulk_create(rows, ignore_conflicts=True)


def _locked(row: OutboxRow) -> OutboxRow:
    """``row`` read again under a row lock, so a worker settling it at this moment either
    finishes first (its id is seen here) or wakes the rows made here after us."""
    return OutboxRow.objects.select_for_update().get(pk=row.pk)


def _pregnancy_rows(pregnancy, *, now: datetime) -> tuple[OutboxRow, OutboxRow]:
    """The pregnancy's Patient lookup and EpisodeOfCare rows, made if missing (a
    pregnancy registered before SATUSEHAT was switched on gets them with its next
    visit or correction)."""
    patient = _add(
        key=f"patient:{pregnancy.pk}",
        resource_type=ResourceType.PATIENT,
        pregnancy_id=pregnancy.pk,
        facility_id=pregnancy.facility_id,
        now=now,
    )
    episode = _add(
        key=f"episode:{pregnancy.pk}",
        resource_type=ResourceType.EPISODE_OF_CARE,
        pregnancy_id=pregnancy.pk,
        facility_id=pregnancy.facility_id,
        now=now,
        parent=_locked(patient),
    )
    return patient, episode


def outbox_rows_resend(rows: QuerySet[OutboxRow], *, now: datetime) -> int:
    """Send these rows again, as updates (their record was corrected).

    A sent or failed row becomes pending; a pending or waiting one keeps its state and
    is looked at again now (a corrected NIK may be one the national index knows). The
    version moves either way, so a worker sending one at this moment does not mark the
    older content sent.
    """
    settled = Q(state__in=[RowState.SENT, RowState.FAILED])
    return rows.update(
        state=Case(When(settled, then=Value(RowState.PENDING)), default=F("state")),
        owed_since=Case(When(settled, then=Value(now)), default=F("owed_since")),
        version=F("version") + 1,
        next_attempt_at=now,
        updated_at=now,
    )


def outbox_pregnancy_recorded(*, pregnancy, created: bool, now: datetime) -> None:
    """A registration owes the Patient lookup and the EpisodeOfCare; a correction sends
    everything of the pregnancy again (each resource only if it changed, services/send.py)."""
    _pregnancy_rows(pregnancy, now=now)
    if not created:
        first = (
            OutboxRow.objects.filter(
                pregnancy_id=pregnancy.pk, resource_type=ResourceType.ENCOUNTER
            )
            .order_by("id")
            .first()
        )
        if first is not None:
            _obstetric_rows(pregnancy, encounter=first, now=now)
        outbox_rows_resend(OutboxRow.objects.filter(pregnancy_id=pregnancy.pk), now=now)


def outbox_visit_recorded(*, visit, pregnancy, now: datetime) -> None:
    """A visit owes its Encounter, an Observation per measurement and the gestational
    age, a Condition per risk factor it found; the first also the obstetric status."""
    _patient, episode = _pregnancy_rows(pregnancy, now=now)
    facility_id = sources.visit_facility_id(visit)
    encounter = _add(
        key=f"encounter:{visit.pk}",
        resource_type=ResourceType.ENCOUNTER,
        pregnancy_id=pregnancy.pk,
        visit_id=visit.pk,
        facility_id=facility_id,
        now=now,
        parent=_locked(episode),
    )
    common = {
        "pregnancy_id": pregnancy.pk,
        "visit_id": visit.pk,
        "facility_id": facility_id,
        "now": now,
        "parent": encounter,
    }
    measured = [c.item for f, c in VISIT_OBSERVATIONS.items() if getattr(visit, f) is not None]
    _add_all(
        [
            *(
                _row(
                    key=f"observation:{visit.pk}:{item}",
                    resource_type=ResourceType.OBSERVATION,
                    item=item,
                    **common,
                )
                for item in [*measured, "gestational_age"]
            ),
            *(
                _row(
                    key=f"condition:{visit.pk}:{factor}",
                    resource_type=ResourceType.CONDITION,
                    item=factor,
                    **common,
                )
                for factor in sources.visit_findings_of(visit)
            ),
        ]
    )
    _obstetric_rows(pregnancy, encounter=encounter, now=now)
    # A visit entered late takes its place in the order: the ones after it are K+1 now.
    later = sources.visits_after(visit)
    if later:
        outbox_rows_resend(
            OutboxRow.objects.filter(resource_type=ResourceType.ENCOUNTER, visit_id__in=later),
            now=now,
        )


def _obstetric_rows(pregnancy, *, encounter: OutboxRow, now: datetime) -> None:
    """The obstetric status (gravida, para, abortus, LMP, EDD), once per pregnancy, with
    the first encounter that owed it."""
    _add_all(
        [
            _row(
                key=f"observation:{pregnancy.pk}:{item}",
                resource_type=ResourceType.OBSERVATION,
                pregnancy_id=pregnancy.pk,
                visit_id=encounter.visit_id,
                item=item,
                facility_id=encounter.facility_id,
                now=now,
                parent=encounter,
            )
            for item in OBSTETRIC_OBSERVATIONS
            if item != "lmp" or pregnancy.lmp is not None
        ]
    )


def outbox_outcome_recorded(*, pregnancy, now: datetime) -> None:
    """The outcome closes the episode: it is sent again, finished."""
    _pregnancy_rows(pregnancy, now=now)
    outbox_rows_resend(
        OutboxRow.objects.filter(
            pregnancy_id=pregnancy.pk, resource_type=ResourceType.EPISODE_OF_CARE
        ),
        now=now,
    )
