"""Demo SATUSEHAT ids for seed_demo: every demo facility and its staff get made-up
ones, so `make run` pointed at the project's fake SATUSEHAT sends a new registration
end to end (README, "SATUSEHAT"). Ids already set are left alone; the demo's own
mothers are never queued (seed_demo runs inside ``outbox_muted``)."""

from __future__ import annotations

import uuid

from jsc.people.models import Facility, User

# Made up, in the platform's shapes: an organization's digits, a location's UUID, a
# practitioner's N-number. Not ids of anything real.
DEMO_NAMESPACE = uuid.UUID("6f1f2b9e-3b1a-4c55-9a55-5a7e4e5a3509")


def seed(stdout) -> None:
    facilities = Facility.objects.filter(code__startswith="PKM-") | Facility.objects.filter(
        code="RSD-SOEBANDI"
    )
    for number, facility in enumerate(facilities.order_by("code"), start=1):
        changed = {}
        if not facility.satusehat_organization_id:
            changed["satusehat_organization_id"] = f"{99000000 + number}"
        if not facility.satusehat_location_id:
            changed["satusehat_location_id"] = str(uuid.uuid5(DEMO_NAMESPACE, facility.code))
        if changed:
            Facility.objects.filter(pk=facility.pk).update(**changed)
    staff = User.objects.filter(facility__in=facilities, satusehat_practitioner_id="")
    for number, user in enumerate(staff.order_by("username"), start=1):
        User.objects.filter(pk=user.pk).update(satusehat_practitioner_id=f"N{99000000 + number}")
