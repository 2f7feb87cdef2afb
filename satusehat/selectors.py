"""What people read of the outbox: its state per facility, one pregnancy's rows, and
the mothers the national patient index does not know yet."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery

from jsc.people.models import Facility, Role
from satusehat.models import OutboxRow, ResourceType, RowState, SendPause, WaitingFor

# A row a person should hear about: refused, stuck on something other than its
# parent, or pending after a failed try.
_PROBLEM = (
    Q(state=RowState.FAILED)
    | (Q(state=RowState.WAITING) & ~Q(waiting_for=WaitingFor.PARENT))
    | (Q(state=RowState.PENDING) & ~Q(last_error=""))
)


def outbox_status() -> dict:
    """``{"enabled", "environment", "paused", "by_facility": [...]}`` for the status API
    and page: per facility the rows by state, the oldest pending, what waits for what,
    and its latest problem (the row, for the words: satusehat/messages.py)."""
    counts = {state: Count("id", filter=Q(state=state)) for state in RowState.values}
    latest_problem = (
        OutboxRow.objects.filter(_PROBLEM, facility=OuterRef("facility"))
        .order_by("-updated_at", "-id")
        .values("id")[:1]
    )
    per_facility = list(
        OutboxRow.objects.order_by()
        .values("facility")
        .annotate(
            **counts,
            oldest_pending_at=Min("owed_since", filter=Q(state=RowState.PENDING)),
            problem=Subquery(latest_problem),
        )
    )
    reasons: dict = {}
    for entry in (
        OutboxRow.objects.filter(state=RowState.WAITING)
        .order_by()
        .values("facility", "waiting_for")
        .annotate(n=Count("id"))
    ):
        reasons.setdefault(entry["facility"], {})[entry["waiting_for"]] = entry["n"]
    facilities = Facility.objects.in_bulk([e["facility"] for e in per_facility])
    problems = OutboxRow.objects.in_bulk([e["problem"] for e in per_facility if e["problem"]])
    by_facility = []
    for entry in sorted(per_facility, key=lambda e: facilities[e["facility"]].name):
        facility = facilities[entry["facility"]]
        problem = problems.get(entry["problem"])
        by_facility.append(
            {
                "facility": facility,
                **{state: entry[state] for state in RowState.values},
                "oldest_pending_at": entry["oldest_pending_at"],
                "problem": problem,
                "last_error_at": problem and (problem.last_error_at or problem.updated_at),
                "waiting_reasons": reasons.get(facility.pk, {}),
                "missing_ids": missing_ids(facility),
            }
        )
    return {
        "enabled": bool(settings.SATUSEHAT_ENV),
        "environment": settings.SATUSEHAT_ENV or None,
        "paused": SendPause.objects.filter(pk=1).first(),
        "by_facility": by_facility,
    }


def missing_ids(facility: Facility) -> list[str]:
    return [
        name
        for name in ("satusehat_organization_id", "satusehat_location_id")
        if not getattr(facility, name)
    ]


def outbox_rows_of(pregnancy_id) -> QuerySet[OutboxRow]:
    """One pregnancy's rows in the order they are sent."""
    return OutboxRow.objects.filter(pregnancy_id=pregnancy_id).order_by("rank", "id")


def patients_not_found_for(user) -> QuerySet[OutboxRow]:
    """The Patient lookups waiting for the national index that ``user`` may see: a
    midwife's or doctor's facility's, the health office's whole regency; no one else's
    (admins see no mother's record)."""
    rows = OutboxRow.objects.filter(
        resource_type=ResourceType.PATIENT,
        state=RowState.WAITING,
        waiting_for=WaitingFor.PATIENT_UNKNOWN,
    ).order_by("updated_at", "id")
    role = user.effective_role
    if role in (Role.MIDWIFE, Role.DOCTOR) and user.facility_id is not None:
        return rows.filter(facility_id=user.facility_id)
    if role == Role.HEALTH_OFFICE:
        return rows
    return rows.none()
