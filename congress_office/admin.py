from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Holiday, Township, Unit, User


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
