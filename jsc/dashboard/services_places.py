"""The health office matches mothers' village texts typed before the places were loaded."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from jsc.people.places import VillageAmbiguous, VillageNotFound, village_find
from pregnancies.models import Mother


@transaction.atomic
def mother_villages_match(*, text: str, village: str) -> int:
    """Every record whose unmatched village reads ``text`` gets the village ``village``
    (a code or an unambiguous name) and its name as listed; how many changed."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": [_("Give the village text to match.")]})
    if not isinstance(village, str) or not village.strip():
        raise ValidationError({"village": [_("Give a village code or name.")]})
    try:
        found = village_find(village)
    except (VillageNotFound, VillageAmbiguous) as exc:
        raise ValidationError({"village": [str(exc)]}) from None
    return Mother.objects.filter(village=text, village_place__isnull=True).update(
        village_place=found, village=found.name
    )
