"""GET /healthz: the database, the broker and the push credentials, each named when down."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def check_broker() -> str:
    from jsc.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def check_push() -> str:
    """What the workers last learnt of the push credentials (they report, web reads)."""
    from notifications.models import PushHealth

    try:
        failing = PushHealth.objects.filter(ok=False).first()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    if failing is None:
        return "ok"
    return (
        f"error: {failing.backend} {failing.detail} (last seen {failing.updated_at:%Y-%m-%d %H:%M})"
    )


CHECKS = {"database": check_database, "broker": check_broker, "push": check_push}


def healthz(request):
    parts = {name: check() for name, check in CHECKS.items()}
    healthy = all(value == "ok" for value in parts.values())
    body = {"status": "ok" if healthy else "error", **parts}
    return JsonResponse(body, status=200 if healthy else 503)
