from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.pregnancies.helpers import NOW


@pytest.fixture
def places(db):
    """Jember's 31 districts and 248 villages, loaded as manage.py load_districts does."""
    call_command("load_districts", stdout=StringIO())


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller
