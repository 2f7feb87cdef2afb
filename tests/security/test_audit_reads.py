"""Every route that shows a mother's record writes who read it to the audit trail.

One row per route: who calls it, and what the trail must then hold (the pregnancy's id,
or the person's for the health office's view across facilities). Routes added by other
work (the doctor's inbox with the mother's name, the dashboard's high-risk list and its
CSV) belong in this table too.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from pregnancies.models import AuditEntry, Pregnancy
from pregnancies.services import outcome_record
from tests.pregnancies.helpers import SUMBERSARI
from tests.security.cast import registration

# caller, method, path ({p}: pregnancy id, {m}: person id), action, target, keyed by
READS = [
    ("doctor", "get", "/api/v1/pregnancies/", "list", "pregnancy", "pregnancy"),
    ("health_office", "get", "/api/v1/pregnancies/", "list", "pregnancy", "pregnancy"),
    ("doctor", "get", "/api/v1/pregnancies/?search={nik}", "list", "pregnancy", "pregnancy"),
    ("doctor", "get", "/api/v1/pregnancies/{p}/", "read", "pregnancy", "pregnancy"),
    ("health_office", "get", "/api/v1/pregnancies/{p}/", "read", "pregnancy", "pregnancy"),
    ("doctor", "get", "/api/v1/pregnancies/{p}/visits/", "read", "visit", "pregnancy"),
    ("doctor", "get", "/api/v1/pregnancies/{p}/outcome/", "read", "outcome", "pregnancy"),
    ("health_office", "get", "/api/v1/mothers/", "list", "person", "person"),
    ("health_office", "get", "/api/v1/mothers/{m}/", "read", "person", "person"),
    # The dashboard's high-risk list names mothers and their phones: API, CSV, web page.
    (
        "health_office",
        "get",
        "/api/v1/dashboard/high-risk/?due_within_days=60",
        "list",
        "pregnancy",
        "pregnancy",
    ),
    (
        "health_office",
        "get",
        "/api/v1/dashboard/high-risk/?due_within_days=60&format=csv",
        "list",
        "pregnancy",
        "pregnancy",
    ),
    ("health_office", "page", "/dashboard/high-risk/?weeks=8", "list", "pregnancy", "pregnancy"),
    ("health_office", "page", "/dashboard/high-risk.csv?weeks=8", "list", "pregnancy", "pregnancy"),
    # A retried registration answers the stored record: a read.
    ("midwife", "post", "/api/v1/pregnancies/", "read", "pregnancy", "pregnancy"),
]


@pytest.fixture
def recorded(cast) -> dict:
    seeded = cast["seeded"]["sumbersari"]
    pregnancy = Pregnancy.objects.get(pk=seeded.pregnancy)
    today = timezone.localdate()
    # The registration as the phone first sent it, to be sent again.
    retry = {**registration(SUMBERSARI, today=today), "id": str(pregnancy.pk)}
    return {"pregnancy": pregnancy, "nik": seeded.nik, "retry": retry}


@pytest.mark.parametrize(("caller", "method", "path", "action", "target", "keyed_by"), READS)
def test_every_read_of_a_mothers_record_is_audited(
    db, api, cast, recorded, caller, method, path, action, target, keyed_by
):
    user = cast[{"midwife": "ana", "doctor": "citra", "health_office": "dewi"}[caller]]
    pregnancy = recorded["pregnancy"]
    url = path.format(p=pregnancy.pk, m=pregnancy.person_id, nik=recorded["nik"])
    if "/outcome/" in path:
        outcome_record(
            pregnancy=pregnancy,
            data={"kind": "live_birth", "date": timezone.localdate()},
            by=pregnancy.registered_by,
            today=timezone.localdate(),
        )
    before = set(AuditEntry.objects.values_list("id", flat=True))

    if method == "post":
        answer = api(user).post(url, recorded["retry"], format="json")
    elif method == "page":  # a web page, behind the session login
        browser = Client()
        browser.force_login(user)
        answer = browser.get(url)
    else:
        answer = api(user).get(url)

    assert answer.status_code == 200, answer.content
    new = AuditEntry.objects.exclude(id__in=before)
    key = (
        {"pregnancy_id": pregnancy.pk}
        if keyed_by == "pregnancy"
        else {"object_id": pregnancy.person_id}
    )
    assert new.filter(user=user, action=action, target=target, **key).exists(), list(
        new.values_list("action", "target", "pregnancy_id", "object_id")
    )
