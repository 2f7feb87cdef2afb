"""The pregnancy list's district, village and ordering filters and its NIK prefix
search; and every list answers an unknown query parameter with 400 naming it, so a
mistyped filter never passes as "everything"."""

from __future__ import annotations

import pytest

from jsc.people.models import District, Facility, Role
from pregnancies.models import Pregnancy
from tests.conftest import make_user
from tests.pregnancies.helpers import URL, days_ago, mother, register

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["results"]]


@pytest.fixture
def kalisat(db) -> Facility:
    district = District.objects.create(name="Kalisat")
    return Facility.objects.create(
        code="PKM-KLS", name="Puskesmas Kalisat", kind="puskesmas", district=district
    )


def test_the_health_office_filters_by_the_facility_s_district(api, ana, dewi, kalisat):
    sumbersari = register(api(ana))
    eka = make_user("eka", Role.MIDWIFE, kalisat)
    in_kalisat = register(api(eka), mother=mother(serial=2))

    assert ids(api(dewi).get(URL, {"district": "Sumbersari"})) == [sumbersari["id"]]
    assert ids(api(dewi).get(URL, {"district": "kalisat"})) == [in_kalisat["id"]]
    assert ids(api(dewi).get(URL, {"district": "Patrang"})) == []
    District.objects.filter(name="Kalisat").update(code="35.09.12")
    assert ids(api(dewi).get(URL, {"district": "35.09.12"})) == [in_kalisat["id"]]


def test_it_filters_by_the_mother_s_village(api, ana):
    kranjingan = register(api(ana))
    tegalgede = register(api(ana), mother=mother(serial=2, village="Tegalgede"))

    assert ids(api(ana).get(URL, {"village": "Tegalgede"})) == [tegalgede["id"]]
    assert ids(api(ana).get(URL, {"village": "kranjingan"})) == [kranjingan["id"]]


def test_it_orders_by_what_is_asked_and_by_edd_otherwise(api, ana):
    soon = register(api(ana), lmp=days_ago(200).isoformat())
    late = register(api(ana), mother=mother(serial=2), lmp=days_ago(20).isoformat())
    Pregnancy.objects.filter(pk=late["id"]).update(kspr_score=14)

    assert ids(api(ana).get(URL)) == [soon["id"], late["id"]]
    assert ids(api(ana).get(URL, {"ordering": "-edd"})) == [late["id"], soon["id"]]
    assert ids(api(ana).get(URL, {"ordering": "-kspr_score"})) == [late["id"], soon["id"]]
    assert ids(api(ana).get(URL, {"ordering": "kspr_score"})) == [soon["id"], late["id"]]


@pytest.mark.parametrize("ordering", ["nik", "mother__full_name", "edd;drop"])
def test_an_ordering_it_does_not_offer_is_a_400(api, ana, ordering):
    response = api(ana).get(URL, {"ordering": ordering})

    assert response.status_code == 400
    assert "ordering" in response.json()


def test_a_nik_prefix_of_six_digits_or_more_finds_the_mother(api, ana):
    siti = register(api(ana))
    other = register(api(ana), mother=mother(serial=2, full_name="Dewi Lestari"))
    nik = siti["mother"]["nik"]

    assert ids(api(ana).get(URL, {"search": nik[:15]})) == [siti["id"]]
    assert set(ids(api(ana).get(URL, {"search": nik[:6]}))) == {siti["id"], other["id"]}
    assert ids(api(ana).get(URL, {"search": nik[:5]})) == []  # too short: a name search


def test_a_nik_prefix_stays_within_the_caller_s_reach(api, ana, bayu):
    siti = register(api(ana))

    assert ids(api(bayu).get(URL, {"search": siti["mother"]["nik"][:8]})) == []


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("ana", URL),
        ("citra", "/api/v1/alerts/"),
        ("adi", "/api/v1/users/"),
        ("adi", "/api/v1/facilities/"),
        ("adi", "/api/v1/audit/"),
        ("adi", "/api/v1/admin-changes/"),
        ("adi", "/api/v1/alert-rules/"),
    ],
)
def test_every_list_answers_an_unknown_parameter_with_400_naming_it(
    api, ana, citra, adi, who, path
):
    caller = {"ana": ana, "citra": citra, "adi": adi}[who]

    response = api(caller).get(path, {"risk": "high", "page_size": 10, "sort": "x"})

    assert response.status_code == 400
    assert set(response.json()) == {"risk", "sort"}
    assert response.json()["risk"] == ["Unknown query parameter."]


def test_the_visits_list_refuses_an_unknown_parameter_too(api, ana):
    pregnancy = register(api(ana))

    response = api(ana).get(f"{URL}{pregnancy['id']}/visits/", {"since": "2026-01-01"})

    assert response.status_code == 400
    assert set(response.json()) == {"since"}


def test_known_filters_and_paging_pass(api, ana):
    register(api(ana))
    params = {"status": "active", "risk_band": "low", "search": "siti", "district": "Sumbersari"}

    response = api(ana).get(URL, {**params, "ordering": "edd", "page": 1, "page_size": 5})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_unknown_parameter_message_speaks_indonesian_by_default(api, ana):
    response = api(ana, language=None).get(URL, {"risk": "high"})

    assert response.json() == {"risk": ["Parameter kueri tidak dikenal."]}
