from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from pregnancies.selectors import READER_ROLES, can_write


class PregnancyAccess(BasePermission):
    """Who may use the registry's routes.

    Object routes (a pregnancy, its visits, its outcome): reach is decided by the scoped
    queryset (selectors.pregnancies_visible_to), which answers 404 for anyone out of it;
    a reader who may not write (the health office) gets 403 on writes. Collection
    routes (list, register): clinical staff and the health office read, clinical staff
    register; anyone else gets 403.
    """

    message = _("Only midwives and doctors may change the pregnancy registry.")
    read_refused = _(
        "Admins see no mother's record: the registry is read by midwives, doctors and "
        "the health office."
    )

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "detail", True):
            return True
        if request.method in SAFE_METHODS:
            if user.effective_role in READER_ROLES:
                return True
            self.message = self.read_refused  # DRF reads the instance's message
            return False
        return can_write(user)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or can_write(request.user)
