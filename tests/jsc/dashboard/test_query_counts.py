"""Every dashboard endpoint and page asks the database the same number of questions for
10 pregnancies as for 1,000: aggregates, never a query per pregnancy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jsc.people.models import Village
from notifications.models import Alert
from pregnancies.models import Mother, Outcome, Person, Pregnancy, Visit

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/dashboard/summary/?year=2026",
    "/api/v1/dashboard/pws-kia/?year=2026&month=3",
    "/api/v1/dashboard/pws-kia/?year=2026&month=3&district=35.09.21",
    "/api/v1/dashboard/high-risk/?due_within_days=300",
    "/api/v1/dashboard/high-risk/?due_within_days=300&format=csv",
    "/api/v1/dashboard/alert-response/?year=2026",
    "/api/v1/dashboard/expected-deliveries/",
    "/dashboard/",
    "/dashboard/pws-kia/?year=2026&month=3&district=35.09.21&indicator=k4",
    "/dashboard/high-risk/?weeks=40",
    "/dashboard/deliveries/",
    "/dashboard/alerts/?year=2026",
    "/dashboard/targets/?year=2026",
    "/api/v1/dashboard/unmatched-villages/",
    "/api/v1/villages/?district=35.09.21",
]


def add_pregnancies(n: int, *, start: int, facility, midwife, doctor) -> None:
    villages = list(Village.objects.filter(district__code="35.09.21"))
    people = Person.objects.bulk_create(Person(nik=f"3509215708{start + i:06d}") for i in range(n))
    mothers = Mother.objects.bulk_create(
        Mother(
            person=people[i],
            facility=facility,
            full_name=f"Ibu {i}",
            date_of_birth=date(1995, 8, 17),
            village=villages[i % len(villages)].name,
            village_place=villages[i % len(villages)],
        )
        for i in range(n)
    )
    pregnancies = Pregnancy.objects.bulk_create(
        Pregnancy(
            mother=m,
            person=m.person,
            facility=facility,
            registered_by=midwife,
            edd=date(2026, 1, 1) + timedelta(days=i % 250),
            lmp=date(2026, 1, 1) + timedelta(days=i % 250 - 280),
            edd_source="ultrasound",  # the EDD as given: day 0 is EDD - 280, the LMP
            gravida=2,
            para=1,
            abortus=0,
            kspr_score=(2, 6, 14)[i % 3],
            risk_band=("low", "high", "very_high")[i % 3],
            status="active" if i % 4 else "delivered",
            create_digest="x",
        )
        for i, m in enumerate(mothers)
    )
    Visit.objects.bulk_create(
        Visit(pregnancy=p, date=p.edd - timedelta(days=d), recorded_by=midwife)
        for p in pregnancies
        for d in (200, 150, 90, 40)
    )
    Outcome.objects.bulk_create(
        Outcome(
            pregnancy=p,
            kind="live_birth",
            date=p.edd,
            babies_born_alive=1,
            mother_died=i % 40 == 0,
            recorded_by=midwife,
        )
        for i, p in enumerate(pregnancies)
        if p.status == "delivered"
    )
    Alert.objects.bulk_create(
        Alert(
            pregnancy=p,
            milestone="edd_minus_28",
            recipient=doctor,
            edd=p.edd,
            risk_band=p.risk_band,
            status="sent",
        )
        for p in pregnancies
    )


def counts(client) -> dict[str, int]:
    out = {}
    for url in ENDPOINTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        out[url] = len(queries)
    return out


def test_query_counts_do_not_grow_from_10_to_1000_pregnancies(
    client, places, dewi, ana, citra, sumbersari
):
    client.force_login(dewi)
    add_pregnancies(10, start=0, facility=sumbersari, midwife=ana, doctor=citra)
    with_10 = counts(client)

    add_pregnancies(990, start=10, facility=sumbersari, midwife=ana, doctor=citra)
    with_1000 = counts(client)

    assert with_1000 == with_10
