from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from jsc.people.models import District, Facility, Role, Village
from tests.conftest import make_user
from tests.security.cast import seed_registry


@pytest.fixture(autouse=True)
def _clear_cache():
    """The login throttle counts in the cache: no test inherits another's failures."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Data made once for a whole module, inside a transaction rolled back at its end.

    Each test's own ``db`` transaction nests in it as a savepoint, so what a test writes
    is undone after it and the next test sees the module's data as it was made.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def facility(code: str, name: str, district: str) -> Facility:
    place, _ = District.objects.get_or_create(name=district)
    return Facility.objects.create(code=code, name=name, kind="puskesmas", district=place)


@pytest.fixture(scope="module")
def cast(module_db) -> dict:
    """The cast and a pregnancy (with a visit) at each of their two facilities."""
    sumbersari = facility("PKM-SBS", "Puskesmas Sumbersari", "Sumbersari")
    patrang = facility("PKM-PTR", "Puskesmas Patrang", "Patrang")
    # The mothers' village (tests/security/cast.py), as the regency's places name it.
    Village.objects.create(code="35.09.21.1005", name="Kranjingan", district=sumbersari.district)
    return {
        "sumbersari": sumbersari,
        "patrang": patrang,
        "ana": make_user("ana", Role.MIDWIFE, sumbersari, full_name="Bidan Ana"),
        "citra": make_user("citra", Role.DOCTOR, sumbersari, full_name="dr. Citra"),
        "dodi": make_user("dodi", Role.DOCTOR, patrang, full_name="dr. Dodi"),
        "dewi": make_user("dewi", Role.HEALTH_OFFICE, full_name="Dewi (Dinkes)"),
        "adi": make_user("adi", Role.ADMIN, full_name="Adi (admin)"),
        "seeded": seed_registry(sumbersari=sumbersari, patrang=patrang),
    }
