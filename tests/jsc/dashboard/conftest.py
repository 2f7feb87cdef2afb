from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.jsc.dashboard import dataset
from tests.pregnancies.helpers import NOW


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def places(db):
    call_command("load_districts", stdout=StringIO())


@pytest.fixture
def data(places, ana, citra, bayu, dodi, dewi, sumbersari, patrang) -> dataset.DataSet:
    return dataset.build(
        ana=ana,
        citra=citra,
        bayu=bayu,
        dodi=dodi,
        dewi=dewi,
        sumbersari=sumbersari,
        patrang=patrang,
    )
