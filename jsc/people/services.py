"""What an admin does to facilities and staff, each change written to the admin log.

Writes happen here, not in serializers: the views validate the shape of a request,
these functions hold the rules (who belongs to a facility, the last active admin) and
record every change in the same transaction as the change itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from jsc.people.models import ROLES_WITH_FACILITY, AdminChange, Facility, Role, User

# Logged by name only: personal data, or a secret.
_PERSONAL = {"full_name", "phone", "password", "username"}


def _value(value: Any) -> Any:
    """A JSON-friendly value for the log: ids for objects, a district by its name."""
    if isinstance(value, (Facility, User)):
        return str(value.pk)
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _record(*, by: User, action: str, target: str, obj, changes: dict[str, tuple]) -> None:
    AdminChange.objects.create(
        by=by,
        action=action,
        target=target,
        object_id=obj.pk,
        changes={
            name: None if name in _PERSONAL else [_value(old), _value(new)]
            for name, (old, new) in changes.items()
        },
    )


def _check_facility_rule(*, role: str, facility: Facility | None) -> None:
    if role in ROLES_WITH_FACILITY and facility is None:
        raise ValidationError({"facility": [_("A midwife or doctor must belong to a facility.")]})
    if role not in ROLES_WITH_FACILITY and facility is not None:
        raise ValidationError(
            {"facility": [_("The health office and admins belong to no facility.")]}
        )


def _check_password(*, password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from None


def _check_facility_open(facility: Facility | None, *, changed: bool = True) -> None:
    if facility is not None and changed and not facility.active:
        raise ValidationError({"facility": [_("This facility is no longer active.")]})


def user_create(*, data: dict, by: User) -> User:
    facility = data.get("facility")
    _check_facility_rule(role=data["role"], facility=facility)
    _check_facility_open(facility)
    candidate = User(username=data["username"], full_name=data.get("full_name", ""))
    _check_password(password=data["password"], user=candidate)
    try:
        with transaction.atomic():
            user = User.objects.create_user(**data)
            _record(
                by=by,
                action=AdminChange.Action.CREATE,
                target=AdminChange.Target.USER,
                obj=user,
                changes={name: (None, value) for name, value in data.items()},
            )
    except IntegrityError:
        # Two admins creating the same username at once: the unique index decides.
        raise ValidationError({"username": [_("This username is taken.")]}) from None
    return user


def _active_admins(*, lock: bool):
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    return admins.select_for_update() if lock else admins


def user_update(*, user: User, data: dict, by: User) -> User:
    """Change full name, phone, role, facility or active; the rules hold afterwards."""
    fields = {"is_active" if name == "active" else name: value for name, value in data.items()}
    with transaction.atomic():
        # Locks every active admin row: two admins demoting each other at once still
        # leave one (the second waits, then counts again).
        admins = list(_active_admins(lock=True).values_list("pk", flat=True))
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {name: getattr(user, name) for name in fields}
        for name, value in fields.items():
            setattr(user, name, value)
        _check_facility_rule(role=user.role, facility=user.facility)
        _check_facility_open(user.facility, changed=before.get("facility") != user.facility)
        still_admin = user.is_active and user.is_admin_role
        if user.pk in admins and not still_admin and len(admins) == 1:
            raise ValidationError(
                {
                    "active" if not user.is_active else "role": [
                        _("This is the last active admin; make another admin first.")
                    ]
                }
            )
        changes = {
            ("active" if name == "is_active" else name): (old, getattr(user, name))
            for name, old in before.items()
            if old != getattr(user, name)
        }
        if changes:
            user.save(update_fields=list(fields))
            _record(
                by=by,
                action=AdminChange.Action.UPDATE,
                target=AdminChange.Target.USER,
                obj=user,
                changes=changes,
            )
    return user


def user_password_reset(*, user: User, password: str, by: User) -> None:
    _check_password(password=password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _record(
            by=by,
            action=AdminChange.Action.PASSWORD_RESET,
            target=AdminChange.Target.USER,
            obj=user,
            changes={"password": (None, None)},
        )


def facility_create(*, data: dict, by: User) -> Facility:
    try:
        with transaction.atomic():
            facility = Facility.objects.create(**data)
            _record(
                by=by,
                action=AdminChange.Action.CREATE,
                target=AdminChange.Target.FACILITY,
                obj=facility,
                changes={name: (None, value) for name, value in data.items()},
            )
    except IntegrityError:
        # Two admins creating the same code at once: the unique index decides.
        raise ValidationError({"code": [_("A facility has this code.")]}) from None
    return facility


def facility_update(*, facility: Facility, data: dict, by: User) -> Facility:
    """Change name, kind, district or active; the code stays what the apps know."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        changes = {
            name: (getattr(facility, name), value)
            for name, value in data.items()
            if getattr(facility, name) != value
        }
        if changes:
            for name, (_old, new) in changes.items():
                setattr(facility, name, new)
            facility.save(update_fields=list(changes))
            _record(
                by=by,
                action=AdminChange.Action.UPDATE,
                target=AdminChange.Target.FACILITY,
                obj=facility,
                changes=changes,
            )
    return facility
