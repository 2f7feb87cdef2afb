"""Fixtures for the foundation tests: a clean cache, a superuser. Helpers they share with
other folders (subprocess runs of manage.py, gunicorn) are in tests/support.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login failures are counted in the cache; one test's failures must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def root(db):
    """A superuser whose stored role is not admin: it must still act as admin."""
    return make_user("root", "health_office", is_superuser=True, is_staff=True, full_name="Root")
