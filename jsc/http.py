"""The API's JSON parser (the default for every view): it honours the body size limit.

DRF's JSONParser reads the request as a stream, which bypasses Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check (that one runs only on ``request.body``): a 50 MB
JSON body would be read and parsed whole. This parser reads at most the limit plus one
byte and answers 413 beyond it (jsc.errors turns Django's own RequestDataTooBig, raised
when something reads ``request.body`` first, into the same JSON 413). JSON nested deeper
than Python's recursion limit is a 400, not a RecursionError (500). A string holding
a NUL character is a 400 too: PostgreSQL cannot store one in text and would answer the
INSERT or even the lookup with an error (500) wherever such a string reached a query.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


def too_large() -> PayloadTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(
        _("The request body is larger than %(limit)d KB.") % {"limit": limit // 1024}
    )


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            request = (parser_context or {}).get("request")
            meta = request.META if request is not None else {}
            try:
                declared = int(meta.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise too_large()
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise too_large()
            stream = io.BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            # DRF puts the decoder's reason into the text before translating it, so
            # no catalogue matches; the reason stays as Python gives it.
            reason = str(exc.detail).removeprefix("JSON parse error - ")
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": reason}) from None
        except RecursionError:  # "[[[[...": the decoder gives up on deep nesting
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        if _has_nul(data):
            raise ParseError(_("NUL characters are not allowed in JSON strings."))
        return data


def _has_nul(data) -> bool:
    """Whether any string in parsed JSON, key or value at any depth, holds a NUL."""
    pending = [data]
    while pending:  # a stack, not recursion: nesting is bounded but may still be deep
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
