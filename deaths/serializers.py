"""Request and answer shapes of the deaths API (docs/deaths.md).

Inputs check types, lengths and choices; every rule that needs the record or the clock
runs in the services. Answers read stored values only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from deaths import rules
from deaths.models import (
    Avoidable,
    CauseGroup,
    DeathCase,
    DeathKind,
    DeathPlace,
    InformantRelation,
    Recommendation,
    Step,
)
from pregnancies.rules import limits

TEXT_MAX = 10_000


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, **kwargs
    )


# ---- requests ----------------------------------------------------------------------------


class PersonInput(serializers.Serializer):
    nik = serializers.CharField(max_length=limits.NIK_INPUT_MAX_LENGTH)
    full_name = serializers.CharField(max_length=limits.NAME_MAX_LENGTH)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    village = _text(limits.VILLAGE_MAX_LENGTH)


class BabyInput(serializers.Serializer):
    born_at = serializers.DateTimeField()
    died_at = serializers.DateTimeField(required=False, allow_null=True)
    weight_g = serializers.IntegerField(
        min_value=rules.BABY_WEIGHT_G_RANGE[0],
        max_value=rules.BABY_WEIGHT_G_RANGE[1],
        required=False,
        allow_null=True,
    )


@extend_schema_serializer(component_name="DeathNotification")
class DeathNotifyInput(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="Client-made id: retries are idempotent.")
    kind = serializers.ChoiceField(choices=DeathKind.choices)
    pregnancy = serializers.UUIDField(
        required=False, allow_null=True, help_text="A registered pregnancy in the caller's reach."
    )
    person = PersonInput(
        required=False, allow_null=True, help_text="A woman never registered (no pregnancy)."
    )
    died_at = serializers.DateTimeField()
    place = serializers.ChoiceField(choices=DeathPlace.choices, required=False, allow_blank=True)
    place_facility = serializers.UUIDField(required=False, allow_null=True)
    gestational_weeks = serializers.IntegerField(
        min_value=0, max_value=rules.GESTATIONAL_WEEKS_MAX, required=False, allow_null=True
    )
    days_after_end = serializers.IntegerField(
        min_value=0, max_value=3650, required=False, allow_null=True
    )
    suspected_cause_group = serializers.ChoiceField(
        choices=CauseGroup.choices, required=False, allow_blank=True
    )
    baby = BabyInput(required=False, allow_null=True)
    notes = _text(limits.NOTES_MAX_LENGTH)


class ScreeningInput(serializers.Serializer):
    is_maternal = serializers.BooleanField()
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=rules.SCREENING_ANSWERS),
        required=False,
        help_text="MAMA-IN: question code -> yes, no or unknown "
        f"({', '.join(rules.SCREENING_QUESTIONS)}).",
    )

    def validate_answers(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(rules.SCREENING_QUESTIONS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown questions: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value


class DelaysSerializer(serializers.Serializer):
    deciding = serializers.BooleanField(default=False)
    reaching = serializers.BooleanField(default=False)
    receiving = serializers.BooleanField(default=False)


class VerbalAutopsyInput(serializers.Serializer):
    interview_date = serializers.DateField()
    informant = serializers.CharField(max_length=150, help_text="Never shown to the panel.")
    informant_relation = serializers.ChoiceField(
        choices=InformantRelation.choices, required=False, allow_blank=True
    )
    story = serializers.CharField(
        max_length=TEXT_MAX, help_text="The family's account; write no names."
    )
    delays = DelaysSerializer(required=False)


class RecommendationInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    responsible = serializers.CharField(max_length=150, help_text="A unit or role, not a name.")
    due = serializers.DateField()


class ReviewInput(serializers.Serializer):
    review_date = serializers.DateField()
    cause_group = serializers.ChoiceField(choices=CauseGroup.choices)
    avoidable = serializers.ChoiceField(choices=Avoidable.choices)
    delays = DelaysSerializer(required=False)
    findings = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, required=False)
    recommendations = RecommendationInput(many=True, required=False, max_length=50)


class RecommendationDoneInput(serializers.Serializer):
    done = serializers.BooleanField()
    note = _text(2000)

    def validate_done(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("A recommendation is marked done, not undone."))
        return value


class EventSerializer(serializers.Serializer):
    at = serializers.CharField(max_length=40)
    what = serializers.CharField(max_length=40)
    facility = serializers.UUIDField(allow_null=True, required=False)
    detail = serializers.DictField(required=False)


class FacilitySummaryInput(serializers.Serializer):
    narrative = _text(TEXT_MAX)
    events = EventSerializer(many=True, required=False, max_length=500)
    refill = serializers.BooleanField(
        required=False, help_text="Read the events again from the record."
    )


class ZeroReportInput(serializers.Serializer):
    month = serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")


# ---- answers -----------------------------------------------------------------------------


class DeathPersonSerializer(serializers.Serializer):
    nik = serializers.CharField(source="person.nik")
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    village = serializers.CharField()
    village_code = serializers.CharField(source="village_place.code", allow_null=True, default=None)


class BabySerializer(serializers.Serializer):
    born_at = serializers.DateTimeField()
    died_at = serializers.DateTimeField()
    weight_g = serializers.IntegerField(allow_null=True)


class ScreeningSerializer(serializers.Serializer):
    is_maternal = serializers.BooleanField()
    answers = serializers.DictField(child=serializers.CharField())
    by = serializers.UUIDField(source="by_id")
    at = serializers.DateTimeField()


class _StepWithDelays(serializers.Serializer):
    delays = serializers.SerializerMethodField()
    by = serializers.UUIDField(source="by_id")
    at = serializers.DateTimeField()

    @extend_schema_field(DelaysSerializer)
    def get_delays(self, step) -> dict:
        return {d: getattr(step, f"delay_{d}") for d in rules.DELAYS}


class VerbalAutopsySerializer(_StepWithDelays):
    interview_date = serializers.DateField()
    informant = serializers.CharField()
    informant_relation = serializers.CharField()
    story = serializers.CharField()


class FacilitySummarySerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    narrative = serializers.CharField()
    filled_at = serializers.DateTimeField()
    edited_by = serializers.UUIDField(source="edited_by_id", allow_null=True)
    edited_at = serializers.DateTimeField(allow_null=True)


class ReviewSerializer(_StepWithDelays):
    review_date = serializers.DateField()
    cause_group = serializers.CharField()
    avoidable = serializers.CharField()
    findings = serializers.CharField()


class RecommendationSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    done_by = serializers.UUIDField(source="done_by_id", allow_null=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "case",
            "text",
            "responsible",
            "due",
            "done",
            "done_at",
            "done_note",
            "done_by",
        ]
        read_only_fields = fields


class DeadlineSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()


class DeathCaseSerializer(serializers.ModelSerializer):
    """The named case: the health office's, and the notifying facility's (which sees the
    case's pregnancy and its facility summary only when the pregnancy is in its reach:
    a NIK matched elsewhere discloses nothing; docs/deaths.md)."""

    pregnancy = serializers.SerializerMethodField()
    person = DeathPersonSerializer(source="*")
    # Null, not "", when not given: one enum in the schema, no blank member.
    place = serializers.SerializerMethodField()
    suspected_cause_group = serializers.SerializerMethodField()
    baby = serializers.SerializerMethodField()
    place_facility = serializers.UUIDField(source="place_facility_id", allow_null=True)
    facility = serializers.UUIDField(source="facility_id")
    notified_by = serializers.UUIDField(source="notified_by_id")
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    screening_due = serializers.SerializerMethodField()
    verbal_autopsy_due = serializers.SerializerMethodField()
    review_due = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    screening = ScreeningSerializer(allow_null=True)
    verbal_autopsy = VerbalAutopsySerializer(allow_null=True)
    facility_summary = serializers.SerializerMethodField()
    review = ReviewSerializer(allow_null=True)
    recommendations = RecommendationSerializer(many=True)

    class Meta:
        model = DeathCase
        fields = [
            "id",
            "case_number",
            "kind",
            "status",
            "died_at",
            "died_time_known",
            "notified_at",
            "notified_by",
            "notification_due",
            "notified_late",
            "screening_due",
            "verbal_autopsy_due",
            "review_due",
            "deadlines",
            "pregnancy",
            "person",
            "district",
            "place",
            "place_facility",
            "gestational_weeks",
            "days_after_end",
            "suspected_cause_group",
            "baby",
            "notes",
            "facility",
            "source",
            "screening",
            "verbal_autopsy",
            "facility_summary",
            "review",
            "recommendations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _shows_pregnancy(self, case: DeathCase) -> bool:
        shown = self.context.get("pregnancies_shown")
        return case.pregnancy_id is not None and (shown is None or case.pregnancy_id in shown)

    @extend_schema_field(serializers.ChoiceField(choices=DeathPlace.choices, allow_null=True))
    def get_place(self, case: DeathCase):
        return case.place or None

    @extend_schema_field(serializers.ChoiceField(choices=CauseGroup.choices, allow_null=True))
    def get_suspected_cause_group(self, case: DeathCase):
        return case.suspected_cause_group or None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_pregnancy(self, case: DeathCase):
        return case.pregnancy_id if self._shows_pregnancy(case) else None

    @extend_schema_field(FacilitySummarySerializer(allow_null=True))
    def get_facility_summary(self, case: DeathCase):
        summary = getattr(case, "facility_summary", None)
        if summary is None:
            return None
        data = FacilitySummarySerializer(summary).data
        if case.pregnancy_id and not self._shows_pregnancy(case):
            data["events"] = []
        return data

    @extend_schema_field(BabySerializer(allow_null=True))
    def get_baby(self, case: DeathCase):
        if case.baby_born_at is None:
            return None
        return BabySerializer(
            {"born_at": case.baby_born_at, "died_at": case.died_at, "weight_g": case.baby_weight_g}
        ).data

    def _deadline(self, case: DeathCase, step: str):
        due = next((d.due_at for d in case.deadlines.all() if d.step == step), None)
        return None if due is None else serializers.DateTimeField().to_representation(due)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_screening_due(self, case):
        return self._deadline(case, Step.SCREENING)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_verbal_autopsy_due(self, case):
        return self._deadline(case, Step.VERBAL_AUTOPSY)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_review_due(self, case):
        return self._deadline(case, Step.REVIEW)

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case: DeathCase):
        now = self.context["now"]
        return DeadlineSerializer(
            [
                {
                    "step": d.step,
                    "due_at": d.due_at,
                    "met_at": d.met_at,
                    "overdue": d.met_at is None and d.due_at < now and not case.not_maternal,
                }
                for d in sorted(case.deadlines.all(), key=lambda d: d.due_at)
            ],
            many=True,
        ).data


class ZeroReportSerializer(serializers.Serializer):
    facility = serializers.UUIDField(source="facility_id")
    month = serializers.SerializerMethodField()
    by = serializers.UUIDField(source="by_id")
    at = serializers.DateTimeField()

    def get_month(self, report) -> str:
        return f"{report.month:%Y-%m}"


class DeathConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    facility = serializers.CharField(
        required=False, help_text="The facility that notified the same death."
    )


# ---- the review file ---------------------------------------------------------------------


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.CharField(allow_null=True)
    what = serializers.CharField()
    facility = serializers.CharField(allow_null=True, help_text='"Puskesmas A", "RS B"...')
    detail = serializers.DictField()


class AliasSerializer(serializers.Serializer):
    facility = serializers.CharField()
    kind = serializers.CharField()


class FileScreeningSerializer(serializers.Serializer):
    is_maternal = serializers.BooleanField()
    answers = serializers.DictField(child=serializers.CharField())


class FileAutopsySerializer(serializers.Serializer):
    interview_date = serializers.DateField()
    informant_relation = serializers.CharField(allow_null=True)
    story = serializers.CharField()
    delays = DelaysSerializer()


class FileReviewSerializer(serializers.Serializer):
    review_date = serializers.DateField()
    cause_group = serializers.CharField()
    avoidable = serializers.CharField()
    delays = DelaysSerializer()
    findings = serializers.CharField()


class FileRecommendationSerializer(serializers.Serializer):
    text = serializers.CharField()
    responsible = serializers.CharField()
    due = serializers.DateField()
    done = serializers.BooleanField()
    done_note = serializers.CharField()


class ReviewFileSerializer(serializers.Serializer):
    """The anonymised file (deaths/anonymise.py): no name, NIK, phone, address or staff
    name anywhere in it."""

    case_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=DeathKind.choices)
    status = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    gravida = serializers.IntegerField(allow_null=True)
    para = serializers.IntegerField(allow_null=True)
    abortus = serializers.IntegerField(allow_null=True)
    registered = serializers.BooleanField()
    gestational_weeks = serializers.IntegerField(allow_null=True)
    days_after_end = serializers.IntegerField(allow_null=True)
    baby_weight_g = serializers.IntegerField(allow_null=True)
    place = serializers.CharField(allow_null=True)
    place_facility = serializers.CharField(allow_null=True)
    notifying_facility = serializers.CharField(allow_null=True)
    notified_late = serializers.BooleanField()
    suspected_cause_group = serializers.CharField(allow_null=True)
    timeline = TimelineEventSerializer(many=True)
    facilities = AliasSerializer(many=True)
    screening = FileScreeningSerializer(allow_null=True)
    verbal_autopsy = FileAutopsySerializer(allow_null=True)
    facility_account = serializers.CharField()
    review = FileReviewSerializer(allow_null=True)
    recommendations = FileRecommendationSerializer(many=True)
