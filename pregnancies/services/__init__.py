"""The registry's business operations, as plain functions (HackSoft style).

Every function takes keyword arguments, ``by`` (the acting user) where someone acts and
``today`` (``timezone.localdate()``, Jember's date) where dates matter. Bad input
raises ``pregnancies.errors.RuleViolation`` (400, nothing written); conflicts raise
``pregnancies.errors.Conflict`` (409).
"""

from pregnancies.services.outcomes import outcome_record, outcome_update
from pregnancies.services.post_term import refresh_post_term
from pregnancies.services.referrals import referral_record
from pregnancies.services.registration import pregnancy_register
from pregnancies.services.updates import pregnancy_update
from pregnancies.services.visits import visit_record

__all__ = [
    "outcome_record",
    "outcome_update",
    "pregnancy_register",
    "pregnancy_update",
    "referral_record",
    "refresh_post_term",
    "visit_record",
]
