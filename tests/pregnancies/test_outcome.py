"""POST, PATCH and GET /api/v1/pregnancies/{id}/outcome/: closing a pregnancy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pregnancies.models import AuditEntry, Outcome, Pregnancy
from pregnancies.signals import pregnancy_closed
from tests.pregnancies.helpers import TODAY, body, days_ago, detail, outcome, register, visits
from tests.pregnancies.helpers import mother as mother_body


@pytest.fixture
def pregnancy(api, ana):
    return register(api(ana), lmp=days_ago(270).isoformat())  # 38w4d today


@pytest.fixture
def closed():
    seen = []

    def listener(sender, pregnancy, **kwargs):
        seen.append(str(pregnancy.pk))

    pregnancy_closed.connect(listener)
    yield seen
    pregnancy_closed.disconnect(listener)


def post(client, pregnancy, **fields):
    return client.post(outcome(pregnancy["id"]), fields, format="json")


def test_a_live_birth_delivers_the_pregnancy_and_sends_the_closing_hook(
    api, ana, pregnancy, closed
):
    response = post(
        api(ana),
        pregnancy,
        kind="live_birth",
        date=days_ago(1).isoformat(),
        place="Puskesmas Sumbersari",
        babies_born_alive=2,
    )

    assert response.status_code == 201
    data = response.json()
    assert data == {
        "pregnancy": pregnancy["id"],
        "kind": "live_birth",
        "date": days_ago(1).isoformat(),
        "place": "Puskesmas Sumbersari",
        "babies_born_alive": 2,
        "mother_died": False,
        "mother_death_date": None,
        "mother_death_cause": "",
        "status": "delivered",
        "recorded_by": str(ana.pk),
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
    }
    assert api(ana).get(detail(pregnancy["id"])).json()["status"] == "delivered"
    assert closed == [pregnancy["id"]]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("live_birth", "delivered"),
        ("stillbirth", "delivered"),
        ("miscarriage", "ended"),
        ("abortion", "ended"),
    ],
)
def test_each_kind_closes_the_pregnancy_with_its_status(api, ana, citra, pregnancy, kind, status):
    if status == "ended":  # a loss before 20 weeks: a pregnancy of 14w2d
        pregnancy = register(api(ana), lmp=days_ago(100).isoformat(), mother=mother_body(serial=77))
    response = post(api(citra), pregnancy, kind=kind, date=TODAY.isoformat())

    assert response.status_code == 201
    assert response.json()["status"] == status
    assert response.json()["babies_born_alive"] == (1 if kind == "live_birth" else 0)


def test_a_second_outcome_is_refused(api, ana, pregnancy, closed):
    post(api(ana), pregnancy, kind="live_birth", date=TODAY.isoformat())

    again = post(api(ana), pregnancy, kind="live_birth", date=TODAY.isoformat())

    assert again.status_code == 400
    assert "kind" in again.json()
    assert Outcome.objects.count() == 1
    assert closed == [pregnancy["id"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "twins"}, "kind"),
        ({"kind": None}, "kind"),
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "date"),
        ({"date": days_ago(271).isoformat()}, "date"),  # before the LMP
        ({"date": "01/03/2026"}, "date"),
        ({"babies_born_alive": 0}, "babies_born_alive"),
        ({"babies_born_alive": -1}, "babies_born_alive"),
        ({"babies_born_alive": 12}, "babies_born_alive"),
        ({"kind": "stillbirth", "babies_born_alive": 1}, "babies_born_alive"),
        ({"kind": "miscarriage", "babies_born_alive": 1}, "babies_born_alive"),
        ({"mother_death_date": TODAY.isoformat()}, "mother_death_date"),  # she did not die
        ({"mother_death_cause": "Perdarahan"}, "mother_death_cause"),
        ({"mother_died": True}, "mother_death_date"),  # when?
        ({"mother_died": True, "mother_death_date": days_ago(3).isoformat()}, "mother_death_date"),
        ({"mother_died": "maybe"}, "mother_died"),
        ({"place": "p" * 151}, "place"),
        (
            {
                "mother_died": True,
                "mother_death_date": TODAY.isoformat(),
                "mother_death_cause": "c" * 301,
            },
            "mother_death_cause",
        ),
    ],
)
def test_it_rejects_an_incoherent_outcome_and_keeps_the_pregnancy_open(
    api, ana, pregnancy, closed, fields, field
):
    data = {"kind": "live_birth", "date": days_ago(2).isoformat(), **fields}

    response = api(ana).post(outcome(pregnancy["id"]), data, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Outcome.objects.exists()
    assert Pregnancy.objects.get().status == "active"
    assert closed == []


def test_an_outcome_cannot_precede_a_recorded_visit(api, ana, pregnancy):
    api(ana).post(visits(pregnancy["id"]), {"date": days_ago(3).isoformat()}, format="json")

    response = post(api(ana), pregnancy, kind="live_birth", date=days_ago(4).isoformat())

    assert response.status_code == 400
    assert "visit" in response.json()["date"][0]


def test_a_maternal_death_is_recorded_with_the_outcome(api, ana, pregnancy):
    response = post(
        api(ana),
        pregnancy,
        kind="stillbirth",
        date=days_ago(2).isoformat(),
        mother_died=True,
        mother_death_date=days_ago(2).isoformat(),
        mother_death_cause="Eklampsia",
    )

    assert response.status_code == 201
    assert response.json()["mother_died"] is True


def test_a_maternal_death_reported_weeks_later_is_added_with_patch(api, ana, frozen_day):
    client = api(ana)
    pregnancy = register(client, lmp=days_ago(273).isoformat())
    post(client, pregnancy, kind="live_birth", date=TODAY.isoformat())
    frozen_day.shift(timedelta(days=50))
    death = TODAY + timedelta(days=42)  # the last day that counts

    response = client.patch(
        outcome(pregnancy["id"]),
        {
            "mother_died": True,
            "mother_death_date": death.isoformat(),
            "mother_death_cause": "Sepsis",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["mother_died"], response.json()["mother_death_date"]) == (
        True,
        death.isoformat(),
    )
    assert response.json()["kind"] == "live_birth"


def test_a_death_more_than_42_days_after_the_outcome_is_not_a_maternal_death(api, ana, frozen_day):
    client = api(ana)
    pregnancy = register(client, lmp=days_ago(273).isoformat())
    post(client, pregnancy, kind="live_birth", date=TODAY.isoformat())
    frozen_day.shift(timedelta(days=50))

    response = client.patch(
        outcome(pregnancy["id"]),
        {"mother_died": True, "mother_death_date": (TODAY + timedelta(days=43)).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "maternal death" in response.json()["mother_death_date"][0]
    assert Outcome.objects.get().mother_died is False


def test_a_corrected_kind_moves_the_status_and_resets_the_babies(api, ana, pregnancy):
    post(api(ana), pregnancy, kind="live_birth", date=TODAY.isoformat())

    data = api(ana).patch(outcome(pregnancy["id"]), {"kind": "stillbirth"}, format="json").json()
    assert (data["kind"], data["babies_born_alive"], data["status"]) == (
        "stillbirth",
        0,
        "delivered",
    )

    # An abortion at 38 weeks contradicts the dates (docs/pregnancies.md).
    refused = api(ana).patch(outcome(pregnancy["id"]), {"kind": "abortion"}, format="json")
    assert refused.status_code == 400
    assert "20 completed weeks" in refused.json()["kind"][0]


def test_withdrawing_a_death_clears_its_date_and_cause(api, ana, pregnancy):
    post(
        api(ana),
        pregnancy,
        kind="live_birth",
        date=TODAY.isoformat(),
        mother_died=True,
        mother_death_date=TODAY.isoformat(),
        mother_death_cause="Perdarahan",
    )

    data = api(ana).patch(outcome(pregnancy["id"]), {"mother_died": False}, format="json").json()

    assert (data["mother_died"], data["mother_death_date"], data["mother_death_cause"]) == (
        False,
        None,
        "",
    )


def test_get_and_patch_answer_404_before_there_is_an_outcome(api, ana, pregnancy):
    assert api(ana).get(outcome(pregnancy["id"])).status_code == 404
    assert (
        api(ana).patch(outcome(pregnancy["id"]), {"place": "x"}, format="json").status_code == 404
    )


def test_it_answers_and_audits_the_outcome(api, ana, citra, dewi, pregnancy):
    post(api(ana), pregnancy, kind="live_birth", date=TODAY.isoformat())
    api(ana).patch(outcome(pregnancy["id"]), {"place": "Rumah"}, format="json")

    for reader in (citra, dewi):
        response = api(reader).get(outcome(pregnancy["id"]))
        assert response.status_code == 200
        assert response.json()["place"] == "Rumah"

    entries = AuditEntry.objects.filter(target="outcome").order_by("id")
    assert [(e.action, e.user_id) for e in entries] == [
        ("create", ana.pk),
        ("update", ana.pk),
        ("read", citra.pk),
        ("read", dewi.pk),
    ]


def test_after_the_outcome_the_mother_can_be_registered_again(api, ana, pregnancy):
    post(api(ana), pregnancy, kind="live_birth", date=days_ago(1).isoformat())
    same_mother = {"nik": pregnancy["mother"]["nik"], "full_name": "Siti Aminah"}

    again = api(ana).post(
        "/api/v1/pregnancies/",
        body(mother=same_mother, lmp=TODAY.isoformat(), gravida=3, para=1, abortus=1),
        format="json",
    )

    assert again.status_code == 201
    assert again.json()["mother"]["id"] == pregnancy["mother"]["id"]
