"""`/`: where a person who opens the service in a browser is sent, by role.

The health office (and admin) to the dashboard once one is served at /dashboard/;
everyone else to a small page that names the apps they work in and the API docs.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from jsc.people.models import Role

DASHBOARD_PATH = "/dashboard/"
DASHBOARD_ROLES = (Role.HEALTH_OFFICE, Role.ADMIN)


def _dashboard_exists() -> bool:
    try:
        resolve(DASHBOARD_PATH)
    except Resolver404:
        return False
    return True


def landing(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = user.effective_role if user.is_authenticated else None
    if role == Role.HEALTH_OFFICE and _dashboard_exists():
        return redirect(DASHBOARD_PATH)
    return render(
        request,
        "landing.html",
        {
            "role": role,
            "is_clinician": role in (Role.MIDWIFE, Role.DOCTOR),
            "is_admin": role == Role.ADMIN,
            "dashboard": role in DASHBOARD_ROLES and _dashboard_exists(),
        },
    )
