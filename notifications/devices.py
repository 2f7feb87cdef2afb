"""Registering and signing out a doctor's phone (an FCM registration token).

A token belongs to whoever registered it last: a shared or handed-over phone must stop
getting the previous user's pushes at once, so pushes still queued for the device are
cancelled when it changes hands or signs out.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Device
from notifications.settle import settle_alerts


def _cancel_open_deliveries(device: Device) -> None:
    """Queued pushes of this device will not go out: settle their alerts without them.

    A delivery already claimed (``sending``) is left to the worker that holds it.
    """
    open_deliveries = Delivery.objects.filter(device=device, status__in=Delivery.OPEN)
    alert_ids = set(open_deliveries.values_list("alert_id", flat=True))
    if not alert_ids:
        return
    open_deliveries.update(status=DeliveryStatus.CANCELLED)
    settle_alerts(alert_ids, now=timezone.now())


@transaction.atomic
def register_device(*, user, token: str, platform: str) -> tuple[Device, bool]:
    """Give ``token`` to ``user`` (active again); returns the device and whether it is new."""
    device = Device.objects.select_for_update().filter(token=token).first()
    if device is None:
        try:
            # A savepoint: two first registrations of one token may race, and the loser
            # must take the row over rather than answer 500.
            with transaction.atomic():
                return Device.objects.create(token=token, platform=platform, user=user), True
        except IntegrityError:
            device = Device.objects.select_for_update().get(token=token)
    if device.user_id != user.pk:
        _cancel_open_deliveries(device)
    device.user, device.platform, device.active = user, platform, True
    device.save(update_fields=["user", "platform", "active", "updated_at"])
    return device, False


@transaction.atomic
def unregister_device(device: Device) -> None:
    """Stop pushing to the device, keeping the row: its delivery history stays whole and a
    worker settling a push to it never finds the row gone."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    _cancel_open_deliveries(device)
    device.active = False
    device.save(update_fields=["active", "updated_at"])
