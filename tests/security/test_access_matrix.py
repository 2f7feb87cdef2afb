"""Every cell of the access matrix (access_matrix.py) against the real API.

One parametrized case per (endpoint, object, role): the world has a pregnancy (with a
visit, and an outcome where the route needs one), an alert and a device at each of
two facilities; the caller is midwife Ana or Dr. Citra of Puskesmas Sumbersari,
Dinkes officer Dewi, admin Adi, or nobody.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from deaths.models import Recommendation
from deaths.services import death_notify, review_record, verbal_autopsy_record
from jsc.people.models import User
from notifications.models import Alert, AlertRule, Device
from pregnancies.models import Pregnancy
from pregnancies.services import outcome_record, referral_record
from tests.pregnancies.helpers import PATRANG, SUMBERSARI, build_nik
from tests.security.access_matrix import HIDDEN, IDS, LISTED, MATRIX, cells, markdown
from tests.security.cast import MOTHERS, registration, seed_pregnancy

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def world(cast):
    sumbersari, patrang, seeded = cast["sumbersari"], cast["patrang"], cast["seeded"]
    ana, citra, dodi, dewi, adi = (cast[name] for name in ("ana", "citra", "dodi", "dewi", "adi"))
    own = Pregnancy.objects.get(pk=seeded["sumbersari"].pregnancy)
    other = Pregnancy.objects.get(pk=seeded["patrang"].pregnancy)
    # Registering near term already owes the milestone (the urgent path); make sure.
    alerts = {
        "own": Alert.objects.get_or_create(
            pregnancy=own, milestone="edd_minus_28", recipient=citra,
            defaults={"edd": own.edd, "risk_band": own.risk_band},
        )[0],
        "other": Alert.objects.get_or_create(
            pregnancy=other, milestone="edd_minus_28", recipient=dodi,
            defaults={"edd": other.edd, "risk_band": other.risk_band},
        )[0],
    }  # fmt: skip
    # A third mother, at Patrang, whose pregnancy Dr. Dodi referred to Sumbersari.
    bidan_patrang = User.objects.get(username="seed-ptr")
    referred_seed = seed_pregnancy(bidan_patrang, PATRANG, serial=9)
    referred = Pregnancy.objects.get(pk=referred_seed.pregnancy)
    referral_record(
        pregnancy=referred,
        by=dodi,
        to_facility_id=sumbersari.pk,
        kind="rdb",
        today=timezone.localdate(),
    )
    deaths = {
        "own": death_notify(data=death_body(41), by=ana, now=timezone.now())[0],
        "other": death_notify(data=death_body(42), by=dodi, now=timezone.now())[0],
    }
    return {
        "users": {"midwife": ana, "doctor": citra, "health_office": dewi, "admin": adi},
        "facilities": {"own": sumbersari, "other": patrang},
        "deaths": deaths,
        "pregnancies": {"own": own, "other": other, "referred": referred},
        "niks": {
            "referred": referred_seed.nik,
            "other": seeded["patrang"].nik,
            # Patrang's place and its mothers' birth date: nobody recorded this one.
            "unknown": build_nik(MOTHERS[PATRANG][2], serial=31, place6=PATRANG),
        },
        "alerts": alerts,
        "someone_else": dodi,
        "seeded": seeded,
    }


def death_body(serial: int) -> dict:
    return {
        "kind": "maternal",
        "person": {"nik": build_nik(date(1990, 5, 4), serial=serial), "full_name": "Ibu Uji"},
        "died_at": timezone.now() - timedelta(hours=1),
        "days_after_end": 5,
    }


def death_reviewed(case) -> str:
    """The case through verbal autopsy and review; its recommendation's id."""
    dewi = User.objects.get(username="dewi")
    today = timezone.localdate()
    verbal_autopsy_record(
        case=case,
        data={"interview_date": today, "informant": "suami", "story": "Cerita."},
        by=dewi,
        now=timezone.now(),
    )
    review_record(
        case=case,
        data={
            "review_date": today,
            "cause_group": "grup3-icdmm",
            "avoidable": "yes",
            "recommendations": [{"text": "Kelas ibu", "responsible": "PKM", "due": today}],
        },
        by=dewi,
        now=timezone.now(),
    )
    return str(Recommendation.objects.get(case=case).pk)


