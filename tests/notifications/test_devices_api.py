"""POST /api/v1/devices/ and DELETE /api/v1/devices/{token}/: a doctor's phones."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from notifications.models import Alert, AlertStatus, Delivery, DeliveryStatus, Device
from tests.notifications.helpers import make_pregnancy

DEVICES = "/api/v1/devices/"
# Real FCM tokens are ~160 characters of [A-Za-z0-9:_-]; the dot is there because the
# URL pattern must accept it too.
TOKEN = "fQk3x9:APA91bH-example_token.part" + "x" * 120

pytestmark = pytest.mark.django_db


def register(client, token: str = TOKEN, platform: str = "android"):
    return client.post(DEVICES, {"token": token, "platform": platform}, format="json")


def device_url(token: str = TOKEN) -> str:
    return f"{DEVICES}{token}/"


def queued_delivery(device: Device, *, sumbersari, ana, citra) -> Delivery:
    """A push of one of Citra's alerts, waiting to go to ``device``."""
    pregnancy = make_pregnancy(facility=sumbersari, by=ana, edd=date(2026, 12, 1), doctor=citra)
    alert = Alert.objects.create(
        pregnancy=pregnancy,
        milestone="edd_minus_7",
        recipient=citra,
        edd=pregnancy.edd,
        risk_band="low",
    )
    return Delivery.objects.create(alert=alert, device=device, next_attempt_at=timezone.now())


def test_it_registers_a_new_token_with_201(api, citra):
    response = register(api(citra), platform="ios")

    assert response.status_code == 201
    body = response.json()
    assert body["token"] == TOKEN
    assert body["platform"] == "ios"
    assert body["active"] is True
    device = Device.objects.get(token=TOKEN)
    assert (device.user, device.platform, device.active) == (citra, "ios", True)


def test_it_answers_200_to_a_token_it_knows_and_keeps_one_row(api, citra):
    assert register(api(citra)).status_code == 201

    response = register(api(citra), platform="web")

    assert response.status_code == 200
    assert response.json()["platform"] == "web"
    assert Device.objects.filter(token=TOKEN).count() == 1


def test_it_moves_a_token_to_whoever_registers_it_last(api, citra, dodi):
    register(api(citra))

    response = register(api(dodi))

    assert response.status_code == 200
    device = Device.objects.get(token=TOKEN)
    assert device.user == dodi
    assert not citra.devices.exists()
    assert api(citra).delete(device_url()).status_code == 404


def test_it_cancels_pushes_still_queued_for_the_previous_owner(api, citra, dodi, ana, sumbersari):
    # A handed-over phone must not show Dr. Dodi an alert of Dr. Citra's patient.
    register(api(citra))
    delivery = queued_delivery(Device.objects.get(), sumbersari=sumbersari, ana=ana, citra=citra)

    register(api(dodi))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    # The alert is settled without that push: it stays in Citra's inbox.
    assert Alert.objects.get().status == AlertStatus.UNDELIVERED


def test_it_keeps_queued_pushes_when_the_owner_registers_again(api, citra, ana, sumbersari):
    register(api(citra))
    delivery = queued_delivery(Device.objects.get(), sumbersari=sumbersari, ana=ana, citra=citra)

    register(api(citra))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED


def test_it_reactivates_an_inactive_device(api, citra):
    # FCM said the token was dead, or the doctor signed out; the app registers it again.
    Device.objects.create(token=TOKEN, platform="android", user=citra, active=False)

    response = register(api(citra))

    assert response.status_code == 200
    assert response.json()["active"] is True
    assert Device.objects.get(token=TOKEN).active is True


def test_it_trims_whitespace_around_the_token(api, citra):
    register(api(citra), token=f"  {TOKEN}\n")

    assert Device.objects.get().token == TOKEN


def test_it_accepts_a_random_token_of_the_longest_length(api, citra):
    # Random, so it does not compress: PostgreSQL's unique index must still take it.
    import secrets

    token = secrets.token_urlsafe(1024)[:1024]
    assert register(api(citra), token=token).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"token": TOKEN, "platform": "blackberry"}, "platform"),
        ({"token": TOKEN, "platform": ""}, "platform"),
        ({"token": TOKEN}, "platform"),
        ({"platform": "android"}, "token"),
        ({"token": "", "platform": "android"}, "token"),
        ({"token": "   ", "platform": "android"}, "token"),
        ({"token": "t" * 1025, "platform": "android"}, "token"),
        ({"token": "abc def", "platform": "android"}, "token"),
        ({"token": "abc\u00e9", "platform": "android"}, "token"),
        ({"token": None, "platform": "android"}, "token"),
        ({"token": 12345, "platform": "android"}, "token"),
        ({"token": True, "platform": "android"}, "token"),
        ({"token": [TOKEN], "platform": "android"}, "token"),
        ({"token": {"value": TOKEN}, "platform": "android"}, "token"),
        ({"token": TOKEN, "platform": ["android"]}, "platform"),
        ({"token": TOKEN, "platform": 1}, "platform"),
    ],
)
def test_it_rejects_a_bad_body_naming_the_field(api, citra, body, field):
    response = api(citra).post(DEVICES, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Device.objects.exists()


def test_it_rejects_a_body_that_is_not_an_object(api, citra):
    response = api(citra).post(DEVICES, [TOKEN, "android"], format="json")

    assert response.status_code == 400
    assert not Device.objects.exists()


def test_it_signs_a_device_out_with_204(api, citra):
    register(api(citra))

    response = api(citra).delete(device_url())

    assert response.status_code == 204
    # Kept, inactive: its delivery history stays whole and nothing is pushed to it.
    assert Device.objects.get(token=TOKEN).active is False


def test_signing_out_twice_answers_204_again(api, citra):
    # An app that lost the first answer retries.
    register(api(citra))
    api(citra).delete(device_url())

    assert api(citra).delete(device_url()).status_code == 204


def test_signing_out_cancels_the_pushes_queued_for_the_device(api, citra, ana, sumbersari):
    register(api(citra))
    delivery = queued_delivery(Device.objects.get(), sumbersari=sumbersari, ana=ana, citra=citra)

    api(citra).delete(device_url())

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED


def test_it_answers_404_to_a_token_of_someone_else(api, citra, dodi):
    register(api(citra))

    response = api(dodi).delete(device_url())

    assert response.status_code == 404
    assert "detail" in response.json()
    device = Device.objects.get(token=TOKEN)
    assert (device.user, device.active) == (citra, True)


def test_it_answers_404_to_an_unknown_token(api, citra):
    response = api(citra).delete(device_url("no-such-token"))

    assert response.status_code == 404
    assert "detail" in response.json()


def test_it_answers_401_to_an_anonymous_caller(api, citra):
    register(api(citra))

    assert register(api()).status_code == 401
    assert api().delete(device_url()).status_code == 401
    assert Device.objects.get(token=TOKEN).user == citra


def test_a_token_path_with_a_nul_byte_is_404_not_500(api, citra):
    assert api(citra).delete("/api/v1/devices/a%00b/").status_code == 404
