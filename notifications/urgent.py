"""The urgent path: a danger_sign alert for an urgent visit, and milestones owed at once.

Both write their alert rows inside the request's transaction, so the inbox has them when
the request returns, and queue a dispatch only after the commit (tasks.queue_dispatch).
If the broker is down or the worker slow, the rows wait as ``pending`` and the next
scan's dispatch sends them: nothing is lost (docs/alerts-urgent.md).
"""

from __future__ import annotations

from jsc.people.models import Role, User
from notifications.models import Alert, AlertStatus
from pregnancies.models import Pregnancy, Referral
from pregnancies.rules.urgent import DANGER_SIGN_MILESTONE


def alert_recipient_ids(pregnancy: Pregnancy) -> list:
    """The doctors told about a pregnancy: its named doctor while active and still at its
    facility, else every active doctor there; plus every active doctor of each facility
    it was referred to. The same people the scan alerts (owed.alerts_owed)."""
    doctors = User.objects.filter(role=Role.DOCTOR, is_active=True)
    named = None
    if pregnancy.doctor_id is not None:
        named = doctors.filter(pk=pregnancy.doctor_id, facility_id=pregnancy.facility_id).first()
    ids = (
        [named.pk]
        if named
        else list(doctors.filter(facility_id=pregnancy.facility_id).values_list("id", flat=True))
    )
    receiving = Referral.objects.filter(pregnancy=pregnancy).values("to_facility_id")
    for pk in doctors.filter(facility_id__in=receiving).values_list("id", flat=True):
        if pk not in ids:
            ids.append(pk)
    return ids


def danger_sign_raise(*, visit, pregnancy: Pregnancy, late: bool) -> int:
    """One danger_sign alert per (visit, recipient), however often the visit is retried.

    A late visit's alert goes straight to the inbox (``undelivered``): no push.
    """
    rows = [
        Alert(
            pregnancy_id=pregnancy.pk,
            milestone=DANGER_SIGN_MILESTONE,
            recipient_id=recipient_id,
            edd=pregnancy.edd,
            risk_band=pregnancy.risk_band,
            urgent=True,
            visit=visit,
            late=late,
            status=AlertStatus.UNDELIVERED if late else AlertStatus.PENDING,
        )
        for recipient_id in alert_recipient_ids(pregnancy)
    ]
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
