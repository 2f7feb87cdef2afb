"""The AMP-SR steps after notification: screening, verbal autopsy, the facility summary,
the district review and its recommendations (docs/deaths.md, "The steps").

Who may do each is the view's to check (deaths/apis.py); here are the rules of order:
a step of a case closed as not maternal is a 409, the review needs the verbal autopsy
first (409), and once reviewed the earlier steps stand as the panel read them (409).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deaths import rules
from deaths.models import (
    CaseStatus,
    DeathCase,
    DeathDeadline,
    FacilitySummary,
    Recommendation,
    Review,
    Screening,
    Step,
    VerbalAutopsy,
)
from deaths.services.summary import record_events
from pregnancies.errors import Conflict, Errors
from pregnancies.services.common import request_digest

CLOSED_NOT_MATERNAL = gettext_lazy("Screening closed this case as not a maternal death.")
ALREADY_REVIEWED = gettext_lazy(
    "The district review is done: the earlier steps stand as the panel read them."
)


def status_of(case: DeathCase) -> str:
    """The furthest step done; closed when screened out, or reviewed with every
    recommendation done."""
    if case.not_maternal:
        return CaseStatus.CLOSED
    if Review.objects.filter(case=case).exists():
        if not Recommendation.objects.filter(case=case, done=False).exists():
            return CaseStatus.CLOSED
        return CaseStatus.REVIEWED
    if VerbalAutopsy.objects.filter(case=case).exists():
        return CaseStatus.AUTOPSIED
    if Screening.objects.filter(case=case).exists():
        return CaseStatus.SCREENED
    return CaseStatus.NOTIFIED


def _settle(case: DeathCase) -> DeathCase:
    case.status = status_of(case)
    case.save(update_fields=["status", "not_maternal", "updated_at"])
    return case


def _locked(case: DeathCase) -> DeathCase:
    return DeathCase.objects.select_for_update().get(pk=case.pk)


def _met(case: DeathCase, step: str, now: datetime) -> None:
    DeathDeadline.objects.filter(case=case, step=step, met_at__isnull=True).update(met_at=now)


def _open(case: DeathCase) -> None:
    if case.not_maternal:
        raise Conflict(CLOSED_NOT_MATERNAL)
    if Review.objects.filter(case=case).exists():
        raise Conflict(ALREADY_REVIEWED)


def screening_record(*, case: DeathCase, data: dict, by, now: datetime) -> DeathCase:
    """MAMA-IN: ``is_maternal`` false closes the case, counted nowhere; true (again)
    keeps or reopens it. Recorded again before the review, it replaces the last."""
    with transaction.atomic():
        case = _locked(case)
        if not case.is_maternal_kind:
            raise Conflict(_("Screening (MAMA-IN) is for the death of a woman, not a baby."))
        if Review.objects.filter(case=case).exists():
            raise Conflict(ALREADY_REVIEWED)
        Screening.objects.update_or_create(
            case=case,
            defaults={
                "is_maternal": data["is_maternal"],
                "answers": data.get("answers") or {},
                "by": by,
                "at": now,
            },
        )
        _met(case, Step.SCREENING, now)
        case.not_maternal = not data["is_maternal"]
        return _settle(case)


def verbal_autopsy_record(*, case: DeathCase, data: dict, by, now: datetime) -> DeathCase:
    """OVM/OVP. The review falls due by the end of the quarter after the interview's."""
    today = timezone.localdate(now)
    with transaction.atomic():
        case = _locked(case)
        _open(case)
        errors = Errors()
        interview = data["interview_date"]
        if interview > today:
            errors.add("interview_date", _("The interview cannot be in the future."))
        elif interview < case.died_on:
            errors.add("interview_date", _("The interview cannot be before the death."))
        errors.raise_if_any()
        delays = data.get("delays") or {}
        VerbalAutopsy.objects.update_or_create(
            case=case,
            defaults={
                "interview_date": interview,
                "informant": data["informant"],
                "informant_relation": data.get("informant_relation") or "",
                "story": data["story"],
                **{f"delay_{d}": bool(delays.get(d)) for d in rules.DELAYS},
                "by": by,
                "at": now,
            },
        )
        _met(case, Step.VERBAL_AUTOPSY, now)
        DeathDeadline.objects.update_or_create(
            case=case, step=Step.REVIEW, defaults={"due_at": rules.review_due(interview)}
        )
        return _settle(case)


def review_record(*, case: DeathCase, data: dict, by, now: datetime) -> tuple[DeathCase, bool]:
    """The district panel's review with its recommendations; (case, created). The same
    review sent again answers as the first (a retry); another one is a 409."""
    today = timezone.localdate(now)
    digest = request_digest(data)
    with transaction.atomic():
        case = _locked(case)
        if case.not_maternal:
            raise Conflict(CLOSED_NOT_MATERNAL)
        existing = Review.objects.filter(case=case).first()
        if existing is not None:
            if existing.digest == digest:
                return case, False
            raise Conflict(_("This case was already reviewed; follow its recommendations up."))
        autopsy = VerbalAutopsy.objects.filter(case=case).first()
        if autopsy is None:
            raise Conflict(_("The verbal autopsy comes before the review."))
        _review_date_errors(data, autopsy.interview_date, today)
        delays = data.get("delays") or {}
        Review.objects.create(
            case=case,
            review_date=data["review_date"],
            cause_group=data["cause_group"],
            avoidable=data["avoidable"],
            **{f"delay_{d}": bool(delays.get(d)) for d in rules.DELAYS},
            findings=data.get("findings") or "",
            by=by,
            at=now,
            digest=digest,
        )
        Recommendation.objects.bulk_create(
            Recommendation(case=case, text=r["text"], responsible=r["responsible"], due=r["due"])
            for r in data.get("recommendations") or []
        )
        _met(case, Step.REVIEW, now)
        return _settle(case), True


def _review_date_errors(data: dict, interview: date, today: date) -> None:
    errors = Errors()
    on = data["review_date"]
    if on > today:
        errors.add("review_date", _("The review cannot be in the future."))
    elif on < interview:
        errors.add("review_date", _("The review cannot be before the verbal autopsy."))
    for index, recommendation in enumerate(data.get("recommendations") or []):
        if recommendation["due"] < on:
            errors.fields.setdefault("recommendations", {})[str(index)] = {
                "due": [_("A recommendation is due after the review, not before it.")]
            }
    errors.raise_if_any()


def recommendation_complete(
    *, recommendation: Recommendation, note: str, by, now: datetime
) -> Recommendation:
    """Marked done with a note, once; again answers as it stands. The case closes when
    its last open recommendation is done."""
    with transaction.atomic():
        case = _locked(recommendation.case)
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.done:
            return recommendation
        recommendation.done, recommendation.done_at = True, now
        recommendation.done_note, recommendation.done_by = note or "", by
        recommendation.save(update_fields=["done", "done_at", "done_note", "done_by"])
        _settle(case)
    return recommendation


def facility_summary_update(*, case: DeathCase, data: dict, by, now: datetime) -> FacilitySummary:
    """The facility's own account (``narrative``), corrected events, or ``refill``: the
    events read again from the record as it is now."""
    with transaction.atomic():
        case = _locked(case)
        _open(case)
        summary = FacilitySummary.objects.select_for_update().get(case=case)
        if data.get("refill"):
            summary.events = record_events(case.pregnancy) if case.pregnancy_id else []
            summary.filled_at = now
        elif "events" in data:
            summary.events = data["events"]
        if "narrative" in data:
            summary.narrative = data["narrative"] or ""
        summary.edited_by, summary.edited_at = by, now
        summary.save()
    return summary
