"""The alerts side of the registry's hooks (pregnancies.signals)."""

from django.dispatch import receiver

from notifications.owed import record_owed_alerts
from notifications.services import cancel_for_pregnancy, replan_for_pregnancies
from notifications.tasks import queue_dispatch
from notifications.urgent import danger_sign_raise
from pregnancies.signals import (
    alerts_may_be_due,
    edd_changed,
    pregnancy_closed,
    urgent_visit_recorded,
)


@receiver(pregnancy_closed)
def _cancel_alerts(sender, pregnancy, **kwargs) -> None:
    cancel_for_pregnancy(pregnancy.pk)


@receiver(edd_changed)
def _replan_alerts(sender, pregnancy, **kwargs) -> None:
    replan_for_pregnancies([pregnancy.pk])


@receiver(alerts_may_be_due)
def _alerts_due_now(sender, pregnancy, today, **kwargs) -> None:
    # The scan's own query narrowed to this pregnancy: the same rules, at once.
    if record_owed_alerts(today=today, pregnancy_ids=[pregnancy.pk]):
        queue_dispatch()


@receiver(urgent_visit_recorded)
def _raise_danger_sign(sender, visit, pregnancy, late, **kwargs) -> None:
    danger_sign_raise(visit=visit, pregnancy=pregnancy, late=late)
    if not late:
        queue_dispatch()
