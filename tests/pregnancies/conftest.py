from __future__ import annotations

import pytest
import time_machine

from tests.pregnancies.helpers import NOW


@pytest.fixture(autouse=True)
def frozen_day():
    """Every registry test runs on 10 March 2026 in Jember (01:30, still the 9th in UTC).

    The clock ticks from there, so entry times still order visits of the same day.
    """
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller
