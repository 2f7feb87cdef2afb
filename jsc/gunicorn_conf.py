"""gunicorn settings shared by `make run`, the Dockerfile and docker-compose.

The access log leaves out query strings: the contract's `?search=` may carry a NIK,
and a NIK must never reach a log. Paths are logged with device tokens shortened
(`DELETE /api/v1/devices/{token}/` carries one) by the logger class below.
"""

import os

from gunicorn.glogging import Logger

from jsc.redaction import RedactRequestLinesFilter, redact_path

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

# One instance: logging skips a filter already attached, so a reload adds none.
_REDACT_ERRORS = RedactRequestLinesFilter()


class RedactingLogger(Logger):
    """gunicorn's logger with device tokens and query strings cut out of what it writes."""

    def setup(self, cfg):
        super().setup(cfg)
        # "Error handling request /api/v1/devices/<token>/", "Invalid HTTP request
        # line: 'GET /api/v1/pregnancies/?search=<a NIK>'" and the like.
        self.error_log.addFilter(_REDACT_ERRORS)

    def atoms(self, resp, req, environ, request_time):
        # Every text atom, not only U and r: the path also sits in {raw_uri}e,
        # {path_info}e, a Referer and whatever a changed format may pick up.
        return {
            key: redact_path(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = RedactingLogger

# The sync worker, answering gunicorn's own request limits (request line, headers) in
# JSON like the API's other errors (jsc/gunicorn_worker.py).
worker_class = "jsc.gunicorn_worker.JsonErrorWorker"

# gunicorn 25.1+ opens a control socket (for `gunicornc`) at one path per user by
# default, $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl: a second instance
# (another checkout, `make run` beside a load test) replaces the first one's socket,
# and stopping either deletes it. So none unless asked for, and then at a path of its
# own: GUNICORN_CONTROL_SOCKET=/run/jsc/web.ctl.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def on_starting(server):
    """Read the settings and reach the database once in the master, before any worker.

    A worker stops with one line on either (see jsc.wsgi), but gunicorn only respawns
    a worker that exits, for ever; failing here makes gunicorn itself exit 2.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")
    from jsc.startup import start_or_explain

    start_or_explain()
