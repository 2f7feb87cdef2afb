"""`/` sends each role where it belongs: the health office to the dashboard once it is
served, everyone else to a small page naming the apps and the API docs."""

from __future__ import annotations

import pytest
from django.urls import clear_url_caches

import jsc.urls
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_visitor_sees_the_page_with_a_sign_in_link(client):
    page = client.get("/")

    assert page.status_code == 200
    assert b'id="sign-in"' in page.content
    assert b'href="/api/docs/"' in page.content


def test_a_midwife_is_told_about_the_apps_and_the_api_docs(client, ana):
    page = signed_in(client, ana).get("/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "aplikasi bidan" in text
    assert 'href="/api/docs/"' in text
    assert "/api/v1/users/" not in text


def test_an_admin_is_shown_the_administration_api(client, adi):
    text = signed_in(client, adi).get("/").content.decode()

    assert "/api/v1/users/" in text
    assert "/api/v1/facilities/" in text


def test_the_page_speaks_english_when_asked(client, ana):
    text = signed_in(client, ana).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "midwife app" in text
    assert '<html lang="en">' in text


@pytest.fixture
def without_a_dashboard(settings):
    """The URLs as they were before the dashboard was served."""
    module = type(jsc.urls)("without_dashboard")
    module.urlpatterns = [p for p in jsc.urls.urlpatterns if "dashboard" not in str(p.pattern)]
    settings.ROOT_URLCONF = module
    clear_url_caches()
    yield
    clear_url_caches()


def test_the_health_office_goes_to_the_dashboard(client, dewi):
    response = signed_in(client, dewi).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_without_a_dashboard_the_health_office_sees_the_page(client, dewi, without_a_dashboard):
    response = signed_in(client, dewi).get("/")

    assert response.status_code == 200
    assert b'href="/api/docs/"' in response.content
