from django import forms
from django.contrib import admin

from notifications.models import Alert, AlertRule, Delivery, DeliveryAttempt, Device, PushHealth
from pregnancies.models import RiskBand


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["milestone", "offset_days", "bands", "urgent", "active"]

    def clean_bands(self):
        # A bare JSON field here would take "high" for ["high"], and the scan's
        # `band in rule.bands` would then match "high" inside "very_high" too.
        bands = self.cleaned_data["bands"]
        if not isinstance(bands, list) or not bands or not set(bands) <= set(RiskBand.values):
            raise forms.ValidationError(
                f"A non-empty list of risk bands from {', '.join(RiskBand.values)}."
            )
        return sorted(set(bands), key=RiskBand.values.index)


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleForm
    list_display = ["milestone", "offset_days", "bands", "urgent", "active"]
    list_editable = ["active"]

    def get_readonly_fields(self, request, obj=None):
        # Sent alerts carry the milestone's name: renaming would alert everyone again.
        return ["milestone"] if obj is not None else []


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["id", "milestone", "risk_band", "status", "created_at", "acknowledged_at"]
    list_filter = ["status", "milestone", "risk_band"]
    raw_id_fields = ["pregnancy", "recipient", "escalated_from", "visit"]
    # The doctor's note says what was done for the mother: clinical, so not for admins,
    # who see no mother's data anywhere (README, "Who sees what").
    exclude = ["note"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "platform", "active", "updated_at"]
    list_filter = ["platform", "active"]
    raw_id_fields = ["user"]
    # The token itself is a credential to push to that phone: keep it out of the list.
    exclude = ["token"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "alert", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["alert", "device"]


admin.site.register(DeliveryAttempt)
admin.site.register(PushHealth)
