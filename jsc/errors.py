"""One exception handler: every client error answers a DRF-shaped 4xx, never a 500;
and under /api/ a path that names nothing answers a JSON 404, and a server error a
JSON 500, never an HTML page. The pages' CSRF failure is a page of ours, in the
request's language."""

from __future__ import annotations

import math

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found
from django.views.defaults import server_error as server_error_page
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from jsc.http import too_large


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        exc = too_large()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        exc.detail = exceptions.ErrorDetail(throttled_detail(exc.wait), code=exc.get_codes())
    return drf_exception_handler(exc, context)


def throttled_detail(wait: float) -> str:
    """DRF's 429 text, translated whole.

    DRF formats the number into "Expected available in {wait} seconds." before it asks
    for the translation, so no catalogue can ever match it and a 429 came out half
    Indonesian, half English.
    """
    seconds = math.ceil(wait)
    return " ".join(
        [
            str(exceptions.Throttled.default_detail),
            ngettext(
                "Expected available in %(wait)d second.",
                "Expected available in %(wait)d seconds.",
                seconds,
            )
            % {"wait": seconds},
        ]
    )


@csrf_exempt
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any path under /api/ that names nothing, with any method: DRF's JSON 404.

    The apps read ``detail`` from every 4xx; Django's HTML "Not Found" page would be
    a parse error to them.
    """
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


def not_found(request, exception=None):
    """Django's 404 handler: JSON under /api/, Django's own page elsewhere."""
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return page_not_found(request, exception)


def server_error(request):
    """Django's 500 handler (an exception nothing caught; it is logged before this runs):
    under /api/, DRF's JSON ``detail`` in the caller's language (LocaleMiddleware has
    chosen it), which the apps read from every error; Django's page elsewhere."""
    if request.path.startswith("/api/"):
        detail = str(exceptions.APIException.default_detail)
        return JsonResponse({"detail": detail}, status=500)
    return server_error_page(request)


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form posted without a valid CSRF token (an old page, cookies
    off). Django's own page is half English and speaks of "CSRF"; this one says what to
    do, in Bahasa Indonesia (or the language the person chose). ``reason`` is Django's
    English diagnosis, already in the log, so it is not shown."""
    return render(request, "csrf_failure.html", status=403)
