"""Only the audit trail is in the Django admin, read-only: admins run the service, they
are not clinical staff, so mothers and pregnancies are not shown here."""

from django.contrib import admin

from pregnancies.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "target", "pregnancy_id", "object_id"]
    list_filter = ["action", "target"]
    search_fields = ["=pregnancy_id", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
