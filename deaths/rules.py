"""The AMP-SR rules as plain functions and tables: which kind a death is, when each step
is due, what counts (docs/deaths.md). "Now" and "today" are parameters.

The deadlines' lengths are settings (DEATH_*), because the sources differ; the rest is
here, once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregnancies.rules.outcomes import MATERNAL_DEATH_WINDOW_DAYS

# A late maternal death: more than 42 days and less than one year after the end of the
# pregnancy (ICD's definition, counted apart; docs/deaths.md, "What counts").
LATE_MATERNAL_MAX_DAYS = 364
# A perinatal death: a stillbirth from 22 completed weeks, or a baby dying in its
# first 7 days.
PERINATAL_MIN_WEEKS = 22
PERINATAL_MAX_DAYS_AFTER_BIRTH = 7
# Plausible input, not clinical thresholds: a typing error answers 400.
GESTATIONAL_WEEKS_MAX = 45
BABY_WEIGHT_G_RANGE = (100, 6000)

MATERNAL = "maternal"
LATE_MATERNAL = "late_maternal"
PERINATAL = "perinatal"
MATERNAL_KINDS = frozenset({MATERNAL, LATE_MATERNAL})

# ICD-MM's nine groups, as SATUSEHAT codes them (system
# http://terminology.kemkes.go.id/CodeSystem/clinical-term).
CAUSE_GROUPS: dict[str, tuple[str, str]] = {
    "grup1-icdmm": ("Kehamilan dengan hasil akhir abortus", "Pregnancy with abortive outcome"),
    "grup2-icdmm": ("Gangguan hipertensi", "Hypertensive disorders"),
    "grup3-icdmm": ("Perdarahan obstetri", "Obstetric haemorrhage"),
    "grup4-icdmm": ("Infeksi terkait kehamilan", "Pregnancy-related infection"),
    "grup5-icdmm": ("Komplikasi obstetri lain", "Other obstetric complications"),
    "grup6-icdmm": (
        "Komplikasi tak terduga dari penanganan",
        "Unanticipated complications of management",
    ),
    "grup7-icdmm": ("Komplikasi non-obstetri", "Non-obstetric complications"),
    "grup8-icdmm": ("Tidak diketahui / tidak ditentukan", "Unknown / undetermined"),
    "grup9-icdmm": ("Penyebab kebetulan", "Coincidental causes"),
}
# The three delays every reviewed death is read against.
DELAYS = ("deciding", "reaching", "receiving")
DELAY_LABELS = {
    "deciding": gettext_lazy("deciding to seek care"),
    "reaching": gettext_lazy("reaching care"),
    "receiving": gettext_lazy("receiving adequate care"),
}
# The MAMA-IN screening's questions: was this woman's death a maternal one?
SCREENING_QUESTIONS: dict[str, str] = {
    "age_15_49": "Usia 15-49 tahun saat meninggal",
    "pregnant_at_death": "Sedang hamil saat meninggal",
    "ended_within_42_days": "Kehamilan berakhir dalam 42 hari sebelum meninggal",
    "ended_within_1_year": "Kehamilan berakhir dalam 1 tahun sebelum meninggal",
    "accident_or_injury": "Meninggal karena kecelakaan atau cedera",
}
SCREENING_ANSWERS = ("yes", "no", "unknown")

STEP_SCREENING = "screening"
STEP_VERBAL_AUTOPSY = "verbal_autopsy"
STEP_REVIEW = "review"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def start_of_day(day: date) -> datetime:
    """Midnight in Jember at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=_tz())


def notification_due(*, died_at: datetime, time_known: bool) -> datetime:
    """DEATH_NOTIFICATION_HOURS after the death. A death known only by its date (an
    outcome) counts from the end of that day: the service cannot blame a notification
    for an hour nobody gave it."""
    start = died_at if time_known else start_of_day(died_at.astimezone(_tz()).date() + timedelta(1))
    return start + timedelta(hours=settings.DEATH_NOTIFICATION_HOURS)


def screening_due(notified_at: datetime) -> datetime:
    return notified_at + timedelta(days=settings.DEATH_SCREENING_DAYS)


def verbal_autopsy_due(notified_at: datetime) -> datetime:
    return notified_at + timedelta(days=settings.DEATH_VERBAL_AUTOPSY_DAYS)


def quarter_end(day: date, *, quarters_after: int = 0) -> date:
    """The last day of the quarter ``quarters_after`` quarters after ``day``'s."""
    index = (day.month - 1) // 3 + quarters_after  # quarters since January of day.year
    year, quarter = day.year + index // 4, index % 4
    first_of_next = date(year + 1, 1, 1) if quarter == 3 else date(year, 3 * (quarter + 1) + 1, 1)
    return first_of_next - timedelta(days=1)


