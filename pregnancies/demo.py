"""Demo pregnancies for ``seed_demo``: a few hundred realistic ones across the regency.

Spread over the 31 demo puskesmas (PKM-01..PKM-31), every trimester, every risk band,
with ANC visits and some outcomes (two maternal deaths among them). Everything goes
through the registry's services, so the demo obeys the same rules as the apps.

Deterministic (one seeded ``random.Random`` per pregnancy) and idempotent: ids are
uuid5 on a fixed namespace, and a pregnancy already there is skipped whole, so a
second run, even on a later day, changes nothing. Dates are relative to the day of
the first run. NIKs are synthetic: province 35, regency 09, district = the facility's
number, a woman's birth date (day + 40) and a serial.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.utils import timezone

from jsc.people.models import Facility, Role, User, Village
from pregnancies.models import Pregnancy
from pregnancies.rules.anc import DANGER_SIGNS
from pregnancies.rules.consistency import factor_contradictions
from pregnancies.services import outcome_record, pregnancy_register, visit_record

COUNT = 300
SEED = 35_09
NAMESPACE = uuid.UUID("6f1c1d2e-5a43-4a63-9d0b-35090000a11a")

FIRST_NAMES = (
    "Siti Nur Dewi Sri Ayu Rina Wulan Putri Indah Fitri Yuni Ratna Eka Dwi Tri Anisa Aisyah "
    "Kartika Maya Lilis Endang Umi Khusnul Nurul Laila Rohmah Zahra Fatimah Yuli Wahyu Rini "
    "Novi Lia Erna Titin Astutik Halimah Musyarofah Sulastri Mega"
).split()
LAST_NAMES = (
    "Rahmawati Handayani Wahyuni Susanti Purwanti Kusuma Lestari Hidayati Maulida Safitri "
    "Anggraini Fauziah Kurniasari Mardiyah Ningsih Sholihah Utami Agustina Setyowati "
    "Rahayu Hasanah Puspitasari Zuhriyah Maghfiroh Aminah Jamilah"
).split()
VILLAGES = (
    "Kranjingan Antirogo Tegalgede Wirolegi Karangrejo Kebonsari Slawu Baratan Jumerto Gebang "
    "Sukowiryo Glagahwero Klompangan Tanggul Wetan Kencong Mangaran Sabrang Lojejer Paseban "
    "Curahnongko Andongsari Sidomekar Karangduren Bangsalsari Gumuksari"
).split()
GIVEN_4 = (
    "short_interval long_interval previous_pregnancy_loss previous_assisted_delivery "
    "previous_manual_placenta previous_transfusion anaemia malaria tuberculosis heart_failure "
    "diabetes sti oedema_hypertension twins hydramnios late_first_pregnancy"
).split()
GIVEN_8 = "previous_caesarean breech transverse_lie antepartum_bleeding severe_preeclampsia".split()
VISIT_WEEKS = (8, 13, 18, 22, 26, 30, 33, 36, 38, 40)


@dataclass
class Staff:
    facility: Facility
    number: int  # PKM-NN
    midwife: User
    doctor: User | None


@cache
def _village_codes(district_id: int) -> list[str]:
    return list(
        Village.objects.filter(district_id=district_id)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _staff() -> list[Staff]:
    facilities = Facility.objects.filter(code__regex=r"^PKM-[0-9]{2}$").order_by("code")
    people = User.objects.filter(facility__in=facilities, is_active=True).order_by("username")
    by_facility: dict = {}
    for user in people:
        by_facility.setdefault(user.facility_id, {}).setdefault(user.role, user)
    return [
        Staff(f, int(f.code[4:]), roles[Role.MIDWIFE], roles.get(Role.DOCTOR))
        for f in facilities
        if (roles := by_facility.get(f.id, {})).get(Role.MIDWIFE)
    ]


def _nik(district: int, dob: date, serial: int) -> str:
    return f"3509{district:02d}{dob.day + 40:02d}{dob.month:02d}{dob.year % 100:02d}{serial:04d}"


def _phone(rng: random.Random) -> str:
    return "+628" + "".join(rng.choice("0123456789") for _ in range(rng.randint(9, 10)))


def _plan(index: int, staff: Staff, today: date) -> dict:
    """Everything about demo pregnancy ``index``, drawn from its own seeded generator."""
    rng = random.Random(f"{SEED}-{index}")
    closed = index % 10 == 9  # 30 of 300 have an outcome
    if closed:
        kind = rng.choices(["live_birth", "stillbirth", "miscarriage", "abortion"], [22, 3, 3, 2])[
            0
        ]
        ga_at_end = (
            rng.randint(38 * 7, 41 * 7)
            if kind in ("live_birth", "stillbirth")
            else rng.randint(7 * 7, 16 * 7)
        )
        ended_days_ago = rng.randint(0, min(30, 300 - ga_at_end))
        lmp = today - timedelta(days=ended_days_ago + ga_at_end)
    else:
        trimester = rng.choices(["1", "2", "3", "post"], [25, 35, 35, 5])[0]
        low, high = {"1": (35, 84), "2": (85, 168), "3": (169, 287), "post": (294, 306)}[trimester]
        lmp = today - timedelta(days=rng.randint(low, high))
        kind = ended_days_ago = ga_at_end = None

    age = rng.choices([rng.randint(15, 16), rng.randint(17, 34), rng.randint(35, 42)], [4, 84, 12])[
        0
    ]
    dob = lmp.replace(year=lmp.year - age, day=1) - timedelta(days=rng.randint(0, 330))
    gravida = 1 if age <= 17 else rng.choices([1, 2, 3, 4, 5, 6], [30, 30, 20, 10, 6, 4])[0]
    para = rng.randint(0, gravida - 1)
    abortus = rng.randint(0, gravida - 1 - para) if rng.random() < 0.2 else 0
    factors: list[str] = []
    roll = rng.random()
    if roll > 0.55:
        factors.append(rng.choice(GIVEN_4))
    if roll > 0.85:
        factors.append(rng.choice(GIVEN_8))
    # Only factors her history allows (no first-pregnancy factor for a gravida of 2).
    refused = factor_contradictions(factors, derived=set(), gravida=gravida)
    factors = [f for f in factors if f not in refused]
    ultrasound = not closed and (today - lmp).days < 250 and rng.random() < 0.2
    return {
        "rng": rng,
        "closed": closed,
        "kind": kind,
        "ended_days_ago": ended_days_ago,
        "data": {
            "id": uuid.uuid5(NAMESPACE, f"pregnancy-{index}"),
            "mother": {
                "nik": _nik(staff.number, dob, index + 1),
                "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "date_of_birth": dob,
                "phone": _phone(rng),
                # A village of the facility's district, by its Kemendagri code.
                "village": rng.choice(_village_codes(staff.facility.district_id) or [""]),
                "address": f"Dusun {rng.choice(VILLAGES)} RT {rng.randint(1, 9):02d}"
                f"/RW {rng.randint(1, 9):02d}",
            },
            "lmp": lmp,
            "edd": lmp + timedelta(days=280 + rng.randint(-7, 7)) if ultrasound else None,
            "gravida": gravida,
            "para": para,
            "abortus": abortus,
            "height_cm": Decimal(str(round(min(max(rng.gauss(152, 6), 138), 172), 1))),
            "risk_factors": factors,
            "doctor": staff.doctor.pk if staff.doctor and rng.random() < 0.5 else None,
        },
    }


def _visit(rng: random.Random, week: int, on: date, index: int, k: int) -> dict:
    hypertensive = rng.random() < 0.08
    return {
        "id": uuid.uuid5(NAMESPACE, f"visit-{index}-{k}"),
        "date": on,
        "systolic": rng.randint(140, 165) if hypertensive else rng.randint(95, 135),
        "diastolic": rng.randint(90, 105) if hypertensive else rng.randint(60, 85),
        "weight_kg": Decimal(str(round(rng.uniform(45, 75) + week * 0.3, 1))),
        "hemoglobin": Decimal(str(round(rng.uniform(9.0, 13.5), 1))),
        "muac_cm": Decimal(str(round(rng.uniform(21.5, 30), 1))),
        "fundal_height_cm": Decimal(week - rng.randint(0, 2)) if week >= 20 else None,
        "fetal_heart_rate": rng.randint(120, 160) if week >= 12 else None,
        "danger_signs": [rng.choice(DANGER_SIGNS).code] if rng.random() < 0.05 else [],
        "notes": "",
    }


def _record_visits(
    plan: dict, pregnancy: Pregnancy, staff: Staff, index: int, *, last: date, today: date
) -> int:
    """Visits at the usual weeks (some missed), none after ``last`` (today or the outcome)."""
    rng: random.Random = plan["rng"]
    start = pregnancy.ga_start
    made = 0
    for k, week in enumerate(VISIT_WEEKS):
        on = start + timedelta(days=week * 7 + rng.randint(0, 4))
        if on > last or rng.random() > 0.75:
            continue
        by = staff.doctor if staff.doctor and k in (0, 6) else staff.midwife
        visit_record(pregnancy=pregnancy, data=_visit(rng, week, on, index, k), by=by, today=today)
        made += 1
    return made


def _record_outcome(
    plan: dict, pregnancy: Pregnancy, staff: Staff, index: int, today: date
) -> None:
    rng: random.Random = plan["rng"]
    on = today - timedelta(days=plan["ended_days_ago"])
    data = {
        "kind": plan["kind"],
        "date": on,
        "place": rng.choice([staff.facility.name, "RSD dr. Soebandi", "Rumah"]),
    }
    if plan["kind"] == "live_birth":
        data["babies_born_alive"] = 2 if "twins" in pregnancy.risk_factors else 1
    # Two maternal deaths among the demo outcomes (by index, so always the same two).
    if index in (9, 149):
        data.update(
            mother_died=True,
            mother_death_date=min(on + timedelta(days=rng.randint(0, 5)), today),
            mother_death_cause=rng.choice(["Perdarahan postpartum", "Eklampsia"]),
        )
    outcome_record(pregnancy=pregnancy, data=data, by=staff.midwife, today=today)


def seed(stdout) -> None:
    today = timezone.localdate()
    _village_codes.cache_clear()  # district ids differ from one database to the next
    staff = _staff()
    if not staff:
        stdout.write("Demo pregnancies: no demo puskesmas with a midwife; skipped.")
        return
    existing = set(
        Pregnancy.objects.filter(
            pk__in=[uuid.uuid5(NAMESPACE, f"pregnancy-{i}") for i in range(COUNT)]
        ).values_list("pk", flat=True)
    )
    created = visits = outcomes = 0
    for index in range(COUNT):
        where = staff[index % len(staff)]
        plan = _plan(index, where, today)
        if plan["data"]["id"] in existing:
            continue
        pregnancy, _ = pregnancy_register(data=plan["data"], by=where.midwife, today=today)
        created += 1
        last = today - timedelta(days=plan["ended_days_ago"] or 0)
        visits += _record_visits(plan, pregnancy, where, index, last=last, today=today)
        if plan["closed"]:
            _record_outcome(plan, pregnancy, where, index, today)
            outcomes += 1
    stdout.write(
        f"Demo pregnancies: {created} new ({visits} visits, {outcomes} outcomes), "
        f"{len(existing) + created} in all."
    )
