"""Referrals on the dashboard: a pregnancy referred to a facility is on that facility's
high-risk list, and a planned early referral (RDB) counts its expected delivery where
it was referred to (docs/pregnancies.md, "Referrals")."""

from __future__ import annotations

import pytest

from pregnancies.models import Referral

pytestmark = pytest.mark.django_db

HIGH_RISK = "/api/v1/dashboard/high-risk/"
DELIVERIES = "/api/v1/dashboard/expected-deliveries/"


def refer(pregnancy, to, *, by, kind):
    return Referral.objects.create(
        pregnancy=pregnancy, by=by, from_facility=pregnancy.facility, to_facility=to, kind=kind
    )


def week_two(body, name):
    return next(f for f in body["by_facility"] if f["facility"]["name"] == name)["weeks"][1]


def test_a_referred_pregnancy_is_on_the_receiving_facilitys_high_risk_list(
    api, dewi, dodi, data, sumbersari
):
    refer(data.h, sumbersari, by=dodi, kind="rtw")

    here = api(dewi).get(HIGH_RISK, {"facility": str(sumbersari.pk)}).json()["results"]

    assert [r["pregnancy"] for r in here] == [str(data.i.pk), str(data.h.pk)]
    assert next(r for r in here if r["pregnancy"] == str(data.h.pk))["facility"]["name"] == (
        "Puskesmas Patrang"
    )


def test_a_planned_referral_counts_the_delivery_where_it_was_referred(
    api, dewi, dodi, data, sumbersari
):
    refer(data.h, sumbersari, by=dodi, kind="rdb")

    body = api(dewi).get(DELIVERIES).json()

    assert week_two(body, "Puskesmas Sumbersari") == {
        "low": 0,
        "high": 1,
        "very_high": 0,
        "total": 1,
    }
    assert "Puskesmas Patrang" not in [f["facility"]["name"] for f in body["by_facility"]]
    assert body["totals"] == [0, 1, 0, 0, 0, 1, 0, 1]


def test_an_emergency_referral_leaves_the_planned_place_of_delivery(
    api, dewi, dodi, data, sumbersari
):
    refer(data.h, sumbersari, by=dodi, kind="rtw")

    body = api(dewi).get(DELIVERIES).json()

    assert week_two(body, "Puskesmas Patrang")["total"] == 1
