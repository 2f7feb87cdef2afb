"""Two small middlewares of the web process (docs/security.md).

``NoStoreMiddleware``: answers carry mothers' names, phones and clinical details, and a
puskesmas often shares one browser among its staff; an answer without Cache-Control may
be kept on disk and shown from the back button to whoever sits down next. Every answer
the service makes itself is therefore ``Cache-Control: no-store``; static files
(WhiteNoise, which sets its own header) keep theirs.

``ForwardedForCheckMiddleware``: with ``NUM_PROXIES=0`` the login throttle counts by
the socket's address. Behind a reverse proxy that is the proxy's, the same for everyone,
so a few wrong passwords anywhere lock every user out. A production process that sees
``X-Forwarded-For`` while trusting no proxy says so in its log, once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response


class ForwardedForCheckMiddleware:
    """Not used at all outside production or when a proxy is configured; in use, one
    look at a header per request until the first warning."""

    def __init__(self, get_response):
        if settings.JSC_ENV != "production" or settings.REST_FRAMEWORK["NUM_PROXIES"]:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.warned = False

    def __call__(self, request):
        if not self.warned and "HTTP_X_FORWARDED_FOR" in request.META:
            self.warned = True
            # No address: which one it was does not matter, and it is personal data.
            logger.warning(
                "requests arrive with X-Forwarded-For but NUM_PROXIES is 0: behind a reverse "
                "proxy every client has the proxy's address, so the login throttle counts "
                "all of them as one; set NUM_PROXIES to the number of proxies in front of "
                'gunicorn (docs/security.md, "Login throttling")'
            )
        return self.get_response(request)
