"""The /dashboard/ pages in Debian's chromium: a health officer reads the data set's
numbers on each page, every chart is drawn, the CSV downloads and parses, a midwife is
turned away, English switches the labels. Screenshots of each page at phone and laptop
width go to var/screenshots/dashboard/ (git-ignored) for a person to look at."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.jsc.dashboard import dataset
from tests.support import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "dashboard"
WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}
PAGES = {
    "overview": "/dashboard/?year=2026",
    "pws-regency": "/dashboard/pws-kia/?year=2026&month=3&indicator=k4",
    "pws-village": "/dashboard/pws-kia/?year=2026&month=3&indicator=k1_akses&district=35.09.21"
    "&area=35.09.21.1005",
    "high-risk": "/dashboard/high-risk/?weeks=2",
    "deliveries": "/dashboard/deliveries/",
    "alerts": "/dashboard/alerts/?year=2026",
    "targets": "/dashboard/targets/?year=2026",
    "deaths": "/dashboard/deaths/?year=2026",
}


@pytest.fixture
def session(browser, live_server, settings):
    # The tests' day is 10 March 2026; a cookie dated from it would already have expired
    # for the browser's own clock, so the session cookie carries no date.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    contexts = []

    def open_as(username: str, width: str = "laptop"):
        context, page = signed_in_page(
            browser, live_server.url, username, PASSWORD, to="/dashboard/", size=WIDTHS[width]
        )
        contexts.append(context)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def number(page, key: str) -> str:
    return page.locator(f'[data-k="{key}"]').inner_text().strip()


def test_the_overview_shows_deaths_mmr_and_todays_pregnancies(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['overview']}")

    assert number(page, "maternal_deaths") == "1"
    # 3 live births carry no ratio per 100,000: the count, and a sentence saying so.
    assert number(page, "mmr") == "–"
    assert "3 kelahiran hidup" in page.locator("#mmr-note").inner_text()
    assert number(page, "active") == "8"
    assert number(page, "very_high") == "2"
    assert number(page, "due14") == "1"
    assert number(page, "post_term") == "1"
    assert page.locator("svg.years rect.bar").count() == 5
    sumbersari = page.locator("#by-district tr", has_text="Sumbersari").first
    assert sumbersari.locator("td").nth(1).inner_text() == "7"
    assert "Kematian ibu" in page.content() or "kematian ibu" in page.content()


def test_pws_kia_draws_bars_a_target_line_statuses_and_a_monthly_chart(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['pws-village']}")

    tegalgede = page.locator('#pws-table tr[data-code="35.09.21.1005"]')
    assert "44,4%" in tegalgede.inner_text()
    assert tegalgede.locator(".status").inner_text() == "baik"
    kranjingan = page.locator('#pws-table tr[data-code="35.09.21.1003"]')
    assert "populasi" in kranjingan.inner_text().lower()
    assert page.locator("#pws-bars svg rect.bar").count() == 1  # only Tegalgede has population
    assert page.locator("#pws-bars svg line.target").count() == 1
    assert page.locator("#pws-line svg polyline.series").count() == 2

    page.goto(
        f"{live_server.url}/dashboard/pws-kia/?year=2026&month=3&indicator=k6&district=35.09.21"
    )
    assert page.locator('#pws-table tr[data-code="35.09.21.1005"] .status').inner_text() == "jelek"


def test_the_high_risk_list_shows_the_birth_plan_and_downloads_as_csv(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['high-risk']}")

    rows = page.locator("#high-risk tbody tr")
    assert rows.count() == 2
    assert "rumah sakit" in rows.nth(0).inner_text()
    assert "1" in rows.nth(0).locator(".badge").last.inner_text()
    with page.expect_download() as download:
        page.click("#csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["pregnancy"] for r in parsed] == [str(data.i.pk), str(data.h.pk)]

    # Only the very high risk ones, where they should deliver.
    page.select_option('select[name="band"]', "very_high")
    with page.expect_navigation():
        page.click("form.filters button.primary")
    assert page.locator("#high-risk tbody tr").count() == 1
    assert "rumah sakit" in page.locator("#high-risk tbody tr").inner_text()


def test_an_admin_reads_the_high_risk_list_by_ids_with_no_mother(session, live_server, data, adi):
    """docs/dashboard.md, "Who sees the mothers": the page and its CSV, as an admin."""
    from pregnancies.models import Mother

    page = session("adi")
    page.goto(f"{live_server.url}{PAGES['high-risk']}")
    for width in WIDTHS:
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
        shot(page, "high-risk-admin", width)

    rows = page.locator("#high-risk tbody tr")
    assert rows.count() == 2
    assert str(data.i.pk) in rows.nth(0).inner_text()
    assert page.locator("#ids-only").is_visible()
    with page.expect_download() as download:
        page.click("#csv")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    shown = page.content() + csv_text
    for record in Mother.objects.select_related("person"):
        for value in (record.full_name, record.person.nik, record.phone):
            assert value not in shown


def test_deliveries_and_alert_response_show_their_numbers(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['deliveries']}")
    assert page.locator("svg.weeks rect.bar").count() >= 1
    assert "Puskesmas Patrang" in page.locator("#deliveries").inner_text()

    page.goto(f"{live_server.url}{PAGES['alerts']}")
    sumbersari = page.locator("#alerts tr", has_text="Puskesmas Sumbersari").inner_text()
    assert sumbersari.split("\t")[1:] == ["3", "2", "1,5", "1", "1", "1"]
    assert page.locator("#alerts-chart svg rect.bar").count() == 2


def test_targets_are_saved_from_the_page_and_bad_ones_are_named(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['targets']}")
    page.locator("details", has_text="Sumbersari").locator("summary").click()
    page.fill('input[name="pop-35.09.21.1003"]', "800")
    page.click("#targets button.primary")
    assert page.locator('input[name="pop-35.09.21.1003"]').input_value() == "800"

    page.fill('input[name="cbr"]', "80")
    page.click("#targets button.primary")
    assert "crude_birth_rate_per_1000" in page.locator("#errors").inner_text()

    # The village typed before the places were loaded, matched from the same page.
    page.goto(f"{live_server.url}{PAGES['targets']}")
    row = page.locator("#unmatched tr", has_text="Kampung Lama")
    row.locator('input[name="match-village"]').fill("35.09.20.1001")
    with page.expect_navigation():
        row.locator("button").click()
    assert "Kampung Lama" not in page.locator("#unmatched").inner_text()


def test_a_midwife_is_turned_away_without_data(session, live_server, data, ana):
    page = session("ana")
    response = page.goto(f"{live_server.url}/dashboard/pws-kia/")

    assert response.status == 403
    assert page.locator("#forbidden").count() == 1
    assert "Tegalgede" not in page.content()


def test_english_switches_the_labels(session, live_server, data):
    page = session("dewi")
    page.goto(f"{live_server.url}{PAGES['overview']}")
    assert "Ringkasan" in page.locator("nav").inner_text()

    with page.expect_navigation():
        page.select_option('select[name="language"]', "en")

    assert "Overview" in page.locator("nav").inner_text()
    assert "active pregnancies" in page.content()


def test_a_bad_filter_shows_a_message_not_a_crash(session, live_server, data):
    page = session("dewi")
    response = page.goto(f"{live_server.url}/dashboard/pws-kia/?month=13")

    assert response.status == 400
    assert "month" in page.locator(".errors").inner_text()


@pytest.fixture
def deaths(data, ana, bayu, dewi, sumbersari):
    dataset.build_deaths(ana=ana, bayu=bayu, dewi=dewi, sumbersari=sumbersari)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_deaths_page_shows_the_cases_delays_and_missing_zero_reports(
    browser, session, live_server, deaths, width
):
    page = session("dewi")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{PAGES['deaths']}")

    assert (number(page, "maternal"), number(page, "late_maternal"), number(page, "perinatal")) == (
        "1",
        "1",
        "1",
    )
    assert number(page, "mmr") == "–"
    assert "tidak bermakna" in page.locator("#mmr-note").inner_text()
    cases = page.locator("#cases tbody tr")
    assert cases.count() == 3
    # J's case: the delays her review found, and her late notification.
    j = page.locator("#cases tr", has_text="grup2-icdmm")
    assert "mencapai fasilitas kesehatan" in j.locator(".delays").inner_text()
    assert "terlambat dilaporkan" in j.inner_text()
    assert page.locator("#by-month svg rect.bar").count() >= 3
    assert page.locator("#causes svg rect.bar").count() == 9  # one per ICD-MM group
    assert "Gangguan hipertensi" in page.locator("#causes").inner_text()
    assert "2026-01" in page.locator("#missing").inner_text()
    assert "Puskesmas Patrang" in page.locator("#missing").inner_text()
    # Nothing personal on the page: case numbers, not names.
    assert "Ibu 1" not in page.content() and "Ibu Data" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"deaths-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_renders_at_phone_and_laptop_width(session, live_server, data, width):
    page = session("dewi", width)
    for name, path in PAGES.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, name
        assert page.locator("main h1").count() == 1
        shot(page, name, width)


def test_every_page_works_on_an_empty_database(session, live_server, dewi):
    page = session("dewi")
    for name, path in PAGES.items():
        # No places loaded: a district code names nothing yet, so that page is left out.
        if "district=" in path:
            continue
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, name
        shot(page, f"empty-{name}", "laptop")
