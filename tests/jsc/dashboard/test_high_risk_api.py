"""GET /api/v1/dashboard/high-risk/: who is due soon, where she should deliver, CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/high-risk/"


def test_it_lists_high_and_very_high_risk_mothers_due_within_n_days_soonest_first(api, dewi, data):
    rows = api(dewi, language=None).get(URL, {"due_within_days": 14}).json()["results"]

    assert [r["pregnancy"] for r in rows] == [str(data.i.pk), str(data.h.pk)]
    post_term, due = rows
    assert post_term["days_to_edd"] == -18
    assert post_term["risk_band"] == "very_high"
    assert post_term["birth_plan"] == {
        "place": "rumah sakit",
        "attendant": "dokter",
        "referral": "rumah sakit",
    }
    # The escalation copy and the acknowledged alert do not count; the missed one does.
    assert post_term["unacknowledged_alerts"] == 1
    assert post_term["mother"]["village"] == "Kranjingan"
    assert due["doctor"]["full_name"] == "dr. Dodi"
    assert due["mother"]["village_code"] is None


def test_it_speaks_english_when_asked(api, dewi, data):
    rows = api(dewi).get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert rows[0]["birth_plan"]["place"] == "hospital"


def test_filters_by_district_facility_and_days(api, dewi, data, sumbersari):
    assert len(api(dewi).get(URL, {"due_within_days": 120}).json()["results"]) == 4
    patrang = api(dewi).get(URL, {"district": "Patrang"}).json()["results"]
    assert [r["pregnancy"] for r in patrang] == [str(data.h.pk)]
    here = api(dewi).get(URL, {"facility": str(sumbersari.pk)}).json()["results"]
    assert [r["pregnancy"] for r in here] == [str(data.i.pk)]
    assert last_visit_of_f(api, dewi) == "2026-03-05"


def last_visit_of_f(api, user) -> str:
    rows = api(user).get(URL, {"due_within_days": 60}).json()["results"]
    return next(r["last_visit"] for r in rows if r["risk_band"] == "high" and r["last_visit"])


def test_format_csv_answers_text_csv_with_a_header_row(api, dewi, data):
    response = api(dewi, language=None).get(URL, {"format": "csv", "due_within_days": 14})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["pregnancy"] for r in rows] == [str(data.i.pk), str(data.h.pk)]
    assert rows[0]["birth_place"] == "rumah sakit"
    assert rows[1]["phone"].startswith("+62")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"due_within_days": "-1"}, "due_within_days"),
        ({"due_within_days": "soon"}, "due_within_days"),
        ({"due_within_days": "400"}, "due_within_days"),
        ({"district": "Atlantis"}, "district"),
        ({"facility": "not-a-facility"}, "facility"),
        ({"facilty": "x"}, "facilty"),
    ],
)
def test_bad_input_answers_400_naming_it(api, dewi, params, field):
    response = api(dewi).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_an_empty_database_answers_an_empty_list_and_a_header_only_csv(api, dewi):
    assert api(dewi).get(URL).json()["results"] == []
    response = api(dewi).get(URL, {"format": "csv"})
    assert response.content.decode().splitlines()[0].startswith("pregnancy,full_name,")


def test_a_midwife_is_refused(api, ana):
    assert api(ana).get(URL).status_code == 403


def test_each_listed_pregnancy_is_audited_as_read_by_the_officer(api, dewi, data):
    from pregnancies.models import AuditEntry

    api(dewi).get(URL, {"due_within_days": 14})

    listed = AuditEntry.objects.filter(user=dewi, action="list")
    assert sorted(map(str, listed.values_list("pregnancy_id", flat=True))) == sorted(
        [str(data.i.pk), str(data.h.pk)]
    )


def test_the_json_answer_pages_and_audits_only_the_rows_it_sends(api, dewi, data):
    from pregnancies.models import AuditEntry

    first = api(dewi).get(URL, {"due_within_days": 120, "page_size": 3}).json()
    second = api(dewi).get(URL, {"due_within_days": 120, "page_size": 3, "page": 2}).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (4, 3, None)
    assert first["next"] is not None and second["next"] is None
    assert len(second["results"]) == 1
    shown = [r["pregnancy"] for r in first["results"] + second["results"]]
    assert len(set(shown)) == 4
    audited = AuditEntry.objects.filter(user=dewi, action="list")
    assert sorted(map(str, audited.values_list("pregnancy_id", flat=True))) == sorted(shown)


def test_a_page_size_over_500_answers_400_naming_it(api, dewi, data):
    response = api(dewi).get(URL, {"page_size": 501})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_the_csv_file_holds_the_whole_list_whatever_the_page_size(api, dewi, data):
    response = api(dewi).get(URL, {"due_within_days": 120, "format": "csv"})

    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 4


def personal_data(data) -> list[str]:
    """Every name, NIK, phone and village the data set recorded for a mother."""
    from pregnancies.models import Mother

    values = []
    for record in Mother.objects.select_related("person"):
        values += [record.full_name, record.person.nik, record.phone, record.village]
    return [v for v in values if v]


def test_an_admin_sees_each_row_by_its_ids_and_no_mother(api, adi, data):
    """docs/dashboard.md, "Who sees the mothers": what a push says, nothing more."""
    response = api(adi).get(URL, {"due_within_days": 120})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 4
    for row in rows:
        assert row["mother"] is None
        assert row["kspr_score"] is None and row["risk_factors"] is None
        assert row["pregnancy"] and row["facility"]["id"] and row["risk_band"] and row["edd"]
    for value in personal_data(data):
        assert value not in response.content.decode()


def test_an_admins_csv_leaves_the_mothers_cells_empty(api, adi, data):
    response = api(adi).get(URL, {"due_within_days": 120, "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    assert {(r["full_name"], r["phone"], r["village"], r["risk_factors"]) for r in rows} == {
        ("", "", "", "")
    }
    for value in personal_data(data):
        assert value not in response.content.decode()


def test_the_health_office_sees_the_same_rows_with_the_mothers(api, adi, dewi, data):
    by_admin = api(adi).get(URL, {"due_within_days": 120}).json()["results"]
    by_dewi = api(dewi).get(URL, {"due_within_days": 120}).json()["results"]

    assert [r["pregnancy"] for r in by_admin] == [r["pregnancy"] for r in by_dewi]
    assert all(r["mother"]["full_name"] for r in by_dewi)
