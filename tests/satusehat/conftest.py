"""The SATUSEHAT tests' world: the registry's frozen day, the project's fake SATUSEHAT
at the network boundary, the service's settings pointed at it, and SATUSEHAT ids on
the cast's facilities and staff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from satusehat.backends import get_client
from tests.fakes.fake_satusehat import FakeSatusehat
from tests.pregnancies.helpers import NOW

SUMBERSARI_ORG, PATRANG_ORG = "10000004", "10000005"


@pytest.fixture(autouse=True)
def frozen_day(request):
    """10 March 2026 in Jember, as the registry's tests; the clock ticks from there.
    Tests with a real worker or a subprocess run on the real clock."""
    if request.node.get_closest_marker("worker"):
        yield None
        return
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def fake() -> Iterator[FakeSatusehat]:
    with FakeSatusehat() as server:
        yield server


@pytest.fixture
def satusehat(fake, settings) -> Iterator[FakeSatusehat]:
    """SATUSEHAT_ENV=custom, pointed at the fake, through the settings the service reads."""
    for name, value in fake.environment().items():
        setattr(settings, name, value)
    get_client.cache_clear()
    yield fake
    get_client().close()
    get_client.cache_clear()


@pytest.fixture
def with_ids(sumbersari, patrang, ana, bayu, citra, dodi):
    """Both puskesmas and their staff as SATUSEHAT knows them."""
    for facility, org in ((sumbersari, SUMBERSARI_ORG), (patrang, PATRANG_ORG)):
        facility.satusehat_organization_id = org
        facility.satusehat_location_id = f"loc-{facility.code.lower()}"
        facility.save()
    for number, user in enumerate((ana, bayu, citra, dodi), start=1):
        user.satusehat_practitioner_id = f"N1000000{number}"
        user.save()
