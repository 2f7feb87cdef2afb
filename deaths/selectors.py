"""Who reads which death cases, and the reads other apps use (docs/deaths.md).

The health office reads every case of the regency; a midwife or doctor reads the cases
their facility notified; anyone else (admins: they run the service) none, so every case
route answers them 404.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from deaths import rules
from deaths.models import DeathCase, Recommendation
from jsc.people.models import Role
from pregnancies.selectors import CLINICAL_ROLES


def deaths_visible_to(user) -> QuerySet[DeathCase]:
    role = user.effective_role
    if role == Role.HEALTH_OFFICE:
        return DeathCase.objects.all()
    if role in CLINICAL_ROLES and user.facility_id is not None:
        return DeathCase.objects.filter(facility_id=user.facility_id)
    return DeathCase.objects.none()


def maternal_death_cases(*, year: int | None = None) -> QuerySet[DeathCase]:
    """Every maternal death the service counts: notified as maternal (within 42 days of
    the pregnancy's end, or while pregnant) and not screened out, with or without a
    registered pregnancy (``pregnancy_id`` null then). ``year``: of the death, in
    Jember's calendar. Late maternal deaths are counted apart (``kind``)."""
    cases = DeathCase.objects.filter(kind=rules.MATERNAL, not_maternal=False)
    if year is not None:
        cases = cases.filter(died_on__year=year)
    return cases


def counted_cases(*, first: date, last: date) -> QuerySet[DeathCase]:
    """Cases of every kind that count, dead between ``first`` and ``last`` inclusive."""
    return DeathCase.objects.filter(not_maternal=False, died_on__range=(first, last))


def recommendations_open() -> QuerySet[Recommendation]:
    """Open recommendations of every case, soonest due first."""
    return (
        Recommendation.objects.filter(done=False)
        .select_related("case")
        .order_by("due", "created_at", "id")
    )
