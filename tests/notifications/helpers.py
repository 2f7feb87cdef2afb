"""What the alert tests share: pregnancies made straight in the database (the registry's
API is tested in tests/pregnancies; here only the EDD, band and facility matter), doctors'
devices, a bounded wait, and the contract's fields of an alert."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date, timedelta

from django.db import connection

from notifications.models import Device
from pregnancies.models import Mother, Person, Pregnancy

_serial = itertools.count(1)

SCORE_FOR_BAND = {"low": 2, "high": 6, "very_high": 14}

# An alert's fields in the contract (the alerts API may add more: test_alerts_api.py).
CONTRACT_FIELDS = {
    "id",
    "pregnancy",
    "milestone",
    "edd",
    "days_to_edd",
    "risk_band",
    "status",
    "created_at",
    "sent_at",
    "acknowledged_at",
    "escalated",
    "mother",
    "facility",
    "kspr_score",
    "risk_factors",
    "visit",
    "late",
    "action",
    "note",
}


def make_pregnancy(
    *, facility, by, edd: date, risk_band: str = "low", doctor=None, status: str = "active"
) -> Pregnancy:
    n = next(_serial)
    # 350921 = Sumbersari, Jember; born 17 Aug 1995, a woman (day + 40).
    person = Person.objects.create(nik=f"350921570895{n:04d}")
    mother = Mother.objects.create(
        person=person,
        facility=facility,
        full_name=f"Ibu Uji {n}",
        date_of_birth=date(1995, 8, 17),
        phone=f"+62812000{n:05d}",
    )
    return Pregnancy.objects.create(
        mother=mother,
        person=person,
        facility=facility,
        doctor=doctor,
        registered_by=by,
        # An ultrasound EDD: day 0 of the gestational age is EDD - 280 days, whatever the
        # LMP (docs/domain.md, "Pregnancy dates").
        lmp=edd - timedelta(days=280),
        edd=edd,
        edd_source="ultrasound",
        gravida=2,
        para=1,
        abortus=0,
        kspr_score=SCORE_FOR_BAND[risk_band],
        risk_band=risk_band,
        status=status,
        create_digest="test",
    )


def device_for(user, token: str) -> Device:
    return Device.objects.create(user=user, token=token, platform="android")


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def run_at_once(n: int, work) -> list[BaseException]:
    """Run ``work`` in ``n`` threads released together; the errors they raised."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            work()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors
