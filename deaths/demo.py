"""Demo deaths for ``seed_demo`` (docs/deaths.md, "Demo"): what `make run` needs to walk
through AMP-SR.

- ``dinkes`` gets a demo phone, so the worker's log shows the death_notified push.
- At Puskesmas Sumbersari, a mother who gave birth 10 days ago (``WALKTHROUGH``): the
  midwife notifies her death from the API and takes the case through the steps.
- Last year's cases for the deaths page: a reviewed maternal death with its
  recommendation, a perinatal death, a late maternal death of a woman never registered;
  and zero reports from half the puskesmas for last month, so the rest show as missing.

Idempotent: fixed ids (uuid5) and natural keys; a second run changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from deaths.models import DeathCase, ZeroReport
from deaths.services import (
    death_notify,
    review_record,
    screening_record,
    verbal_autopsy_record,
)
from jsc.people.models import User
from notifications.models import Alert, AlertStatus, Device
from pregnancies.models import Pregnancy
from pregnancies.services import outcome_record, pregnancy_register

NAMESPACE = uuid.UUID("9d3c59a4-2f63-4f43-8a1e-35090000d1e5")
WALKTHROUGH = uuid.uuid5(NAMESPACE, "walkthrough-pregnancy")
DEMO_DEVICE = "demo-device-dinkes"


def _nik(district: int, dob, serial: int) -> str:
    return f"3509{district:02d}{dob.day + 40:02d}{dob.month:02d}{dob.year % 100:02d}{serial:04d}"


def _walkthrough(midwife: User, today) -> None:
    if Pregnancy.objects.filter(pk=WALKTHROUGH).exists():
        return
    dob = today.replace(year=today.year - 27, day=1)
    pregnancy, _ = pregnancy_register(
        data={
            "id": WALKTHROUGH,
            "mother": {
                "nik": _nik(21, dob, 9001),
                "full_name": "Rina Puspitasari",
                "date_of_birth": dob,
                "phone": "+6281330009001",
                "village": "35.09.21.1005",
                "address": "Jl. Mastrip 9",
            },
            "lmp": today - timedelta(days=10 + 276),
            "gravida": 2,
            "para": 1,
            "abortus": 0,
            "height_cm": 148,
            "risk_factors": [],
        },
        by=midwife,
        today=today - timedelta(days=10),
    )
    outcome_record(
        pregnancy=pregnancy,
        data={"kind": "live_birth", "date": today - timedelta(days=10), "place": "Rumah"},
        by=midwife,
        today=today,
    )


def _history(staff: dict, office: User, today) -> int:
    """Last year's cases, through their steps: the deaths page has something to show."""
    year, tz = today.year - 1, timezone.get_default_timezone()
    made = 0
    plans = [
        ("maternal", "PKM-01", datetime(year, 3, 14, 21, 30, tzinfo=tz), {"days_after_end": 2}),
        ("late_maternal", "PKM-07", datetime(year, 6, 2, 4, 0, tzinfo=tz), {"days_after_end": 70}),
        ("perinatal", "PKM-12", datetime(year, 9, 20, 13, 0, tzinfo=tz), {"gestational_weeks": 34}),
    ]
    for index, (kind, code, died, extra) in enumerate(plans, start=1):
        case_id = uuid.uuid5(NAMESPACE, f"history-{index}")
        if DeathCase.objects.filter(pk=case_id).exists() or code not in staff:
            continue
        died_at = died
        body = {
            "id": case_id,
            "kind": kind,
            "person": {
                "nik": _nik(int(code[4:]), died.date().replace(year=year - 30), 9100 + index),
                "full_name": f"Ibu Demo {index}",
            },
            "died_at": died_at,
            "place": "home" if kind != "perinatal" else "puskesmas",
            **extra,
        }
        if kind == "perinatal":
            body["baby"] = {"born_at": died_at - timedelta(hours=20), "weight_g": 1900}
        notified = died_at + timedelta(hours=30 if index == 2 else 6)
        case, _ = death_notify(data=body, by=staff[code], now=notified)
        # Last year's news: answered then, so `make run` pushes only what happens now.
        Alert.objects.filter(death=case).update(
            status=AlertStatus.UNDELIVERED, acknowledged_at=notified + timedelta(hours=1)
        )
        made += 1
        if kind == "maternal":
            screening_record(
                case=case, data={"is_maternal": True}, by=office, now=notified + timedelta(days=2)
            )
        if kind == "late_maternal":
            continue  # notified late and never interviewed: overdue on the page
        interview = (died_at + timedelta(days=9)).date()
        verbal_autopsy_record(
            case=case,
            data={
                "interview_date": interview,
                "informant": "Keluarga",
                "informant_relation": "spouse",
                "story": "Persalinan di rumah; keluarga menunggu sebelum membawa ke puskesmas.",
                "delays": {"deciding": True, "reaching": kind == "maternal"},
            },
            by=staff[code],
            now=died_at + timedelta(days=9),
        )
        reviewed = died_at + timedelta(days=40)
        review_record(
            case=case,
            data={
                "review_date": reviewed.date(),
                "cause_group": "grup3-icdmm" if kind == "maternal" else "grup5-icdmm",
                "avoidable": "yes",
                "delays": {"deciding": True, "reaching": kind == "maternal"},
                "findings": "Tanda bahaya tidak dikenali keluarga; rujukan terlambat.",
                "recommendations": [
                    {
                        "text": "Kelas ibu hamil tentang tanda bahaya di setiap desa.",
                        "responsible": "Seksi Kesehatan Keluarga",
                        "due": reviewed.date() + timedelta(days=60),
                    }
                ],
            },
            by=office,
            now=reviewed,
        )
    return made


def _zero_reports(staff: dict, today) -> int:
    """Last month: the even-numbered puskesmas said "no deaths", the others did not yet."""
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    made = 0
    for code, midwife in sorted(staff.items()):
        if int(code[4:]) % 2 == 0:
            _, created = ZeroReport.objects.get_or_create(
                facility=midwife.facility,
                month=month,
                defaults={
                    "by": midwife,
                    "at": timezone.make_aware(datetime.combine(today, time(8))),
                },
            )
            made += created
    return made


def seed(stdout) -> None:
    today = timezone.localdate()
    office = User.objects.filter(username="dinkes").first()
    sumbersari = User.objects.filter(username="bidan.sumbersari").first()
    if office is None or sumbersari is None:
        stdout.write("Demo deaths: no demo health office or Sumbersari midwife; skipped.")
        return
    midwives = {
        u.facility.code: u
        for u in User.objects.filter(
            username__startswith="bidan.", facility__code__regex=r"^PKM-[0-9]{2}$"
        ).select_related("facility")
    }
    # The officer's phone: `make run`'s worker log shows the death_notified push.
    Device.objects.get_or_create(
        token=DEMO_DEVICE, defaults={"user": office, "platform": "android"}
    )
    _walkthrough(sumbersari, today)
    made = _history(midwives, office, today)
    zero = _zero_reports(midwives, today)
    # The walkthrough's pregnancy id is fixed (uuid5), so the README names it.
    stdout.write(f"Demo deaths: {made} new cases from last year; {zero} zero reports last month.")
