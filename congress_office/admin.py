from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ArchiveItem, Fonds, Holiday, OrgCode, RetentionClass, RetentionRule, Township, Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "township", "unit", "is_active", "must_change_password", "clearance"]
    list_filter = ["township", "groups", "is_active"]
    search_fields = ["username", "name", "phone"]
    list_select_related = ["township", "unit"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("乡镇与角色"), {"fields": ("name", "phone", "township", "unit", "must_change_password", "clearance")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("乡镇与角色"), {"fields": ("name", "township", "unit", "groups")}),
    )


@admin.register(Township)
class TownshipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "county", "agency_code", "population", "is_active"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "kind", "is_active"]
    list_filter = ["township", "kind"]
    search_fields = ["name"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "is_workday"]
    date_hierarchy = "date"


@admin.register(Fonds)
class FondsAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township"]
    search_fields = ["code", "name"]


@admin.register(OrgCode)
class OrgCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township"]
    list_filter = ["township"]


@admin.register(RetentionClass)
class RetentionClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention table: a kind's period, never laxer than its class's (checked on save)."""

    list_display = ["kind", "name", "retention_class", "period"]
    list_filter = ["retention_class", "period"]


@admin.register(ArchiveItem)
class ArchiveItemAdmin(admin.ModelAdmin):
    """Read only: 档号 are assigned by the archive service and never edited."""

    list_display = ["code", "title", "year", "retention", "responsible", "date"]
    list_filter = ["year", "retention", "township"]
    search_fields = ["code", "title", "number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
