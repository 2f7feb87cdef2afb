from __future__ import annotations

import pytest
import time_machine

from tests.deaths.helpers import NOW


@pytest.fixture(autouse=True)
def frozen_moment(request):
    """10 March 2026, 09:00 in Jember; the clock ticks from there. Tests that travel
    further (the deadlines) take ``frozen_moment`` and shift it."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def places(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_districts", stdout=StringIO())
