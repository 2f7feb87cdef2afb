"""The service's settings with the bench's bare views as the only URLs.

Used only by bench/http_bench.py: the baseline runs in the same gunicorn set-up and
middleware as the service, without DRF, validation, idempotency or audit.
"""

from jsc.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
