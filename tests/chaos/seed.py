"""Data for the fault-injection suite, written in the suite's own database.

Run in the service's environment (``python -m tests.chaos.seed ...`` with the cluster's
DATABASE_URL): ``setup`` makes facilities, midwives and doctors with phones; ``owe N
START`` adds N pregnancies due in two weeks, so that the next scan owes an alert to
every doctor of their facility. Prints JSON.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jsc.people.models import District, Facility, Role, User  # noqa: E402
from notifications.models import Device  # noqa: E402
from pregnancies.models import Mother, Person, Pregnancy  # noqa: E402

PASSWORD = "chaos-suite-password"
FACILITIES = 4
DOCTORS_PER_FACILITY = 2
PHONES_PER_DOCTOR = 2


def setup() -> dict:
    district, _ = District.objects.get_or_create(name="Sumbersari")
    facilities = []
    for f in range(FACILITIES):
        facility, _ = Facility.objects.get_or_create(
            code=f"CHAOS-{f}",
            defaults={"name": f"Puskesmas Uji {f}", "kind": "puskesmas", "district": district},
        )
        facilities.append(facility)
        _user(f"bidan{f}", Role.MIDWIFE, facility)
        for d in range(DOCTORS_PER_FACILITY):
            doctor = _user(f"dokter{f}-{d}", Role.DOCTOR, facility)
            for p in range(PHONES_PER_DOCTOR):
                Device.objects.get_or_create(
                    token=f"chaos-token-{f}-{d}-{p}-" + "x" * 120,
                    defaults={"user": doctor, "platform": "android" if p == 0 else "ios"},
                )
    return {
        "password": PASSWORD,
        "midwives": [f"bidan{f}" for f in range(FACILITIES)],
        "doctors": [
            f"dokter{f}-{d}" for f in range(FACILITIES) for d in range(DOCTORS_PER_FACILITY)
        ],
    }


def _user(username: str, role: str, facility: Facility) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            facility=facility,
            full_name=username.title(),
        )
    return user


@transaction.atomic
def owe(count: int, start: int) -> dict:
    """`count` high-risk pregnancies due in 14 days, spread over the facilities."""
    facilities = list(Facility.objects.filter(code__startswith="CHAOS-").order_by("code"))
    midwives = {u.facility_id: u for u in User.objects.filter(role=Role.MIDWIFE)}
    edd = timezone.localdate() + timedelta(days=14)
    for n in range(start, start + count):
        facility = facilities[n % len(facilities)]
        # A NIK-shaped number outside the registration load's range (place 350999).
        person = Person.objects.create(nik=f"35099957089{n:05d}")
        mother = Mother.objects.create(
            person=person,
            facility=facility,
            full_name=f"Ibu Uji {n}",
            date_of_birth=date(1989, 8, 17),
            phone=f"+62812{n:07d}",
        )
        Pregnancy.objects.create(
            mother=mother,
            person=person,
            facility=facility,
            registered_by=midwives[facility.id],
            lmp=edd - timedelta(days=280),
            edd=edd,
            edd_source="ultrasound",  # the EDD as given: only it matters here
            gravida=2,
            para=1,
            abortus=0,
            kspr_score=6,
            risk_band="high",
            status="active",
            create_digest="chaos",
        )
    return {"owed_pregnancies": count}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = setup() if command == "setup" else owe(int(args[0]), int(args[1]))
    print(json.dumps(result))
