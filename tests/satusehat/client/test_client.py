"""satusehat/client/: the real client against the fake SATUSEHAT over HTTP. No Django
needed: the token and its cache, the base URLs, retries on 5xx and 429 (honouring
Retry-After), none on 4xx, and errors safe to store (never a NIK or a URL)."""

from __future__ import annotations

import pytest

from satusehat.client import (
    ENVIRONMENTS,
    CredentialsRefused,
    RateLimited,
    Refused,
    SatusehatClient,
    Unavailable,
    base_urls,
    safe_text,
)
from tests.fakes.fake_satusehat import (
    NIK_SYSTEM,
    FakeSatusehat,
    refused,
    server_error,
    too_many_requests,
)
from tests.satusehat.helpers import quick_client
from tests.support import closed_port

NIK = "3509215708950012"
EPISODE = {
    "resourceType": "EpisodeOfCare",
    "identifier": [{"system": "http://sys-ids.kemkes.go.id/episode-of-care/1", "value": "p1"}],
    "status": "active",
    "patient": {"reference": "Patient/P1"},
}


@pytest.fixture
def fake():
    with FakeSatusehat() as server:
        yield server


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_token_is_fetched_once_and_reused_until_shortly_before_it_expires(fake):
    clock = Clock()
    client = quick_client(fake, clock=clock)

    for _ in range(3):
        client.create(EPISODE)
    assert fake.token_requests == 1

    clock.now += 3599 - 61  # a minute before the hour is up: still good
    client.search("EpisodeOfCare", {"identifier": "x|y"})
    assert fake.token_requests == 1
    clock.now += 2  # within the last minute: a new one
    client.search("EpisodeOfCare", {"identifier": "x|y"})
    assert fake.token_requests == 2


def test_a_token_the_platform_stops_accepting_is_fetched_again_once(fake):
    client = quick_client(fake)
    client.create(EPISODE)
    fake._tokens.clear()  # the platform forgot it (a restart, a revocation)

    client.create(EPISODE)

    assert fake.token_requests == 2
    assert fake.count("POST", "EpisodeOfCare") == 3  # the refused one, then the retry


def test_refused_credentials_are_said_once_without_retrying(fake):
    client = quick_client(fake)
    fake.reject_credentials()

    with pytest.raises(CredentialsRefused):
        client.create(EPISODE)
    assert fake.count("POST", "EpisodeOfCare") == 0


def test_a_5xx_is_retried_with_backoff_and_the_retry_that_works_is_the_answer(fake):
    waits: list[float] = []
    client = quick_client(fake, sleep=waits.append, backoff=0.5)
    fake.script("POST", "EpisodeOfCare", server_error(500), server_error(503))

    made = client.create(EPISODE)

    assert fake.resource("EpisodeOfCare", made)["status"] == "active"
    assert fake.count("POST", "EpisodeOfCare") == 3
    assert len(waits) == 2 and 0.5 <= waits[0] < waits[1] <= 1.25


def test_an_outage_outlasting_the_retries_comes_back_unavailable(fake):
    client = quick_client(fake, attempts=3)
    fake.fail_all(server_error(502))

    with pytest.raises(Unavailable) as failed:
        client.create(EPISODE)
    assert failed.value.status == 502
    assert fake.count("POST", "EpisodeOfCare") == 3


def test_a_429_honours_a_short_retry_after_and_leaves_a_long_one_to_the_caller(fake):
    waits: list[float] = []
    client = quick_client(fake, sleep=waits.append, max_wait=10)
    fake.script("POST", "EpisodeOfCare", too_many_requests(2))
    client.create(EPISODE)
    assert 2 <= waits[0] <= 2.5

    fake.script("POST", "EpisodeOfCare", too_many_requests(600))
    with pytest.raises(RateLimited) as limited:
        client.create(EPISODE)
    assert limited.value.retry_after == 600
    assert len(waits) == 1  # nobody slept ten minutes in a worker


def test_a_4xx_is_not_retried_and_keeps_the_operation_outcomes_words(fake):
    client = quick_client(fake)
    fake.script("POST", "EpisodeOfCare", refused("EpisodeOfCare.patient: Patient tidak ditemukan"))

    with pytest.raises(Refused) as no:
        client.create(EPISODE)

    assert no.value.status == 400
    assert no.value.text == "EpisodeOfCare.patient: Patient tidak ditemukan"
    assert fake.count("POST", "EpisodeOfCare") == 1


def test_no_answer_is_unavailable_and_says_so_without_the_url_or_the_nik():
    gone = f"http://127.0.0.1:{closed_port()}"
    client = SatusehatClient(
        auth_url=f"{gone}/oauth2/v1",
        fhir_url=f"{gone}/fhir-r4/v1",
        client_id="c",
        client_secret="s",
        backoff=0.001,
    )
    client._token, client._token_until = "t", float("inf")  # past the token endpoint

    with pytest.raises(Unavailable) as failed:
        client.search("Patient", {"identifier": f"{NIK_SYSTEM}|{NIK}"})

    assert "ConnectionError" in str(failed.value)
    assert NIK not in str(failed.value) and "127.0.0.1" not in str(failed.value)


def test_updates_replace_the_resource_under_its_id(fake):
    client = quick_client(fake)
    made = client.create(EPISODE)

    assert client.update({**EPISODE, "id": made, "status": "finished"}) == made

    assert fake.resource("EpisodeOfCare", made)["status"] == "finished"
    assert (
        client.search(
            "EpisodeOfCare", {"identifier": "http://sys-ids.kemkes.go.id/episode-of-care/1|p1"}
        )[0]["id"]
        == made
    )


def test_each_environment_has_its_base_urls_and_custom_takes_explicit_ones():
    assert base_urls("dev") == ENVIRONMENTS["dev"]
    assert base_urls("production")[1] == "https://api-satusehat.kemkes.go.id/fhir-r4/v1"
    assert base_urls("staging")[0] == "https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1"
    assert base_urls("custom", auth_url="http://x/oauth2/", fhir_url="http://x/fhir") == (
        "http://x/oauth2",
        "http://x/fhir",
    )
    with pytest.raises(ValueError, match="SATUSEHAT_FHIR_URL"):
        base_urls("custom", auth_url="http://x", fhir_url="")
    with pytest.raises(ValueError, match="SATUSEHAT_ENV must be one of"):
        base_urls("prod")


def test_stored_words_lose_long_numbers_and_length():
    assert safe_text(f"NIK {NIK} tidak valid") == "NIK … tidak valid"
    assert len(safe_text("x" * 2000)) == 500
