"""The Content-Security-Policy holds and the pages still work, in Debian's chromium.

The browser enforces the policy the service sends; any script, style or request it
refuses is reported as a ``securitypolicyviolation`` event, which the page records
here. Signing in and reading the API docs must work with none.
"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    # Only the live server: the outside stays offline, as in many puskesmas.
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    yield page
    context.close()


def violations(page) -> list[str]:
    csp_console = [t for t in page.console_errors if "Content Security Policy" in t]
    return page.evaluate("window.__violations") + csp_console


def test_signing_in_works_under_the_policy(page, live_server, ana):
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations(page) == []
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")

    assert page.url == f"{live_server.url}/"  # the landing page, which sends each role on
    assert violations(page) == []


def test_the_api_docs_render_under_the_policy(page, live_server, ana):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")
    page.goto(f"{live_server.url}/api/docs/")

    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)

    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations(page) == []


def test_an_inline_script_is_refused_and_reported(page, live_server, db):
    """The recorder works: a script the policy forbids shows up as a violation."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__violations.length > 0", timeout=5_000)

    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in violations(page))


DASHBOARD_PAGES = ["overview", "pws", "high-risk", "deliveries", "alerts", "targets"]


def test_every_dashboard_page_loads_under_the_policy_and_the_language_menu_works(
    page, live_server, dewi
):
    from django.urls import reverse

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "dewi")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")
    for name in DASHBOARD_PAGES:
        page.goto(f"{live_server.url}{reverse(f'dashboard:{name}')}")
        assert violations(page) == [], name

    # The menu submits itself through a script file, not an inline handler.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.select_option('select[name="language"]', "en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(page) == []


def test_the_django_admin_works_under_the_policy(page, live_server, db):
    from tests.conftest import make_user

    make_user("root", "admin", is_superuser=True, is_staff=True, full_name="Root")
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button[type=submit]")
    for path in ("/admin/", "/admin/people/user/", "/admin/people/facility/add/"):
        page.goto(f"{live_server.url}{path}", wait_until="load")
        assert page.url.endswith(path)
        assert violations(page) == [], path
