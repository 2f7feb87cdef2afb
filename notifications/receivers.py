"""The alerts side of the registry's hooks (pregnancies.signals)."""

from django.dispatch import receiver

from notifications.services import cancel_for_pregnancy, replan_for_pregnancy
from pregnancies.signals import edd_changed, pregnancy_closed


@receiver(pregnancy_closed)
def _cancel_alerts(sender, pregnancy, **kwargs) -> None:
    cancel_for_pregnancy(pregnancy.pk)


@receiver(edd_changed)
def _replan_alerts(sender, pregnancy, **kwargs) -> None:
    replan_for_pregnancy(pregnancy.pk)
