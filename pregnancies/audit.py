"""The audit trail: who read or wrote which pregnancy, and when.

Ids only, never clinical content or names: the trail is for admins, who are not
clinical staff. Writes are audited inside the writing transaction (no trail for what
rolled back); a list writes one row per pregnancy on the page in one INSERT, so its
query count does not grow with the page size.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from pregnancies.models import AuditEntry

Action = AuditEntry.Action
Target = AuditEntry.Target
Disclosed = AuditEntry.Disclosed


def audit_record(
    *,
    user,
    action: str,
    pregnancy_id: UUID | None = None,
    target: str = Target.PREGNANCY,
    object_id=None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user, action=action, target=target, pregnancy_id=pregnancy_id, object_id=object_id
    )


def audit_list(*, user, pregnancy_ids: Iterable[UUID]) -> int:
    """One LIST entry per pregnancy shown, in a single INSERT."""
    entries = [
        AuditEntry(user=user, action=Action.LIST, target=Target.PREGNANCY, pregnancy_id=pk)
        for pk in pregnancy_ids
    ]
    if entries:
        AuditEntry.objects.bulk_create(entries)
    return len(entries)


def audit_match(
    *, user, person_id: UUID, matched_facilities: list[str], disclosed: str, pregnancy_id=None
) -> AuditEntry:
    """A NIK typed at the user's facility matched records of other facilities.

    Written whatever the request's fate (a 409 too), in its own transaction by the
    caller: who typed it, the person it matched (an id, never the NIK), whose records
    matched, and what the answer disclosed (docs/mothers.md).
    """
    return AuditEntry.objects.create(
        user=user,
        action=Action.MATCH,
        target=Target.PERSON,
        object_id=person_id,
        pregnancy_id=pregnancy_id,
        matched_facilities=matched_facilities,
        disclosed=disclosed,
    )
