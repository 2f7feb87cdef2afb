"""Recording how a pregnancy ended, and correcting it (a maternal death reported later)."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy

from pregnancies.audit import Action, Target, audit_record
from pregnancies.errors import RuleViolation
from pregnancies.models import Outcome, Pregnancy, Visit
from pregnancies.rules.consistency import outcome_kind_error
from pregnancies.rules.outcomes import LIVE_BIRTH, outcome_errors, status_after
from pregnancies.services.common import pregnancy_start
from pregnancies.signals import pregnancy_closed

logger = logging.getLogger(__name__)

FIELDS = (
    "kind",
    "date",
    "place",
    "babies_born_alive",
    "mother_died",
    "mother_death_date",
    "mother_death_cause",
)
ALREADY = gettext_lazy("This pregnancy already has an outcome; correct it with PATCH.")


def _default_babies(kind: str) -> int:
    return 1 if kind == LIVE_BIRTH else 0


def _check(values: dict, pregnancy: Pregnancy, *, today: date) -> None:
    last_visit = Visit.objects.filter(pregnancy=pregnancy).aggregate(last=Max("date"))["last"]
    errors = outcome_errors(
        kind=values["kind"],
        on=values["date"],
        babies_born_alive=values["babies_born_alive"],
        mother_died=values["mother_died"],
        mother_death_date=values["mother_death_date"],
        mother_death_cause=values["mother_death_cause"],
        pregnancy_start=pregnancy_start(pregnancy),
        last_visit=last_visit,
        today=today,
    )
    if "date" not in errors and (
        message := outcome_kind_error(values["kind"], start=pregnancy.ga_start, on=values["date"])
    ):
        errors.setdefault("kind", []).append(message)
    if errors:
        raise RuleViolation(errors)


def outcome_record(*, pregnancy: Pregnancy, data: dict, by, today: date) -> Outcome:
    """Close the pregnancy with its outcome; a second outcome is a 400 on ``kind``.

    Sends ``pregnancy_closed`` inside the transaction: the alerts app cancels every
    pending alert in the same commit.
    """
    with transaction.atomic():
        pregnancy = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        if Outcome.objects.filter(pregnancy=pregnancy).exists():
            raise RuleViolation({"kind": [ALREADY]})
        kind = data["kind"]
        babies = data.get("babies_born_alive")
        values = {
            "kind": kind,
            "date": data["date"],
            "place": data.get("place") or "",
            "babies_born_alive": _default_babies(kind) if babies is None else babies,
            "mother_died": bool(data.get("mother_died")),
            "mother_death_date": data.get("mother_death_date"),
            "mother_death_cause": data.get("mother_death_cause") or "",
        }
        _check(values, pregnancy, today=today)
        outcome = Outcome.objects.create(pregnancy=pregnancy, recorded_by=by, **values)
        pregnancy.status = status_after(kind)
        pregnancy.save(update_fields=["status", "updated_at"])
        audit_record(
            user=by, action=Action.CREATE, target=Target.OUTCOME, pregnancy_id=pregnancy.pk
        )
        pregnancy_closed.send(sender=Pregnancy, pregnancy=pregnancy)
    logger.info("outcome of pregnancy %s recorded by user %s", pregnancy.pk, by.pk)
    return outcome


def outcome_update(*, pregnancy: Pregnancy, data: dict, by, today: date) -> Outcome:
    """Correct the outcome; the pregnancy's status follows its kind.

    Changing the kind without a count resets babies_born_alive to what the kind
    implies; ``mother_died: false`` clears the death date and cause.
    """
    with transaction.atomic():
        pregnancy = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        outcome = Outcome.objects.select_for_update().get(pregnancy=pregnancy)
        values = {f: getattr(outcome, f) for f in FIELDS}
        values.update(data)
        if (
            "kind" in data
            and data["kind"] != outcome.kind
            and data.get("babies_born_alive") is None
        ):
            values["babies_born_alive"] = _default_babies(data["kind"])
        if values["babies_born_alive"] is None:
            values["babies_born_alive"] = _default_babies(values["kind"])
        values["mother_died"] = bool(values["mother_died"])
        if data.get("mother_died") is False:
            if "mother_death_date" not in data:
                values["mother_death_date"] = None
            if "mother_death_cause" not in data:
                values["mother_death_cause"] = ""
        values["place"] = values["place"] or ""
        values["mother_death_cause"] = values["mother_death_cause"] or ""
        _check(values, pregnancy, today=today)

        for field, value in values.items():
            setattr(outcome, field, value)
        outcome.save()
        # updated_at moves too (auto_now), so offline sync sees the correction.
        pregnancy.status = status_after(outcome.kind)
        pregnancy.save(update_fields=["status", "updated_at"])
        outcome.pregnancy = pregnancy
        audit_record(
            user=by, action=Action.UPDATE, target=Target.OUTCOME, pregnancy_id=pregnancy.pk
        )
    logger.info("outcome of pregnancy %s corrected by user %s", pregnancy.pk, by.pk)
    return outcome
