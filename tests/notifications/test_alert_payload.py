"""alert_message(): the push a doctor's phone shows, in Bahasa Indonesia and nothing personal.

docs/domain.md, "Alerts to doctors": push texts are in Bahasa Indonesia and carry only
opaque ids, the milestone and the risk band; no name, NIK, address, phone or clinical detail.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from notifications.models import AlertRule
from notifications.payload import alert_message, when_label
from notifications.push import MAX_PAYLOAD_BYTES, payload_size
from pregnancies.models import RiskBand
from tests.notifications.helpers import make_pregnancy

ALERT_ID = uuid.UUID("6f1c2b4e-0c5d-4a8e-9b1f-3d2e1a0c9b8a")
PREGNANCY_ID = uuid.UUID("0b7e3f2a-5d4c-4e1b-8a9f-1c2d3e4f5a6b")
# A real FCM token is ~160 characters; the token is not part of the 4096-byte payload.
TOKEN = "fQk3x9:APA91b" + "x" * 150


def message(**changes):
    fields = {
        "token": TOKEN,
        "alert_id": ALERT_ID,
        "pregnancy_id": PREGNANCY_ID,
        "milestone": "edd_minus_14",
        "offset_days": -14,
        "risk_band": "very_high",
        "urgent": False,
        "ref": 7,
    }
    fields.update(changes)
    return alert_message(**fields)


@pytest.mark.parametrize(
    ("offset_days", "label"),
    [
        (-56, "8 minggu lagi"),
        (-28, "4 minggu lagi"),
        (-14, "2 minggu lagi"),
        (-7, "1 minggu lagi"),
        (-10, "10 hari lagi"),
        (-1, "1 hari lagi"),
        (0, "hari ini"),
        (7, "lewat 7 hari"),
        (14, "lewat 14 hari"),
    ],
)
def test_when_label_says_when_in_bahasa_indonesia(offset_days, label):
    assert when_label(offset_days) == label


def test_it_is_in_bahasa_indonesia():
    msg = message()

    assert msg.title == "Ibu hamil mendekati HPL"
    assert msg.body == (
        "Seorang ibu hamil (risiko sangat tinggi) HPL-nya 2 minggu lagi. "
        "Buka aplikasi JSC untuk merencanakan persalinan."
    )
    assert (msg.token, msg.ref) == (TOKEN, 7)


@pytest.mark.parametrize(
    ("band", "label"),
    [("low", "risiko rendah"), ("high", "risiko tinggi"), ("very_high", "risiko sangat tinggi")],
)
def test_it_names_the_risk_band_in_words(band, label):
    assert f"({label})" in message(risk_band=band).body


def test_a_post_term_alert_does_not_say_the_due_date_is_near():
    msg = message(milestone="post_term_7", offset_days=7)

    assert msg.title == "Ibu hamil melewati HPL"
    assert "HPL-nya lewat 7 hari" in msg.body


def test_an_alert_on_the_due_date_says_today():
    msg = message(milestone="edd", offset_days=0)

    assert msg.title == "Ibu hamil mencapai HPL"
    assert "HPL-nya hari ini" in msg.body


def test_an_urgent_alert_starts_with_segera():
    msg = message(milestone="post_term_14", offset_days=14, urgent=True)

    assert msg.title == "SEGERA: Ibu hamil melewati HPL"
    assert not message(urgent=False).title.startswith("SEGERA")


def test_the_data_is_exactly_the_four_keys_and_all_strings():
    # FCM refuses data values that are not strings.
    msg = message(risk_band=RiskBand.VERY_HIGH)

    assert msg.data == {
        "alert_id": str(ALERT_ID),
        "pregnancy_id": str(PREGNANCY_ID),
        "milestone": "edd_minus_14",
        "risk_band": "very_high",
    }
    assert all(type(value) is str for value in msg.data.values())


@pytest.mark.django_db
def test_nothing_about_the_mother_leaves_the_service(sumbersari, ana, citra):
    pregnancy = make_pregnancy(
        facility=sumbersari, by=ana, edd=date(2026, 12, 15), risk_band="very_high", doctor=citra
    )
    mother = pregnancy.mother
    msg = message(pregnancy_id=pregnancy.id)

    text = f"{msg.title} {msg.body} {msg.data}"
    for personal in [
        mother.full_name,
        mother.person.nik,
        mother.phone,
        "2026-12-15",
        citra.full_name,
        sumbersari.name,
    ]:
        assert personal not in text


@pytest.mark.django_db
@pytest.mark.parametrize("band", RiskBand.values)
@pytest.mark.parametrize("urgent", [False, True])
def test_every_default_milestone_fits_fcms_payload_limit(band, urgent):
    rules = list(AlertRule.objects.all())
    assert len(rules) == 7

    for rule in rules:
        msg = message(
            milestone=rule.milestone, offset_days=rule.offset_days, risk_band=band, urgent=urgent
        )
        assert payload_size(msg) <= MAX_PAYLOAD_BYTES
        # Far below, in fact: a lock screen shows two lines.
        assert payload_size(msg) < 512
