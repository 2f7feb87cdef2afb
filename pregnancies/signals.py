"""Hooks other apps listen to (the alerts app re-plans and cancels through these).

Both are sent inside the writing transaction, so a listener's own writes commit or
roll back with the change that caused them.
"""

from django.dispatch import Signal

# sender=Pregnancy, pregnancy=<Pregnancy>: the pregnancy now has an outcome.
pregnancy_closed = Signal()

# sender=Pregnancy, pregnancy=<Pregnancy>, old_edd=<date>: the EDD moved.
edd_changed = Signal()

# sender=Pregnancy, pregnancy=<Pregnancy>, today=<date>: registered, or its EDD, band or
# recipients changed, so a milestone may be owed now rather than at the next scan.
alerts_may_be_due = Signal()

# sender=Visit, visit=<Visit>, pregnancy=<Pregnancy>, late=<bool>: a new visit that is
# urgent (rules/urgent.py); the alerts app raises its danger_sign alert.
urgent_visit_recorded = Signal()

# The record changed, for whoever acts on it or keeps a copy of it (the SATUSEHAT
# outbox, docs/satusehat.md; the deaths app, docs/deaths.md): sender=Pregnancy,
# pregnancy=<Pregnancy>, created=<bool> when a pregnancy is registered (True) or
# corrected (False); sender=Visit, visit=<Visit>, pregnancy=<Pregnancy> when a visit is
# recorded; sender=Outcome, outcome=<Outcome>, pregnancy=<Pregnancy>, by=<User>,
# created=<bool> when the outcome is recorded or corrected (the deaths app notifies a
# death it shows, mother_died or a stillbirth from 22 weeks, through the same path as
# the deaths endpoint).
pregnancy_recorded = Signal()
visit_recorded = Signal()
outcome_recorded = Signal()
