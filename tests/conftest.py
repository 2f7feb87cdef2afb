"""The cast every test shares (docs/conventions.md, "Tests"): midwife Ana and Dr. Citra at Puskesmas
Sumbersari, midwife Bayu at Puskesmas Patrang, Dinkes officer Dewi, admin Adi."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jsc.people.models import District, Facility, Role, User

PASSWORD = "a-long-test-password"


@pytest.fixture
def sumbersari(db) -> Facility:
    district, _ = District.objects.get_or_create(name="Sumbersari")
    return Facility.objects.create(
        code="PKM-SBS", name="Puskesmas Sumbersari", kind="puskesmas", district=district
    )


@pytest.fixture
def patrang(db) -> Facility:
    district, _ = District.objects.get_or_create(name="Patrang")
    return Facility.objects.create(
        code="PKM-PTR", name="Puskesmas Patrang", kind="puskesmas", district=district
    )


def make_user(username: str, role: str, facility: Facility | None = None, **extra) -> User:
    extra.setdefault("full_name", username.title())
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, facility=facility, **extra
    )


@pytest.fixture
def ana(sumbersari) -> User:
    return make_user("ana", Role.MIDWIFE, sumbersari, full_name="Bidan Ana")


@pytest.fixture
def bayu(patrang) -> User:
    return make_user("bayu", Role.MIDWIFE, patrang, full_name="Bidan Bayu")


@pytest.fixture
def citra(sumbersari) -> User:
    return make_user("citra", Role.DOCTOR, sumbersari, full_name="dr. Citra")


@pytest.fixture
def dodi(patrang) -> User:
    return make_user("dodi", Role.DOCTOR, patrang, full_name="dr. Dodi")


@pytest.fixture
def dewi(db) -> User:
    return make_user("dewi", Role.HEALTH_OFFICE, full_name="Dewi (Dinkes)")


@pytest.fixture
def adi(db) -> User:
    return make_user("adi", Role.ADMIN, full_name="Adi (admin)")


@pytest.fixture
def api():
    """``api(user)`` returns a client signed in as that user; ``api()`` an anonymous one.

    It asks for English (``Accept-Language: en``), so tests read the service's messages
    by their English msgids; ``api(user, language=None)`` sends no Accept-Language (the
    service's default, Bahasa Indonesia) and ``language="id"`` asks for it.
    """

    def client_for(user: User | None = None, *, language: str | None = "en") -> APIClient:
        client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module; each test opens its own context (no shared cookies)."""
    from tests.support import chromium

    with chromium() as launched:
        yield launched