def review_due(interview_date: date) -> datetime:
    """The end (midnight after the last day) of the quarter DEATH_REVIEW_QUARTERS after
    the verbal autopsy's: the district panel meets at least once a quarter."""
    last = quarter_end(interview_date, quarters_after=settings.DEATH_REVIEW_QUARTERS)
    return start_of_day(last + timedelta(days=1))


def kind_errors(
    *,
    kind: str,
    died_on: date,
    pregnancy_start: date | None = None,
    outcome_kind: str | None = None,
    outcome_date: date | None = None,
    pregnancy_active: bool = False,
    gestational_weeks: int | None = None,
    days_after_end: int | None = None,
    baby: dict | None = None,
    died_at: datetime | None = None,
) -> dict[str, list]:
    """Field -> messages for a death that is not the kind it is notified as.

    With a registered pregnancy the record decides: its outcome's date gives the days
    after the end, its dates the gestational age. Without one, what the notifier gives.
    """
    errors: dict[str, list] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    window = MATERNAL_DEATH_WINDOW_DAYS
    if pregnancy_start is not None and died_on < pregnancy_start:
        add("died_at", _("The death cannot be before the start of the pregnancy."))
        return errors
    if outcome_date is not None:
        if died_on < outcome_date and kind != PERINATAL:
            add(
                "died_at",
                _("The death cannot be before the pregnancy's outcome (%(date)s).")
                % {"date": outcome_date},
            )
            return errors
        days_after_end = (died_on - outcome_date).days
    if kind in MATERNAL_KINDS:
        if baby:
            add("baby", _("Give the baby only for a perinatal death."))
        if gestational_weeks is not None and days_after_end is not None:
            add(
                "days_after_end",
                _("Give gestational_weeks (died pregnant) or days_after_end, not both."),
            )
        if pregnancy_start is None and gestational_weeks is None and days_after_end is None:
            add(
                "gestational_weeks",
                _("Give gestational_weeks (died pregnant) or days_after_end."),
            )
    if kind == MATERNAL and days_after_end is not None and days_after_end > window:
        add(
            "kind",
            _(
                "A death more than %(days)d days after the end of the pregnancy is a late "
                "maternal death: notify it with kind late_maternal."
            )
            % {"days": window},
        )
    if kind == LATE_MATERNAL:
        if pregnancy_active or gestational_weeks is not None:
            add("kind", _("She died pregnant: that is a maternal death, not a late one."))
        elif days_after_end is None and pregnancy_start is not None:
            add("kind", _("The pregnancy has no outcome yet: record it first."))
        elif days_after_end is not None and days_after_end <= window:
            add(
                "kind",
                _("Within %(days)d days of the end of the pregnancy: a maternal death.")
                % {"days": window},
            )
        elif days_after_end is not None and days_after_end > LATE_MATERNAL_MAX_DAYS:
            add(
                "kind",
                _("A year or more after the end of the pregnancy: not a maternal death."),
            )
    if kind == PERINATAL:
        errors.update(
            _perinatal_errors(
                outcome_kind=outcome_kind,
                gestational_weeks=gestational_weeks,
                days_after_end=days_after_end if outcome_date is None else None,
                baby=baby,
                died_at=died_at,
            )
        )
    return errors


def _perinatal_errors(
    *,
    outcome_kind: str | None,
    gestational_weeks: int | None,
    days_after_end: int | None,
    baby: dict | None,
    died_at: datetime | None,
) -> dict[str, list]:
    errors: dict[str, list] = {}
    if outcome_kind in ("miscarriage", "abortion"):
        errors["kind"] = [
            _("The pregnancy ended in a miscarriage or abortion: there is no perinatal death.")
        ]
    if gestational_weeks is not None and gestational_weeks < PERINATAL_MIN_WEEKS:
        errors["gestational_weeks"] = [
            _("A perinatal death is from %(weeks)d weeks of pregnancy.")
            % {"weeks": PERINATAL_MIN_WEEKS}
        ]
    if days_after_end is not None:
        errors["days_after_end"] = [_("Give days_after_end only for a maternal death.")]
    if not baby or baby.get("born_at") is None:
        errors["baby"] = [_("Give the baby's time of birth (born_at) for a perinatal death.")]
        return errors
    born_at = baby["born_at"]
    baby_died_at = baby.get("died_at")
    if baby_died_at is not None and died_at is not None and baby_died_at != died_at:
        errors["baby"] = [_("The baby's died_at must be the death's died_at.")]
    elif died_at is not None and died_at < born_at:
        errors["baby"] = [_("The baby cannot die before it was born.")]
    elif died_at is not None and died_at - born_at > timedelta(days=PERINATAL_MAX_DAYS_AFTER_BIRTH):
        errors["died_at"] = [
            _("A baby dying more than %(days)d days after birth is not a perinatal death.")
            % {"days": PERINATAL_MAX_DAYS_AFTER_BIRTH}
        ]
    return errors


def stillbirth_is_perinatal(ga_weeks: int) -> bool:
    return ga_weeks >= PERINATAL_MIN_WEEKS
