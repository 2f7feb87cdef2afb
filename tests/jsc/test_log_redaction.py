"""Django's own log lines ("Not Found: /api/v1/devices/<token>/") keep a device token
to its last six characters: the console handler redacts every record it writes."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings

from jsc.redaction import RedactPathsFilter, redact_path

TOKEN = "dXNlci1waG9uZS0xMjM0NTY3:APA91bH" + "k3Jq9xLmW2" * 14 + "Q7w_Z9"
SHORT = "/api/v1/devices/…Q7w_Z9/"


@pytest.fixture
def console():
    """The console handler as settings.LOGGING makes it, writing into a buffer.

    Configured afresh, as django.setup() does: an in-process Celery worker (the worker
    tests) takes the root logger over and drops Django's handlers for the rest of a run.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(settings.LOGGING)
    (handler,) = [h for h in root.handlers if h.name == "console"]
    written = io.StringIO()
    handler.setStream(written)
    yield handler, written
    root.handlers[:] = handlers
    root.setLevel(level)


def test_it_shortens_the_token_segment_of_a_devices_path():
    assert redact_path(f"/api/v1/devices/{TOKEN}/") == SHORT
    assert redact_path(f"DELETE /api/v1/devices/{TOKEN}/?x=1 HTTP/1.1") == (
        f"DELETE {SHORT}?x=1 HTTP/1.1"
    )
    assert redact_path(f"/api/v1/devices/{TOKEN}") == SHORT.rstrip("/")
    assert redact_path(redact_path(f"/api/v1/devices/{TOKEN}/")) == SHORT


@pytest.mark.parametrize("path", ["/api/v1/devices/", "/api/v1/alerts/42/", "/healthz"])
def test_it_leaves_other_paths_alone(path):
    assert redact_path(path) == path


def record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)


def test_the_filter_redacts_the_message_and_its_string_arguments():
    as_arg = record("%s: %s (%d)", "Not Found", f"/api/v1/devices/{TOKEN}/", 404)
    in_msg = record(f"DELETE /api/v1/devices/{TOKEN}/")
    as_mapping = record("%(path)s", {"path": f"/api/v1/devices/{TOKEN}/"})

    for each in (as_arg, in_msg, as_mapping):
        assert RedactPathsFilter().filter(each) is True

    assert as_arg.getMessage() == f"Not Found: {SHORT} (404)"
    assert in_msg.getMessage() == f"DELETE {SHORT}"
    assert as_mapping.getMessage() == SHORT


def test_logging_puts_the_filter_on_the_console_handler(console):
    handler, _ = console

    assert any(isinstance(f, RedactPathsFilter) for f in handler.filters)


def test_a_404_on_a_device_path_does_not_log_the_token(api, citra, caplog, console):
    _, written = console

    response = api(citra).delete(f"/api/v1/devices/{TOKEN}/")

    assert response.status_code == 404
    # Django did log the request (caplog sees the record before any handler's filter)...
    assert any(r.name == "django.request" for r in caplog.records)
    # ...and the console wrote it with the token cut down to its last six characters.
    assert f"Not Found: {SHORT}" in written.getvalue()
    assert TOKEN[:24] not in written.getvalue()
    assert TOKEN[-20:] not in written.getvalue()
