"""Who reaches what, for every registry endpoint.

Midwives and doctors: their own facility. The health office: reads everything, writes
nothing (403). Another facility's staff, and admins (not clinical staff): 404 on every
pregnancy route, exactly as for a pregnancy that does not exist.
"""

from __future__ import annotations

import uuid

import pytest

from pregnancies.models import AuditEntry, Outcome, Pregnancy, Visit
from tests.pregnancies.helpers import TODAY, URL, body, days_ago, mother, register

VISIT = {"date": TODAY.isoformat()}
OUTCOME = {"kind": "live_birth", "date": TODAY.isoformat()}

# (method, path template, body); {id} is the pregnancy's id.
OBJECT_ROUTES = [
    ("get", "{id}/", None),
    ("patch", "{id}/", {"height_cm": 155}),
    ("get", "{id}/visits/", None),
    ("post", "{id}/visits/", VISIT),
    ("get", "{id}/outcome/", None),
    ("post", "{id}/outcome/", OUTCOME),
    ("patch", "{id}/outcome/", {"place": "Rumah"}),
]
WRITES = [r for r in OBJECT_ROUTES if r[0] != "get"]


@pytest.fixture
def pregnancy(api, ana):
    """Ana's pregnancy, with a visit and (for the outcome routes) an outcome on a twin."""
    return register(api(ana), lmp=days_ago(270).isoformat())


@pytest.fixture
def delivered(api, ana):
    made = register(api(ana), mother=mother(serial=77), lmp=days_ago(270).isoformat())
    api(ana).post(f"{URL}{made['id']}/outcome/", OUTCOME, format="json")
    return made


def call(client, method, template, data, pregnancy_id):
    path = URL + template.format(id=pregnancy_id)
    return getattr(client, method)(path, data, format="json")


def target_for(template, pregnancy, delivered):
    # PATCH/GET of an outcome needs one to exist to be reachable at all.
    return delivered if template.endswith("outcome/") else pregnancy


def snapshot():
    return (
        list(Pregnancy.objects.values()),
        list(Visit.objects.values()),
        list(Outcome.objects.values()),
    )


@pytest.mark.parametrize(("method", "template", "data"), OBJECT_ROUTES)
@pytest.mark.parametrize("who", ["bayu", "dodi", "adi"])
def test_another_facility_and_an_admin_get_404_everywhere(
    api, pregnancy, delivered, bayu, dodi, adi, who, method, template, data
):
    user = {"bayu": bayu, "dodi": dodi, "adi": adi}[who]
    target = target_for(template, pregnancy, delivered)
    before = snapshot()

    response = call(api(user), method, template, data, target["id"])
    missing = call(api(user), method, template, data, uuid.uuid4())

    assert response.status_code == 404
    assert response.json() == missing.json()  # indistinguishable from no pregnancy at all
    assert snapshot() == before
    assert not AuditEntry.objects.filter(user=user).exists()


@pytest.mark.parametrize(("method", "template", "data"), WRITES)
def test_the_health_office_cannot_write(api, dewi, pregnancy, delivered, method, template, data):
    target = target_for(template, pregnancy, delivered)
    if template == "{id}/outcome/" and method == "post":
        target = pregnancy  # an open pregnancy: only the role stops it
    before = snapshot()

    response = call(api(dewi), method, template, data, target["id"])

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "template", "data"), [r for r in OBJECT_ROUTES if r[0] == "get"]
)
def test_the_health_office_reads_every_facility(
    api, dewi, pregnancy, delivered, method, template, data
):
    target = target_for(template, pregnancy, delivered)

    assert call(api(dewi), method, template, data, target["id"]).status_code == 200


def test_the_health_office_cannot_register(api, dewi):
    assert api(dewi).post(URL, body(), format="json").status_code == 403
    assert not Pregnancy.objects.exists()


@pytest.mark.parametrize(("method", "template", "data"), OBJECT_ROUTES)
@pytest.mark.parametrize("who", ["ana", "citra"])
def test_the_facilitys_midwife_and_doctor_reach_every_route(
    api, ana, citra, pregnancy, delivered, who, method, template, data
):
    target = target_for(template, pregnancy, delivered)
    if template == "{id}/outcome/" and method == "post":
        target = pregnancy

    response = call(api({"ana": ana, "citra": citra}[who]), method, template, data, target["id"])

    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(("method", "template", "data"), OBJECT_ROUTES)
def test_it_asks_anonymous_callers_to_log_in(api, pregnancy, delivered, method, template, data):
    target = target_for(template, pregnancy, delivered)

    assert call(api(), method, template, data, target["id"]).status_code == 401


def test_the_list_asks_anonymous_callers_to_log_in(api):
    assert api().get(URL).status_code == 401
