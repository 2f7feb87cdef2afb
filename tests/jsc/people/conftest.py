from __future__ import annotations

import pytest

from tests.conftest import make_user


@pytest.fixture
def root(db):
    """A superuser whose stored role is not admin: it must still act as admin."""
    return make_user("root", "health_office", is_superuser=True, is_staff=True, full_name="Root")
