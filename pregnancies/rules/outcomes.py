"""Outcome rules: which status an outcome gives, and what makes an outcome coherent.

Source: docs/domain.md, "Outcomes and maternal death". Pure functions; "today" is a parameter.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

LIVE_BIRTH = "live_birth"
STILLBIRTH = "stillbirth"
MISCARRIAGE = "miscarriage"
ABORTION = "abortion"

# A birth (alive or not) delivers the pregnancy; a loss before viability ends it.
DELIVERED_KINDS = frozenset({LIVE_BIRTH, STILLBIRTH})
ENDED_KINDS = frozenset({MISCARRIAGE, ABORTION})

# A maternal death is a death while pregnant or within 42 days of the end of the
# pregnancy (WHO ICD definition, as docs/domain.md gives it).
MATERNAL_DEATH_WINDOW_DAYS = 42


def status_after(kind: str) -> str:
    """`delivered` after a live birth or stillbirth, `ended` after a miscarriage or abortion."""
    if kind in DELIVERED_KINDS:
        return "delivered"
    if kind in ENDED_KINDS:
        return "ended"
    raise ValueError(f"Unknown outcome kind {kind!r}.")


def outcome_errors(
    *,
    kind: str,
    on: date,
    babies_born_alive: int,
    mother_died: bool,
    mother_death_date: date | None,
    mother_death_cause: str,
    pregnancy_start: date,
    last_visit: date | None,
    today: date,
) -> dict[str, list[str]]:
    """Field -> messages for an incoherent outcome; {} when it holds together.

    `pregnancy_start` is the first day it may fall on (services.common.pregnancy_start:
    day 0 of the gestational age, or the LMP if later); `last_visit` the
    date of the latest ANC visit, which the outcome may not precede.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if on > today:
        add("date", _("The outcome date cannot be in the future."))
    elif on < pregnancy_start:
        add("date", _("The outcome date cannot be before the start of the pregnancy (LMP)."))
    elif last_visit is not None and on < last_visit:
        add(
            "date",
            _("The outcome date cannot be before the last ANC visit (%(date)s).")
            % {"date": last_visit},
        )

    if kind == LIVE_BIRTH and babies_born_alive < 1:
        add("babies_born_alive", "A live birth has at least one baby born alive.")
    elif kind != LIVE_BIRTH and babies_born_alive != 0:
        add("babies_born_alive", f"A {kind.replace('_', ' ')} has no baby born alive (0).")

    if not mother_died:
        if mother_death_date is not None:
            add("mother_death_date", _("Give a death date only when mother_died is true."))
        if mother_death_cause:
            add("mother_death_cause", _("Give a cause of death only when mother_died is true."))
    elif mother_death_date is None:
        add("mother_death_date", _("Give the date of the mother's death."))
    elif mother_death_date > today:
        add("mother_death_date", _("The date of death cannot be in the future."))
    elif mother_death_date < on:
        # A death while pregnant ends the pregnancy that day: the outcome is dated then.
        add(
            "mother_death_date",
            _(
                "The date of death cannot be before the outcome date (a death while pregnant "
                "ends the pregnancy: date the outcome on that day)."
            ),
        )
    elif mother_death_date > on + timedelta(days=MATERNAL_DEATH_WINDOW_DAYS):
        add(
            "mother_death_date",
            _(
                "A death more than %(days)d days after the end of the pregnancy is not a "
                "maternal death by definition; do not record it here."
            )
            % {"days": MATERNAL_DEATH_WINDOW_DAYS},
        )
    return errors


# Labels for the apps' pick lists (GET /reference/): (Bahasa Indonesia, English).
KIND_LABELS: dict[str, tuple[str, str]] = {
    LIVE_BIRTH: ("Lahir hidup", "Live birth"),
    STILLBIRTH: ("Lahir mati", "Stillbirth"),
    MISCARRIAGE: ("Keguguran", "Miscarriage"),
    ABORTION: ("Aborsi", "Abortion"),
}