# The NIK rows' targets: (pregnancy, the body's mother) for a PATCH, the seeded mother
# whose registration is sent again for a POST.
NIK_PATCHES = {
    "referred, NIK unknown": ("referred", "unknown"),
    "referred, NIK of other": ("referred", "other"),
    "other, NIK unknown": ("other", "unknown"),
}
NIK_REGISTRATIONS = {"NIK of referred": 9, "NIK of other": 7}  # cast.seed_pregnancy serials


def with_outcome(pregnancy: Pregnancy) -> None:
    outcome_record(
        pregnancy=pregnancy,
        data={"kind": "live_birth", "date": timezone.localdate()},
        by=pregnancy.registered_by,
        today=timezone.localdate(),
    )


def request_for(endpoint: str, target: str, world: dict, caller) -> tuple[str, str, dict | None]:
    """The method, the path with the target's id, and a valid body."""
    method, template = endpoint.split(" ")
    today = timezone.localdate().isoformat()
    on, nik = NIK_PATCHES.get(target, (target.split(",")[0], None))
    pregnancy = world["pregnancies"].get(on)
    ident = ""
    body: dict | None = None
    if template.startswith("/api/v1/facilities/"):
        ident = world["facilities"].get(target, world["facilities"]["own"]).pk
        body = (
            {"name": "Puskesmas Baru"}
            if method == "PATCH"
            else {"code": "RS-M", "name": "RS Matrix", "kind": "hospital", "district": "Patrang"}
        )
    elif template.startswith("/api/v1/users/{id}/"):
        ident = world["someone_else"].pk
        body = (
            {"password": "another-long-pass-phrase-7"}
            if template.endswith("/password/")
            else {"full_name": "Nama Baru"}
        )
    elif template.startswith("/api/v1/users/"):
        body = {
            "username": "newbie",
            "password": "a-long-pass-phrase-9",
            "full_name": "Bidan Baru",
            "role": "midwife",
            "facility": str(world["facilities"]["own"].pk),
        }
    elif template.startswith("/api/v1/pregnancies/"):
        ident = pregnancy.pk if pregnancy else ""
        if template.endswith("/outcome/"):
            if method != "POST":
                with_outcome(pregnancy)
            body = {"kind": "live_birth", "date": today} if method == "POST" else {"place": "Rumah"}
        elif template.endswith("/visits/"):
            body = {"date": today, "weight_kg": 60}
        elif method == "POST" and target in NIK_REGISTRATIONS:
            serial = NIK_REGISTRATIONS[target]
            body = registration(PATRANG, today=timezone.localdate(), serial=serial)
        elif method == "POST":
            body = registration(SUMBERSARI, today=timezone.localdate(), serial=99)
        elif nik is not None:
            body = {"mother": {"nik": world["niks"][nik]}}
        elif target == "referred, phone":
            body = {"mother": {"phone": "+6281399990000"}}
        else:
            body = {"height_cm": 155}
    elif template.startswith("/api/v1/mothers/"):
        ident = pregnancy.person_id
    elif template.startswith("/api/v1/alerts/"):
        ident = world["alerts"][target].pk if target != "-" else ""
    elif template.startswith("/api/v1/devices/"):
        owner = caller if target == "own" else world["someone_else"]
        if method == "DELETE":
            ident = Device.objects.create(
                user=owner or world["someone_else"], token="tok-matrix-own", platform="android"
            ).token
        body = {"token": "tok-matrix-new", "platform": "android"}
    elif template.startswith("/api/v1/dashboard/"):
        year = timezone.localdate().year
        ident = year
        query = {
            "pws-kia/": f"?year={year}&month=1",
            "high-risk/": "?due_within_days=60",
        }
        template += next((q for end, q in query.items() if template.endswith(end)), "")
        body = (
            {"crude_birth_rate_per_1000": 16.5}
            if method == "PUT"
            else {"text": "Kranjingan", "village": "Kranjingan"}
        )
    elif template.startswith("/api/v1/deaths/"):
        case = world["deaths"].get(target)
        ident = case.pk if case else ""
        if template.endswith("/recommendations/{id}/"):
            template = template.replace(
                "recommendations/{id}", f"recommendations/{death_reviewed(case)}"
            )
            body = {"done": True, "note": "Selesai"}
        elif template.endswith("/review/"):
            verbal_autopsy_record(
                case=case,
                data={
                    "interview_date": timezone.localdate(),
                    "informant": "suami",
                    "story": "Cerita.",
                },
                by=world["users"]["health_office"],
                now=timezone.now(),
            )
            body = {"review_date": today, "cause_group": "grup3-icdmm", "avoidable": "no"}
        elif template.endswith("/verbal-autopsy/"):
            body = {"interview_date": today, "informant": "suami", "story": "Cerita."}
        elif template.endswith("/screening/"):
            body = {"is_maternal": True}
        elif template.endswith("/facility-summary/"):
            body = {"narrative": "Ringkasan"}
        elif template.endswith("/zero-report/"):
            body = {"month": "2025-01"}
        elif method == "POST":
            body = {**death_body(43), "died_at": (timezone.now() - timedelta(hours=1)).isoformat()}
    elif template.startswith("/api/v1/alert-rules/"):
        ident = AlertRule.objects.order_by("offset_days").first().pk
        if method == "POST":
            body = {"milestone": "edd_minus_21", "offset_days": -21, "bands": ["high"]}
        else:
            body = {"active": False}
    return method.lower(), template.replace("{id}", str(ident)), body


