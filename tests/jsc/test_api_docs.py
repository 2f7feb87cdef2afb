"""/api/docs/ works on a machine without internet: the page and every asset it asks for
come from the service itself (drf-spectacular-sidecar), and chromium, with everything
outside the service blocked, shows Swagger UI's list of operations."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ASSET = re.compile(r'(?:href|src)="([^"]+)"')


def test_the_docs_page_names_only_assets_the_service_serves(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assets = ASSET.findall(page.content.decode())

    assert len(assets) >= 3  # the stylesheet, the bundle, the standalone preset (+ icon)
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by the service"
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert len(body) > 100, asset


@pytest.mark.browser
def test_swagger_ui_lists_the_operations_with_everything_outside_the_service_blocked(
    live_server, browser
):
    base_url = live_server.url
    outside, failed = [], []

    def only_the_service(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page = browser.new_page()
    page.route("**/*", only_the_service)
    page.on("response", lambda r: r.status >= 400 and failed.append((r.status, r.url)))
    page.goto(f"{base_url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    page.close()

    assert outside == []
    assert failed == []
    assert any("/api/v1/pregnancies/" in path for path in summaries)
    assert any("/api/v1/alerts/" in path for path in summaries)
