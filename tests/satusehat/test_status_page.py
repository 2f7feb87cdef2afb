"""/dashboard/satusehat/ in Debian's chromium: the health office reads per facility what
reached SATUSEHAT, what waits and why, and which mothers the national index lacks; an
admin sees the same without a mother's name; a midwife is turned away. Screenshots at
phone and laptop width go to var/screenshots/satusehat/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.fakes.fake_satusehat import refused
from tests.pregnancies.helpers import mother
from tests.satusehat.helpers import register, send, visit
from tests.support import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "satusehat"
WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}
PAGE = "/dashboard/satusehat/"


@pytest.fixture
def session(browser, live_server, settings):
    # The tests' day is 10 March 2026: a dated session cookie would have expired for the
    # browser's own clock.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    contexts = []

    def open_as(username: str, width: str = "laptop", locale: str = "id-ID"):
        size = WIDTHS[width]
        context, page = signed_in_page(
            browser, live_server.url, username, PASSWORD, to=PAGE, size=size, locale=locale
        )
        contexts.append(context)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def world(api, ana, bayu, dewi, adi, satusehat, with_ids, patrang):
    """Sumbersari: two pregnancies sent, one encounter refused, a mother the national
    index lacks. Patrang: no SATUSEHAT ids, so its rows wait."""
    satusehat.unknown_niks.add(mother(serial=83)["nik"])
    first = register(api, ana, serial=81)
    visit(api, ana, first, weight_kg=60, systolic=110, diastolic=70)
    second = register(api, ana, serial=82)
    visit(api, ana, second, weight_kg=54)
    register(api, ana, serial=83)
    patrang.satusehat_organization_id = patrang.satusehat_location_id = ""
    patrang.save()
    register(api, bayu, serial=84)
    satusehat.script("POST", "Encounter", refused("Location tidak ditemukan"))
    send(satusehat)


def test_the_health_office_reads_each_facilitys_state_and_the_mothers_not_found(
    session, live_server, world
):
    for width in WIDTHS:
        page = session("dewi", width)
        page.goto(f"{live_server.url}{PAGE}")
        shot(page, f"status-dinkes-{width}")

    sumbersari = page.locator("#by-facility tr", has_text="Puskesmas Sumbersari")
    cells = sumbersari.locator("td")
    assert cells.nth(4).inner_text().strip() == "1"  # refused
    assert "SATUSEHAT tidak menerima Encounter" in cells.nth(6).inner_text()
    assert "Location tidak ditemukan" in cells.nth(6).inner_text()
    patrang = page.locator("#by-facility tr", has_text="Puskesmas Patrang")
    assert "Id SATUSEHAT belum diisi" in patrang.inner_text()
    assert "id organisasi atau id lokasi" in patrang.inner_text()
    assert "1 ibu belum ada di indeks pasien SATUSEHAT" in page.locator("#not-found").inner_text()
    assert "Siti Aminah" in page.locator("#not-found-list").inner_text()


def test_an_admin_sees_the_counts_but_no_mothers_name(session, live_server, world):
    page = session("adi")
    page.goto(f"{live_server.url}{PAGE}")
    shot(page, "status-admin-laptop")

    assert "1 ibu belum ada" in page.locator("#not-found").inner_text()
    assert page.locator("#not-found-list").count() == 0
    assert "Siti" not in page.content()


def test_in_english_and_switched_off_it_says_so(session, live_server, dewi, settings):
    settings.SATUSEHAT_ENV = ""
    page = session("dewi", "phone", locale="en-GB")
    page.goto(f"{live_server.url}{PAGE}")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("domcontentloaded")
    shot(page, "status-off-english-phone")

    assert "Sending to SATUSEHAT is off" in page.locator("#disabled").inner_text()
    assert "Nothing has been queued" in page.content()


def test_a_midwife_is_turned_away(session, live_server, ana):
    page = session("ana")
    response = page.goto(f"{live_server.url}{PAGE}")

    assert response.status == 403
    assert "#by-facility" not in page.content()
