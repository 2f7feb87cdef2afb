"""The deaths side of the registry's hooks (pregnancies.signals)."""

from django.dispatch import receiver
from django.utils import timezone

from deaths.services import death_notify_from_outcome
from pregnancies.signals import outcome_recorded


@receiver(outcome_recorded)
def _notify_deaths(sender, outcome, pregnancy, by, **kwargs) -> None:
    # Inside the outcome's transaction: the case and its alert commit with the outcome.
    # The time of notification is the request's, read here at the edge.
    death_notify_from_outcome(outcome=outcome, pregnancy=pregnancy, by=by, now=timezone.now())
