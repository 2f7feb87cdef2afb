"""Demo people and places for seed_demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password

from jsc.people.models import District, Facility, Role, User
from jsc.people.places import places_load

DEMO_PASSWORD = "jember-demo-2026"
DEMO_REGENCY = "35.09"  # the demo is Jember's, whatever REGENCY_CODE says


@dataclass
class Summary:
    districts: int = 0
    facilities: int = 0
    users: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def slug(name: str) -> str:
    return name.lower().replace(" ", "")


@cache
def _demo_password_hash() -> str:
    # Hashed once: 64 demo staff hashed one by one cost about 20 s of every seed.
    return make_password(DEMO_PASSWORD)


def _user(username: str, role: str, full_name: str, facility: Facility | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            password=_demo_password_hash(),
            role=role,
            full_name=full_name,
            facility=facility,
        )
    return user


def seed_people() -> Summary:
    summary = Summary()
    # The same loader as manage.py load_districts: Jember's districts and villages. The
    # demo puskesmas are numbered in alphabetical order of their district (PKM-01 Ajung).
    districts = sorted(places_load(regency_code=DEMO_REGENCY).districts, key=lambda d: d.name)
    for index, district in enumerate(districts, start=1):
        name = district.name
        facility, _ = Facility.objects.get_or_create(
            code=f"PKM-{index:02d}",
            defaults={
                "name": f"Puskesmas {name}",
                "kind": Facility.Kind.PUSKESMAS,
                "district": district,
            },
        )
        _user(f"bidan.{slug(name)}", Role.MIDWIFE, f"Bidan {name}", facility)
        _user(f"dokter.{slug(name)}", Role.DOCTOR, f"dr. {name}", facility)
    patrang = District.objects.get(name="Patrang")
    hospital, _ = Facility.objects.get_or_create(
        code="RSD-SOEBANDI",
        defaults={"name": "RSD dr. Soebandi", "kind": Facility.Kind.HOSPITAL, "district": patrang},
    )
    # The hospital's doctor: the one a referral from a puskesmas hands a mother to.
    _user("dokter.soebandi", Role.DOCTOR, "dr. Soebandi (RSD)", hospital)
    _user("dinkes", Role.HEALTH_OFFICE, "Petugas Dinas Kesehatan", None)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, full_name="Admin JSC")

    summary.districts = District.objects.count()
    summary.facilities = Facility.objects.count()
    summary.users = User.objects.count()
    summary.logins = [
        ("bidan.sumbersari", "midwife, Puskesmas Sumbersari"),
        ("dokter.sumbersari", "doctor, Puskesmas Sumbersari"),
        ("bidan|dokter.<kecamatan>", "in every district, e.g. bidan.patrang"),
        ("dokter.soebandi", "doctor, RSD dr. Soebandi (the hospital referrals go to)"),
        ("dinkes", "health office, whole regency"),
        ("admin", "admin, also for the Django admin at /admin/"),
    ]
    return summary
