"""Hooks other apps listen to (the alerts app re-plans and cancels through these).

Both are sent inside the writing transaction, so a listener's own writes commit or
roll back with the change that caused them.
"""

from django.dispatch import Signal

# sender=Pregnancy, pregnancy=<Pregnancy>: the pregnancy now has an outcome.
pregnancy_closed = Signal()

# sender=Pregnancy, pregnancy=<Pregnancy>, old_edd=<date>: the EDD moved.
edd_changed = Signal()
