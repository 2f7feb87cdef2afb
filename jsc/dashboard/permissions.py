from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from jsc.people.models import Role

DASHBOARD_ROLES = frozenset({Role.HEALTH_OFFICE, Role.ADMIN})


def can_see_dashboard(user) -> bool:
    return bool(user and user.is_authenticated and user.effective_role in DASHBOARD_ROLES)


def sees_mothers(user) -> bool:
    """Whether the dashboard shows this user who the mothers are: the health office, who
    follow them up. Admins run the service and are not clinical staff, so they see the
    figures and each row's ids, never a name, phone, village or risk factor
    (docs/dashboard.md, "Who sees the mothers")."""
    return user.effective_role == Role.HEALTH_OFFICE


class DashboardAccess(BasePermission):
    """The health office and admins; anyone else signed in gets 403."""

    message = _("Only the health office and admins may see the dashboard.")

    def has_permission(self, request, view) -> bool:
        return can_see_dashboard(request.user)
