"""/accounts/login/, the dashboard's session login, driven in Debian's chromium."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.sessions.backends.db import SessionStore

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR = "Nama pengguna atau kata sandi salah."


@dataclass
class Visit:
    url: str
    error: str | None
    session_key: str | None
    me: dict | None


@pytest.fixture
def log_in(browser, live_server):
    def visit(username: str, password: str, query: str = "") -> Visit:
        """Fill the login form in a fresh context and report where it ended up."""
        base_url = live_server.url
        context = browser.new_context(locale="id-ID")  # a browser in Jember
        try:
            page = context.new_page()
            # Only the live server: Swagger UI's CDN and anything else stay offline.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(base_url) else route.abort()
                ),
            )
            page.goto(f"{base_url}/accounts/login/{query}")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.click("button[type=submit]")
            error = page.locator(".error")
            cookies = {c["name"]: c["value"] for c in context.cookies()}
            me = context.request.get(f"{base_url}/api/v1/me/")
            return Visit(
                url=page.url,
                error=error.inner_text() if error.count() else None,
                session_key=cookies.get("sessionid"),
                me=me.json() if me.ok else None,
            )
        finally:
            context.close()

    return visit


def test_it_shows_an_error_for_a_wrong_password(log_in, live_server, ana):
    visit = log_in("ana", "not-her-password")

    assert visit.url.endswith("/accounts/login/")
    assert visit.error == ERROR
    assert visit.session_key is None
    assert visit.me is None


def test_it_shows_an_error_for_an_unknown_user(log_in, live_server, db):
    visit = log_in("nobody", PASSWORD)

    assert visit.error == ERROR
    assert visit.session_key is None


def test_a_good_password_goes_to_the_landing_page_with_a_session(log_in, live_server, ana):
    visit = log_in("ana", PASSWORD)

    assert visit.url == f"{live_server.url}/"
    assert visit.error is None
    assert visit.me is not None and visit.me["username"] == "ana"
    assert visit.session_key
    assert SessionStore(session_key=visit.session_key).get("_auth_user_id") == str(ana.pk)


def test_it_follows_next_within_the_site(log_in, live_server, ana):
    visit = log_in("ana", PASSWORD, query="?next=/api/v1/me/")

    assert visit.url == f"{live_server.url}/api/v1/me/"


def test_it_ignores_a_next_that_leaves_the_site(log_in, live_server, ana):
    visit = log_in("ana", PASSWORD, query="?next=https://evil.example/")

    assert visit.url == f"{live_server.url}/"