def listed_ids(answer: dict, endpoint: str) -> set[str]:
    return {str(row.get("id") or row.get("pregnancy")) for row in answer["results"]}


def target_id(endpoint: str, target: str, world: dict) -> str:
    if endpoint.startswith("GET /api/v1/alerts/"):
        return str(world["alerts"][target].pk)
    if endpoint.startswith("GET /api/v1/deaths/"):
        return str(world["deaths"][target].pk)
    pregnancy = world["pregnancies"][target]
    return str(pregnancy.person_id if "/mothers/" in endpoint else pregnancy.pk)


@pytest.mark.parametrize(("endpoint", "target", "role", "expected"), cells())
def test_the_matrix_says_what_each_role_may_do(db, world, endpoint, target, role, expected):
    caller = world["users"].get(role)
    client = APIClient()
    if caller is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(caller)}")
    method, path, body = request_for(endpoint, target, world, caller)

    if method in {"get", "delete"}:
        answer = getattr(client, method)(path)
    else:
        answer = getattr(client, method)(path, body, format="json")

    if expected in (LISTED, HIDDEN, IDS):
        assert answer.status_code == 200, answer.content
        shown = target_id(endpoint, target, world) in listed_ids(answer.json(), endpoint)
        assert shown == (expected != HIDDEN), answer.content
    if expected == IDS:
        for seeded in world["seeded"].values():
            for personal in (seeded.full_name, seeded.nik, seeded.phone):
                assert personal not in answer.content.decode()
    elif expected not in (LISTED, HIDDEN):
        assert answer.status_code == expected, answer.content


def test_the_readme_shows_the_matrix_the_suite_checks():
    """README.md carries the table rendered from the same rows (make access-table)."""
    assert markdown() in README.read_text(encoding="utf-8")


# Anyone may call these: they are how one signs in.
PUBLIC = {"POST /api/v1/auth/token/", "POST /api/v1/auth/token/refresh/"}


def test_every_operation_of_the_schema_is_in_the_matrix():
    """A new endpoint is not done until its row says who may use it."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        f"{method.upper()} {re.sub(r'{[^}]+}', '{id}', path)}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    in_matrix = {endpoint for endpoint, *_ in MATRIX}

    assert operations - PUBLIC - in_matrix == set()
    assert in_matrix - operations == set()
