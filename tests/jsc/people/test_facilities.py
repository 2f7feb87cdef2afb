"""POST and GET /api/v1/facilities/: only an admin creates, anyone signed in reads."""

from __future__ import annotations

import pytest

from jsc.people.models import District, Facility

FACILITIES = "/api/v1/facilities/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalisat(db) -> District:
    return District.objects.create(name="Kalisat")


def new_facility(**changes) -> dict:
    body = {"code": "PKM-KLS", "name": "Puskesmas Kalisat", "kind": "puskesmas"}
    body["district"] = "Kalisat"
    body.update(changes)
    return body


def test_an_admin_creates_a_facility(api, adi, kalisat):
    response = api(adi).post(FACILITIES, new_facility(), format="json")

    assert response.status_code == 201
    body = response.json()
    facility = Facility.objects.get(code="PKM-KLS")
    assert body == {
        "id": str(facility.id),
        "code": "PKM-KLS",
        "name": "Puskesmas Kalisat",
        "kind": "puskesmas",
        "district": "Kalisat",
        "active": True,
        "satusehat_organization_id": "",
        "satusehat_location_id": "",
    }
    assert facility.district == kalisat


def test_a_superuser_creates_a_facility(api, root, kalisat):
    assert api(root).post(FACILITIES, new_facility(), format="json").status_code == 201


@pytest.mark.parametrize("who", ["ana", "citra", "dewi"])
def test_it_refuses_a_facility_from_anyone_but_an_admin(api, request, kalisat, who):
    user = request.getfixturevalue(who)

    response = api(user).post(FACILITIES, new_facility(), format="json")

    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Facility.objects.filter(code="PKM-KLS").exists()


def test_it_answers_401_to_an_anonymous_caller(api, kalisat):
    assert api().post(FACILITIES, new_facility(), format="json").status_code == 401
    assert api().get(FACILITIES).status_code == 401


@pytest.mark.parametrize("who", ["ana", "citra", "dewi", "adi"])
def test_every_signed_in_user_lists_the_facilities(api, request, sumbersari, patrang, who):
    user = request.getfixturevalue(who)

    response = api(user).get(FACILITIES)

    assert response.status_code == 200
    assert {f["code"] for f in response.json()["results"]} == {"PKM-SBS", "PKM-PTR"}
    assert "next" in response.json()


def test_it_rejects_a_duplicate_code(api, adi, sumbersari, kalisat):
    response = api(adi).post(FACILITIES, new_facility(code="PKM-SBS"), format="json")

    assert response.status_code == 400
    assert "code" in response.json()
    assert Facility.objects.filter(code="PKM-SBS").count() == 1


def test_it_rejects_an_unknown_district(api, adi, kalisat):
    response = api(adi).post(FACILITIES, new_facility(district="Atlantis"), format="json")

    assert response.status_code == 400
    assert "Atlantis" in response.json()["district"][0]


def test_it_rejects_an_unknown_kind(api, adi, kalisat):
    response = api(adi).post(FACILITIES, new_facility(kind="spa"), format="json")

    assert response.status_code == 400
    assert "kind" in response.json()


@pytest.mark.parametrize("field", ["code", "name", "kind", "district"])
def test_it_rejects_a_facility_with_a_missing_field(api, adi, kalisat, field):
    body = new_facility()
    del body[field]

    response = api(adi).post(FACILITIES, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", {"a": 1}),
        ("code", ["PKM"]),
        ("name", None),
        ("kind", 5),
        ("kind", ["puskesmas"]),
        ("district", 5),
        ("district", {"name": "Kalisat"}),
        ("district", ["Kalisat"]),
        ("code", "X" * 33),
    ],
)
def test_it_rejects_a_field_of_the_wrong_type_with_400(api, adi, kalisat, field, value):
    response = api(adi).post(FACILITIES, new_facility(**{field: value}), format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("body", [[new_facility()], "PKM-KLS", 5, None])
def test_it_rejects_a_body_that_is_not_an_object_with_400(api, adi, kalisat, body):
    response = api(adi).post(FACILITIES, body, format="json")

    assert response.status_code == 400
    assert not Facility.objects.exists()


def test_a_code_taken_between_validation_and_saving_is_a_400_not_a_500(adi, kalisat):
    # Two admins at once: both pass the uniqueness check, the unique index decides.
    from rest_framework.exceptions import ValidationError

    from jsc.people.serializers import FacilitySerializer
    from jsc.people.services import facility_create

    serializer = FacilitySerializer(data=new_facility())
    assert serializer.is_valid(), serializer.errors
    Facility.objects.create(code="PKM-KLS", name="The other one", kind="clinic", district=kalisat)

    with pytest.raises(ValidationError) as raised:
        facility_create(data=serializer.validated_data, by=adi)

    assert "code" in raised.value.detail
