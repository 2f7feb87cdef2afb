"""The codes the apps build their pick lists from (GET /api/v1/reference/).

Read from the very tables the rules use (rules/kspr.py, rules/anc.py, rules/outcomes.py,
the alert rules in the database, the acknowledge actions), so there is no second copy
to fall out of step.
"""

from __future__ import annotations

from notifications.models import AckAction, AlertRule
from pregnancies.models import ReferralKind
from pregnancies.rules import kspr
from pregnancies.rules.anc import DANGER_SIGNS
from pregnancies.rules.outcomes import KIND_LABELS
from pregnancies.rules.urgent import DANGER_SIGN_MILESTONE

ACTION_LABELS_EN = {
    AckAction.CALLED: "Called the midwife or the mother",
    AckAction.VISITED: "Visited the mother",
    AckAction.REFERRED: "Referred",
    AckAction.NO_ACTION: "No action",
}
REFERRAL_KIND_LABELS_EN = {
    ReferralKind.RDB: "Planned early referral before labour",
    ReferralKind.RTW: "Timely emergency referral",
}


def _label(id_: str, en: str) -> dict[str, str]:
    return {"id": id_, "en": en}


def milestone_label(offset_days: int) -> dict[str, str]:
    """'8 minggu sebelum HPL' / '8 weeks before the due date' from an offset."""
    if offset_days == 0:
        return _label("Hari perkiraan lahir (HPL)", "Due date")
    days = abs(offset_days)
    id_n, en_n = (
        (f"{days // 7} minggu", f"{days // 7} weeks")
        if days % 7 == 0
        else (
            f"{days} hari",
            f"{days} days",
        )
    )
    if offset_days < 0:
        return _label(f"{id_n} sebelum HPL", f"{en_n} before the due date")
    return _label(f"{id_n} setelah HPL", f"{en_n} after the due date")


def reference_data() -> dict:
    milestones = [
        {
            "code": rule.milestone,
            "offset_days": rule.offset_days,
            "bands": rule.bands,
            "urgent": rule.urgent,
            "active": rule.active,
            "label": milestone_label(rule.offset_days),
        }
        for rule in AlertRule.objects.order_by("offset_days")
    ]
    milestones.append(
        {
            "code": DANGER_SIGN_MILESTONE,
            "offset_days": None,
            "bands": ["low", "high", "very_high"],
            "urgent": True,
            "active": True,
            "label": _label("Kunjungan perlu perhatian segera", "A visit needs attention now"),
        }
    )
    return {
        "risk_factors": [
            {
                "code": f.code,
                "points": f.points,
                "derived": f.derived,
                "label": _label(f.label_id, f.label_en),
            }
            for f in kspr.FACTORS
        ],
        "danger_signs": [
            {"code": s.code, "label": _label(s.label_id, s.label_en)} for s in DANGER_SIGNS
        ],
        "outcome_kinds": [
            {"code": code, "label": _label(*labels)} for code, labels in KIND_LABELS.items()
        ],
        "milestones": milestones,
        "acknowledge_actions": [
            {"code": a.value, "label": _label(a.label, ACTION_LABELS_EN[a])} for a in AckAction
        ],
        "referral_kinds": [
            {"code": k.value, "label": _label(k.label, REFERRAL_KIND_LABELS_EN[k])}
            for k in ReferralKind
        ],
    }
