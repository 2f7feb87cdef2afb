"""The outbox side of the registry's hooks (pregnancies/signals.py), and of the
SATUSEHAT ids an admin sets on facilities and staff."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from jsc.people.models import Facility, User
from pregnancies.signals import outcome_recorded, pregnancy_recorded, visit_recorded
from satusehat.models import OutboxRow, RowState, WaitingFor
from satusehat.services import (
    outbox_enabled,
    outbox_outcome_recorded,
    outbox_pregnancy_recorded,
    outbox_visit_recorded,
)
from satusehat.tasks import queue_send


@receiver(pregnancy_recorded)
def _pregnancy(sender, pregnancy, created, **kwargs) -> None:
    if outbox_enabled():
        outbox_pregnancy_recorded(pregnancy=pregnancy, created=created, now=timezone.now())
        queue_send()


@receiver(visit_recorded)
def _visit(sender, visit, pregnancy, **kwargs) -> None:
    if outbox_enabled():
        outbox_visit_recorded(visit=visit, pregnancy=pregnancy, now=timezone.now())
        queue_send()


@receiver(outcome_recorded)
def _outcome(sender, outcome, pregnancy, **kwargs) -> None:
    if outbox_enabled():
        outbox_outcome_recorded(pregnancy=pregnancy, now=timezone.now())
        queue_send()


def _written(update_fields, *names: str) -> bool:
    """The save wrote one of ``names`` (a full save does; a login's ``last_login`` does
    not), in a deployment that sends to SATUSEHAT."""
    return (update_fields is None or bool(set(names) & set(update_fields))) and outbox_enabled()


def _wake(rows, waiting_for: str) -> None:
    if rows.filter(state=RowState.WAITING, waiting_for=waiting_for).update(
        next_attempt_at=timezone.now()
    ):
        queue_send()


@receiver(post_save, sender=Facility)
def _facility_ids(sender, instance, update_fields=None, **kwargs) -> None:
    # An admin gave the facility its ids: its waiting rows are looked at now, not in an hour.
    names = ("satusehat_organization_id", "satusehat_location_id")
    if _written(update_fields, *names) and instance.satusehat_organization_id:
        _wake(OutboxRow.objects.filter(facility=instance), WaitingFor.FACILITY_IDS)


@receiver(post_save, sender=User)
def _practitioner_id(sender, instance, update_fields=None, **kwargs) -> None:
    if (
        _written(update_fields, "satusehat_practitioner_id")
        and instance.satusehat_practitioner_id
        and instance.facility_id
    ):
        rows = OutboxRow.objects.filter(facility_id=instance.facility_id)
        _wake(rows, WaitingFor.PRACTITIONER_ID)
