"""A sign-in form whose CSRF cookie is gone (an old tab, cookies cleared) lands on the
service's own page, in Bahasa Indonesia, saying what to do (jsc/errors.py). Chromium
shows it; screenshots go to var/screenshots/pages/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "pages"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_stale_sign_in_form_gets_a_page_that_says_what_to_do(browser, live_server, ana, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        context.clear_cookies()  # the CSRF cookie is gone; the form still holds its token
        page.fill("#id_username", "ana")
        page.fill("#id_password", "a-long-test-password")
        with page.expect_navigation():
            page.click("button[type=submit]")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"csrf-failure-{width}.png"), full_page=True)
        assert page.locator("#csrf-failure").inner_text() == "Formulir tidak dapat dikirim"
        assert page.locator("html").get_attribute("lang") == "id"
        assert "Muat ulang" in page.content() or "muat ulang" in page.content()
    finally:
        context.close()
