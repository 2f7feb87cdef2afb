"""POST /api/v1/pregnancies/: registration, derived values, the mother's identity, bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pregnancies.models import AuditEntry, Mother, Pregnancy
from tests.conftest import make_user
from tests.pregnancies.helpers import TODAY, URL, body, build_nik, days_ago, mother, outcome


def nothing_written() -> bool:
    return not (
        Pregnancy.objects.exists() or Mother.objects.exists() or AuditEntry.objects.exists()
    )


def test_it_registers_a_pregnancy_with_every_derived_value(api, ana, citra):
    response = api(ana).post(URL, body(doctor=str(citra.pk)), format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["mother"] == {
        "id": data["mother"]["id"],
        "nik": "3509215708950012",
        "full_name": "Siti Aminah",
        "date_of_birth": "1995-08-17",
        "age": 30,
        "phone": "+6281234567890",
        "village": "Kranjingan",
        # Unmatched: the regency's villages are not loaded here (tests/jsc/people/places).
        "village_code": None,
        "address": "Jl. Kalimantan 12",
    }
    assert data["lmp"] == days_ago(70).isoformat()
    assert data["edd"] == "2026-10-06"  # LMP 2025-12-30: 6 January + 9 months
    assert data["edd_source"] == "lmp"
    assert data["gestational_age"] == {"weeks": 10, "days": 0}
    assert (data["gravida"], data["para"], data["abortus"], data["height_cm"]) == (2, 1, 0, 150.0)
    assert (data["risk_factors"], data["kspr_score"], data["risk_band"]) == ([], 2, "low")
    assert data["status"] == "active"
    assert data["facility"] == str(ana.facility_id)
    assert data["doctor"] == str(citra.pk)
    assert data["registered_by"] == str(ana.pk)
    assert data["created_at"].endswith("+07:00")
    pregnancy = Pregnancy.objects.get()
    assert str(pregnancy.pk) == data["id"]
    assert AuditEntry.objects.get().action == "create"


def test_it_uses_jembers_date_not_the_servers(api, ana):
    # 01:30 in Jember is still 9 March in UTC: an LMP of 10 March is today, not the future.
    data = api(ana).post(URL, body(lmp=TODAY.isoformat()), format="json").json()

    assert data["gestational_age"] == {"weeks": 0, "days": 0}


def test_it_takes_an_ultrasound_edd_over_the_lmp(api, ana):
    edd = TODAY + timedelta(days=150)
    data = api(ana).post(URL, body(edd=edd.isoformat()), format="json").json()

    assert (data["edd"], data["edd_source"]) == (edd.isoformat(), "ultrasound")
    assert data["gestational_age"] == {"weeks": 18, "days": 4}  # 280 - 150 = 130 days


def test_it_registers_with_an_ultrasound_edd_and_no_lmp(api, ana):
    edd = TODAY + timedelta(days=100)
    data = api(ana).post(URL, body(lmp=None, edd=edd.isoformat()), format="json").json()

    assert (data["lmp"], data["edd_source"]) == (None, "ultrasound")


def test_it_derives_the_date_of_birth_from_the_nik_when_none_is_given(api, ana):
    young = date(2004, 2, 29)  # stdnum alone would read 1904
    m = mother(dob=young)
    del m["date_of_birth"]
    data = api(ana).post(URL, body(mother=m, gravida=1, para=0), format="json").json()

    assert data["mother"]["date_of_birth"] == "2004-02-29"
    assert data["mother"]["age"] == 22


def test_it_accepts_a_nik_written_with_spaces_and_dots(api, ana):
    m = mother(nik="3509.2157 0895-0012")
    data = api(ana).post(URL, body(mother=m), format="json").json()

    assert data["mother"]["nik"] == "3509215708950012"


def test_it_adds_derived_factors_and_accepts_derived_codes_the_data_bears_out(api, ana):
    older = mother(dob=date(1988, 1, 1), serial=3)
    data = (
        api(ana)
        .post(
            URL,
            body(
                mother=older,
                para=4,
                gravida=5,
                height_cm=144,
                risk_factors=["previous_caesarean", "short_stature", "twins", "twins"],
            ),
            format="json",
        )
        .json()
    )

    # 38 years old, para 4, 144 cm: three derived factors; short_stature echoed is true.
    assert data["risk_factors"] == [
        "many_children",
        "age_35_plus",
        "short_stature",
        "previous_caesarean",
        "twins",
    ]
    assert (data["kspr_score"], data["risk_band"]) == (2 + 4 + 4 + 4 + 8 + 4, "very_high")


def test_it_reuses_the_mother_after_her_previous_pregnancy_ended(api, ana):
    client = api(ana)
    first = client.post(URL, body(lmp=days_ago(200).isoformat()), format="json").json()
    client.post(
        outcome(first["id"]),
        {"kind": "live_birth", "date": days_ago(1).isoformat(), "babies_born_alive": 1},
        format="json",
    )

    again = mother(phone="+6289999999999")
    del again["village"]
    second = client.post(
        URL, body(mother=again, gravida=3, para=2, lmp=TODAY.isoformat()), format="json"
    )

    assert second.status_code == 201
    assert second.json()["mother"]["id"] == first["mother"]["id"]
    assert second.json()["mother"]["phone"] == "+6289999999999"
    assert second.json()["mother"]["village"] == "Kranjingan"  # not given: kept
    assert Mother.objects.count() == 1


def test_it_refuses_a_second_active_pregnancy_naming_the_first(api, ana, citra):
    first = api(ana).post(URL, body(), format="json").json()

    # Another member of the same facility: 409 with the active pregnancy's id. (Another
    # facility learns only its name: tests/pregnancies/test_mother_per_facility.py.)
    response = api(citra).post(URL, body(), format="json")

    assert response.status_code == 409
    assert response.json()["pregnancy"] == first["id"]
    assert "active pregnancy" in response.json()["detail"]
    assert Pregnancy.objects.count() == 1


@pytest.mark.parametrize("who", ["dewi", "adi"])
def test_it_lets_only_midwives_and_doctors_register(api, ana, dewi, adi, who):
    response = api({"dewi": dewi, "adi": adi}[who]).post(URL, body(), format="json")

    assert response.status_code == 403
    assert nothing_written()


def test_a_doctor_registers_too(api, citra):
    assert api(citra).post(URL, body(), format="json").status_code == 201


def test_it_asks_for_a_login(api, ana):
    assert api().post(URL, body(), format="json").status_code == 401


# ---- bad input: 400 naming the field, nothing written ------------------------------------

NIK_PLACE = "9909215708950012"  # province 99 does not exist
NIK_MONTH_13 = "3509215713950012"
NIK_DAY_0 = "3509214008950012"  # women's day 40 = day 0
MAN = build_nik(date(1995, 8, 17), female=False)


def with_mother(**fields):
    return {"mother": mother(**fields)}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (with_mother(nik="12345"), ("mother", "nik")),
        (with_mother(nik="35092157089500AB"), ("mother", "nik")),
        (with_mother(nik=NIK_PLACE), ("mother", "nik")),
        (with_mother(nik=NIK_MONTH_13), ("mother", "nik")),
        (with_mother(nik=NIK_DAY_0), ("mother", "nik")),
        (with_mother(nik=MAN), ("mother", "nik")),
        (with_mother(date_of_birth="1995-08-18"), ("mother", "date_of_birth")),
        (with_mother(date_of_birth="2030-08-17"), ("mother", "date_of_birth")),
        # A NIK saying she was born in 2021: five years old at the start of the pregnancy.
        (
            {"mother": {**mother(nik=build_nik(date(2021, 1, 5))), "date_of_birth": None}},
            ("mother", "nik"),
        ),
        (with_mother(full_name=""), ("mother", "full_name")),
        (with_mother(phone="call me"), ("mother", "phone")),
        ({"lmp": (TODAY + timedelta(days=1)).isoformat()}, ("lmp",)),
        ({"lmp": days_ago(309).isoformat()}, ("lmp",)),
        ({"lmp": None, "edd": None}, ("lmp",)),
        ({"edd": days_ago(29).isoformat()}, ("edd",)),
        ({"edd": (TODAY + timedelta(days=281)).isoformat()}, ("edd",)),
        ({"lmp": "2026-02-30"}, ("lmp",)),
        ({"gravida": 0}, ("gravida",)),
        ({"gravida": -1}, ("gravida",)),
        ({"para": -1}, ("para",)),
        ({"abortus": -2}, ("abortus",)),
        ({"gravida": 2, "para": 2, "abortus": 0}, ("para",)),
        ({"gravida": 3, "para": 1, "abortus": 2}, ("abortus",)),
        ({"gravida": 1000}, ("gravida",)),
        ({"height_cm": 20}, ("height_cm",)),
        ({"height_cm": 1500}, ("height_cm",)),
        ({"risk_factors": ["twins", "tripplets"]}, ("risk_factors",)),
        ({"id": "not-a-uuid"}, ("id",)),
        ({"doctor": "not-a-uuid"}, ("doctor",)),
    ],
)
def test_it_rejects_bad_input_naming_the_field(api, ana, overrides, field):
    response = api(ana).post(URL, body(**overrides), format="json")

    assert response.status_code == 400, response.content
    errors = response.json()
    for key in field:
        assert key in errors, errors
        errors = errors[key]
    assert nothing_written()


def test_it_rejects_a_doctor_of_another_facility(api, ana, dodi):
    response = api(ana).post(URL, body(doctor=str(dodi.pk)), format="json")

    assert response.status_code == 400
    assert "doctor" in response.json()
    assert nothing_written()


def test_it_rejects_a_midwife_or_an_inactive_doctor_as_the_doctor(api, ana, sumbersari):
    retired = make_user("lama", "doctor", sumbersari, is_active=False)
    for who in (ana, retired):
        response = api(ana).post(URL, body(doctor=str(who.pk)), format="json")
        assert response.status_code == 400
        assert "doctor" in response.json()
    assert nothing_written()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gravida": "two"}, "gravida"),
        ({"gravida": 2.5}, "gravida"),
        ({"gravida": True}, "gravida"),
        ({"gravida": None}, "gravida"),
        ({"mother": "x"}, "mother"),
        ({"mother": None}, "mother"),
        ({"mother": ["x"]}, "mother"),
        ({"risk_factors": "a"}, "risk_factors"),
        ({"risk_factors": [{"a": 1}]}, "risk_factors"),
        ({"risk_factors": None}, "risk_factors"),
        ({"lmp": 20260301}, "lmp"),
        ({"lmp": "2026-03-01T10:00:00"}, "lmp"),
        ({"height_cm": "tall"}, "height_cm"),
        ({"height_cm": "NaN"}, "height_cm"),
        ({"height_cm": "1e999"}, "height_cm"),
        ({"mother": {**mother(), "nik": ["3509215708950012"]}}, "mother"),
        # Refused by the JSON parser for every endpoint (jsc.http), before any field.
        ({"mother": {**mother(), "full_name": "Siti\x00Aminah"}}, "detail"),
        ({"mother": {**mother(), "full_name": "S" * 151}}, "mother"),
        ({"mother": {**mother(), "address": "A" * 301}}, "mother"),
        ({"mother": {**mother(), "village": "V" * 101}}, "mother"),
        ({"mother": {**mother(), "nik": "3" * 33}}, "mother"),
        ({"risk_factors": ["twins"] * 41}, "risk_factors"),
        ({"risk_factors": ["x" * 41]}, "risk_factors"),
    ],
)
def test_it_answers_wrong_types_and_oversized_values_with_400(api, ana, overrides, field):
    response = api(ana).post(URL, body(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert nothing_written()


def test_it_rejects_a_body_that_is_not_a_json_object(api, ana):
    client = api(ana)
    for raw in ("{not json", "[]", '"text"', "null", "[" * 100_000):
        response = client.post(URL, raw, content_type="application/json")
        assert response.status_code == 400, (raw[:10], response.content[:200])
    assert client.post(URL, "a=b", content_type="text/plain").status_code == 415
    assert nothing_written()


def test_it_rejects_a_body_over_the_upload_limit_with_413(api, ana, settings):
    huge = body(padding="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))

    response = api(ana).post(URL, json.dumps(huge), content_type="application/json")

    assert response.status_code == 413
    assert "KB" in response.json()["detail"]
    assert nothing_written()


def test_the_parser_counts_the_bytes_itself_whatever_the_header_says(settings):
    import io

    from jsc.http import BoundedJSONParser, PayloadTooLarge

    raw = json.dumps({"padding": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}).encode()

    with pytest.raises(PayloadTooLarge):
        BoundedJSONParser().parse(io.BytesIO(raw), parser_context={})
