"""Referring a pregnancy to another facility (RDB planned early, RTW emergency).

From the referral on, the receiving facility's midwives and doctors read and write the
pregnancy (selectors.pregnancies_visible_to) and its doctors receive its alerts
(notifications.owed). docs/pregnancies.md, "Referrals".
"""

from __future__ import annotations

import logging
from datetime import date

from django.utils.translation import gettext as _

from jsc.people.models import Facility
from pregnancies.errors import RuleViolation
from pregnancies.models import Pregnancy, Referral
from pregnancies.signals import alerts_may_be_due

logger = logging.getLogger(__name__)


def referral_errors(
    *, pregnancy: Pregnancy, from_facility_id, to_facility_id
) -> dict[str, list[str]]:
    """field -> messages for the ``referral`` object; {} when the referral can be made.

    An unknown id and an id the caller may not refer to answer alike, so the message
    reveals nothing about which facilities exist.
    """
    if to_facility_id in (pregnancy.facility_id, from_facility_id):
        return {"to_facility": [_("The pregnancy is already cared for by this facility.")]}
    # An inactive facility (closed, merged) takes no referral.
    if not Facility.objects.filter(pk=to_facility_id, active=True).exists():
        return {"to_facility": [_("No facility you can refer to has this id.")]}
    return {}


def referral_record(
    *, pregnancy: Pregnancy, by, to_facility_id, kind: str, today: date, alert=None
) -> Referral:
    """Record the referral; call inside the caller's transaction (acknowledging does)."""
    # From the referring doctor's facility; a health officer refers from the pregnancy's.
    from_facility_id = by.facility_id or pregnancy.facility_id
    if errors := referral_errors(
        pregnancy=pregnancy, from_facility_id=from_facility_id, to_facility_id=to_facility_id
    ):
        raise RuleViolation({"referral": errors})
    referral = Referral.objects.create(
        pregnancy=pregnancy,
        by=by,
        from_facility_id=from_facility_id,
        to_facility_id=to_facility_id,
        kind=kind,
        alert=alert,
    )
    # The receiving facility's doctors are owed the milestone that has come, now.
    alerts_may_be_due.send(sender=Pregnancy, pregnancy=pregnancy, today=today)
    logger.info(
        "pregnancy %s referred from facility %s to facility %s by user %s",
        pregnancy.pk,
        from_facility_id,
        to_facility_id,
        by.pk,
    )
    return referral
