"""Every test of the jsc package and its apps (tests/jsc/...) starts with a clean cache.
Helpers shared with other folders (manage.py and gunicorn runs) are in tests/support.py.
``db_tmp``: a temporary folder for tests that start make run's own PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.support import reachable_folder


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login failures are counted in the cache; one test's failures must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def db_tmp():
    with reachable_folder("jsc-test-") as folder:
        yield folder
