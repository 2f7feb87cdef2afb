from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture
def frozen_day():
    """The registry's tests (tests/pregnancies) run on a frozen day; the rules' tests do
    not. The rules are plain functions handed the day they need, so these run on the
    real clock: a rule that read the clock instead would fail here."""
    return None


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are read by their English msgids (docs/conventions.md, "Tests").
    Named here, not inherited from whatever language the previous test's request left
    active: alone, or after a request in Bahasa Indonesia, these failed."""
    with translation.override("en"):
        yield
