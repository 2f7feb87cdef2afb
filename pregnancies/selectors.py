"""Who sees which pregnancies, and the querysets the views read through.

Midwives and doctors see their own facility's pregnancies and those referred to it;
the health office sees the whole regency; anyone else (admins included: they run the
service, they are not clinical staff) sees none, so every object route answers them 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from jsc.people.models import Role
from pregnancies.models import EddSource, Outcome, Person, Pregnancy, Referral, Visit
from pregnancies.rules.dates import LMP_TO_EDD_MAX_DAYS, PREGNANCY_DAYS

CLINICAL_ROLES = frozenset({Role.MIDWIFE, Role.DOCTOR})
READER_ROLES = CLINICAL_ROLES | {Role.HEALTH_OFFICE}


def can_write(user) -> bool:
    """Midwives and doctors write (within their facility); the health office only reads."""
    return user.effective_role in CLINICAL_ROLES


def pregnancies_visible_to(user) -> QuerySet[Pregnancy]:
    role = user.effective_role
    pregnancies = Pregnancy.objects.all()
    if role in CLINICAL_ROLES and user.facility_id is not None:
        # A facility a pregnancy was referred to cares for it too (docs/pregnancies.md,
        # "Referrals"). The referred ids are read first (an index-only scan of
        # referral_to_facility), so an index answers both halves of the condition: an
        # EXISTS per row ORed with the facility made PostgreSQL read the whole table for
        # every list and count. A facility nobody referred to reads its own rows only.
        referred = list(
            Referral.objects.filter(to_facility_id=user.facility_id)
            .order_by()
            .values_list("pregnancy_id", flat=True)
            .distinct()
        )
        mine = Q(facility_id=user.facility_id)
        return pregnancies.filter(mine | Q(pk__in=referred) if referred else mine)
    if role == Role.HEALTH_OFFICE:
        return pregnancies
    return pregnancies.none()


def previous_outcome_dates(mother, *, by, exclude_pregnancy=None) -> list:
    """The dates the mother's earlier pregnancies ended, for the "next pregnancy begins
    after the previous one ended" rule.

    One selector on purpose: which of her outcomes a facility may use (and so reveal
    through a 400) is decided here and nowhere else. ``mother`` is a facility's record
    of her, so only the pregnancies registered under that record count, and of those
    only the ones ``by`` may see: a facility correcting a pregnancy referred to it
    learns nothing of the registering facility's other pregnancies of her
    (docs/mothers.md).
    """
    outcomes = Outcome.objects.filter(
        pregnancy__mother=mother, pregnancy__in=pregnancies_visible_to(by)
    )
    if exclude_pregnancy is not None:
        outcomes = outcomes.exclude(pregnancy_id=exclude_pregnancy)
    return list(outcomes.values_list("date", flat=True))


def pregnancies_for_display(user) -> QuerySet[Pregnancy]:
    """Visible pregnancies with what their answer needs in the same query.

    The mother (the pregnancy's facility's record of her, with her NIK and her village)
    and the outcome (for the gestational age of a closed pregnancy) are joined; facility,
    doctor and registered_by are answered as ids, so no join.
    """
    return pregnancies_visible_to(user).select_related(
        "mother__person", "mother__village_place", "outcome"
    )


def visits_numbered(pregnancy_id) -> QuerySet[Visit]:
    """The pregnancy's visits oldest first, each with ``visit_number`` (1 = K1).

    Numbered in SQL by date, then by entry time: a visit entered late takes its place
    in the order, and the ones after it move up a number. The window must see every
    visit of the pregnancy, so filter this queryset only in Python (a WHERE on another
    column would be applied before the numbering).
    """
    order = [F("date").asc(), F("created_at").asc(), F("id").asc()]
    return (
        Visit.objects.filter(pregnancy_id=pregnancy_id)
        .select_related("recorded_by")
        .annotate(
            visit_number=Window(RowNumber(), partition_by=[F("pregnancy_id")], order_by=order)
        )
        .order_by("date", "created_at", "id")
    )


# What each facility recorded of a mother; blanks are "not recorded", never a conflict.
RECORD_FIELDS = ("full_name", "date_of_birth", "phone", "village", "address")


def people_with_conflicts() -> QuerySet[Person]:
    """Every person with a record, each annotated ``conflicting`` (how many of
    RECORD_FIELDS differ between her facilities' records), for the health office.

    One query whatever the page: a distinct count per field, blanks left out.
    """
    counts = {
        f"n_{field}": Count(
            f"records__{field}",
            distinct=True,
            filter=~Q(**{f"records__{field}": ""}) if field != "date_of_birth" else None,
        )
        for field in RECORD_FIELDS
    }
    conflicting = sum(
        (Case(When(**{f"n_{field}__gt": 1}, then=1), default=0) for field in RECORD_FIELDS),
        Value(0),
    )
    return (
        Person.objects.filter(records__isnull=False)
        .annotate(**counts, facilities=Count("records", distinct=True))
        .annotate(conflicting=conflicting)
        .order_by("-conflicting", "created_at", "id")
    )


def record_conflicts(records) -> dict[str, list[dict]]:
    """Field -> the differing values with the facility that recorded each, for fields
    whose non-blank values differ between records."""
    conflicts = {}
    for field in RECORD_FIELDS:
        values = [(getattr(r, field), r) for r in records if getattr(r, field) not in ("", None)]
        if len({v for v, _ in values}) > 1:
            conflicts[field] = [
                {"value": v, "facility": r.facility_id, "record": r.pk} for v, r in values
            ]
    return conflicts


def gestation_reached(days: int, *, on: date) -> Q:
    """Pregnancies at least ``days`` into their gestational age on ``on``: rules/dates.py's
    ``ga_start`` as a filter (day 0 is the LMP for an LMP EDD, EDD - 280 for an ultrasound
    one).

    The first term asks nothing the other two do not, but it is on the EDD alone, so the
    active pregnancies' EDD index narrows the rows before any is read: an LMP EDD lies at
    most LMP_TO_EDD_MAX_DAYS after its LMP.
    """
    started_by = on - timedelta(days=days)
    return Q(edd__lte=started_by + timedelta(days=LMP_TO_EDD_MAX_DAYS)) & (
        Q(edd_source=EddSource.LMP, lmp__lte=started_by)
        | Q(edd_source=EddSource.ULTRASOUND, edd__lte=started_by + timedelta(days=PREGNANCY_DAYS))
    )
