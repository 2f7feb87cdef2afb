"""The deaths app's operations, as plain keyword-only functions (docs/deaths.md).

Bad input raises ``pregnancies.errors.RuleViolation`` (400, nothing written); a step out
of order or a death already notified raises ``pregnancies.errors.Conflict`` (409).
"""

from deaths.services.deadlines import death_steps_overdue
from deaths.services.notify import death_notify, death_notify_from_outcome
from deaths.services.steps import (
    facility_summary_update,
    recommendation_complete,
    review_record,
    screening_record,
    verbal_autopsy_record,
)
from deaths.services.zero import zero_report_record

__all__ = [
    "death_notify",
    "death_notify_from_outcome",
    "death_steps_overdue",
    "facility_summary_update",
    "recommendation_complete",
    "review_record",
    "screening_record",
    "verbal_autopsy_record",
    "zero_report_record",
]
