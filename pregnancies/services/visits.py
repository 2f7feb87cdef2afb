"""Recording an antenatal (ANC) visit; idempotent on the client's id like a registration."""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregnancies.audit import Action, Target, audit_record
from pregnancies.errors import Conflict, Errors
from pregnancies.models import Outcome, Pregnancy, PregnancyStatus, RiskSource, Visit
from pregnancies.rules import kspr
from pregnancies.rules.anc import unknown_danger_signs
from pregnancies.rules.urgent import Vitals, is_late, is_urgent, union_in_order, visit_findings
from pregnancies.services.common import (
    apply_assessment,
    assess_pregnancy,
    pregnancy_start,
    request_digest,
)
from pregnancies.services.risk import band_rose, risk_history_record
from pregnancies.signals import alerts_may_be_due, urgent_visit_recorded

logger = logging.getLogger(__name__)

MEASUREMENTS = (
    "systolic",
    "diastolic",
    "weight_kg",
    "hemoglobin",
    "muac_cm",
    "fundal_height_cm",
    "fetal_heart_rate",
)
VISIT_ID_REUSED = gettext_lazy("This id belongs to another visit; make a new id for a new visit.")


def visit_digest(data: dict, visit_id) -> str:
    return request_digest(
        {
            "id": str(visit_id),
            "date": data["date"],
            **{f: data.get(f) for f in MEASUREMENTS},
            "danger_signs": sorted(set(data.get("danger_signs") or [])),
            "notes": data.get("notes") or "",
        }
    )


def _retried(visit_id, *, pregnancy_id, digest: str) -> Visit | None:
    found = Visit.objects.filter(pk=visit_id).first()
    if found is None:
        return None
    if (found.pregnancy_id, found.create_digest) != (pregnancy_id, digest):
        raise Conflict(VISIT_ID_REUSED)
    return found


def visit_record(*, pregnancy: Pregnancy, data: dict, by, today: date) -> tuple[Visit, bool]:
    """Record a visit; (visit, created). Its number follows from its date (selectors).

    The date must fall between the start of the pregnancy (``pregnancy_start``)
    and today, and not after the outcome; the pregnancy row is locked, so a visit and
    an outcome recorded at once cannot contradict each other.
    """
    visit_id = data.get("id") or uuid.uuid4()
    digest = visit_digest(data, visit_id)
    if data.get("id") and (found := _retried(visit_id, pregnancy_id=pregnancy.pk, digest=digest)):
        return found, False

    with transaction.atomic():
        pregnancy = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        errors = Errors()
        outcome_on = Outcome.objects.filter(pregnancy=pregnancy).values_list("date", flat=True)
        outcome_on = outcome_on.first()
        start = pregnancy_start(pregnancy)
        on = data["date"]
        if on > today:
            errors.add("date", _("The visit date cannot be in the future."))
        elif on < start:
            errors.add(
                "date",
                _("The visit date cannot be before the start of the pregnancy (%(date)s).")
                % {"date": start},
            )
        elif outcome_on is not None and on > outcome_on:
            errors.add(
                "date",
                _("The visit date cannot be after the outcome (%(date)s).") % {"date": outcome_on},
            )
        signs = data.get("danger_signs") or []
        if unknown := unknown_danger_signs(signs):
            errors.add(
                "danger_signs",
                _("Unknown danger sign codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            errors.add("diastolic", _("The diastolic pressure must be lower than the systolic."))
        errors.raise_if_any()

        try:
            with transaction.atomic():
                visit = Visit.objects.create(
                    id=visit_id,
                    pregnancy=pregnancy,
                    date=on,
                    **{f: data.get(f) for f in MEASUREMENTS},
                    danger_signs=list(dict.fromkeys(signs)),
                    notes=data.get("notes") or "",
                    recorded_by=by,
                    create_digest=digest,
                )
        except IntegrityError:
            # The same visit's twin request inserted this id first (it waited on our lock).
            if found := _retried(visit_id, pregnancy_id=pregnancy.pk, digest=digest):
                return found, False
            raise
        audit_record(
            user=by,
            action=Action.CREATE,
            target=Target.VISIT,
            pregnancy_id=pregnancy.pk,
            object_id=visit.pk,
        )
        vitals = Vitals.of(
            systolic=visit.systolic,
            diastolic=visit.diastolic,
            hemoglobin=visit.hemoglobin,
            danger_signs=visit.danger_signs,
        )
        _card_follows_visit(pregnancy, visit, visit_findings(vitals), by=by, today=today)
        if is_urgent(vitals) and outcome_on is None:
            late = is_late(
                visit_date=visit.date,
                received_at=timezone.now(),
                tz=timezone.get_current_timezone(),
            )
            urgent_visit_recorded.send(sender=Visit, visit=visit, pregnancy=pregnancy, late=late)
    logger.info("visit %s of pregnancy %s recorded by user %s", visit.pk, pregnancy.pk, by.pk)
    return visit, True


def _card_follows_visit(pregnancy: Pregnancy, visit: Visit, found: list[str], *, by, today):
    """What the visit found enters the card and stays (the card is cumulative).

    Found factors join the given ones, so only a person's correction (a PATCH of
    risk_factors) removes them. A band that rises may make a milestone owed now.
    Offline sync asks "what changed since T": a new visit moves updated_at either way.
    """
    given = union_in_order((f.code for f in kspr.FACTORS), pregnancy.given_risk_factors, found)
    if pregnancy.status != PregnancyStatus.ACTIVE or given == list(pregnancy.given_risk_factors):
        Pregnancy.objects.filter(pk=pregnancy.pk).update(updated_at=timezone.now())
        return
    before_factors, before_band = list(pregnancy.risk_factors), pregnancy.risk_band
    pregnancy.given_risk_factors = given
    apply_assessment(
        pregnancy,
        assess_pregnancy(pregnancy, date_of_birth=pregnancy.mother.date_of_birth, today=today),
    )
    pregnancy.save(
        update_fields=[
            "given_risk_factors",
            "risk_factors",
            "kspr_score",
            "risk_band",
            "updated_at",
        ]
    )
    risk_history_record(
        pregnancy=pregnancy, before=before_factors, source=RiskSource.VISIT, by=by, visit=visit
    )
    if band_rose(before_band, pregnancy.risk_band):
        alerts_may_be_due.send(sender=Pregnancy, pregnancy=pregnancy, today=today)
