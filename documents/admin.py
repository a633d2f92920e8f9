"""Admin of the documents app: admins edit the issuing bodies (发文机关 and their 机关代字);
the documents themselves are read-only here (every change goes through the services and is on
the timeline), and a classified document is listed only for an admin cleared for its level."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .choices import SECRECY_LEVEL
from .models import (
    Circulation,
    Dispatch,
    DraftVersion,
    IncomingDocument,
    IncomingFile,
    IssuingBody,
    OutgoingDocument,
    SealLog,
    VoidedNumber,
)


def cleared_levels(user):
    """The secrecy values the user may see (an admin is no exception)."""
    clearance = getattr(user, "clearance", 0)
    return [value for value, level in SECRECY_LEVEL.items() if level <= clearance]


@admin.register(IssuingBody)
class IssuingBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "township", "mark", "is_active", "order"]
    list_filter = ["township", "is_active"]
    search_fields = ["name", "code", "mark"]
    list_select_related = ["township"]
    fields = ["township", "name", "code", "mark", "is_active", "order"]

    def in_use(self, obj):
        return (
            obj is not None
            and obj.pk is not None
            and (
                OutgoingDocument.objects.filter(issuing_body=obj, sequence__isnull=False).exists()
                or VoidedNumber.objects.filter(issuing_body=obj).exists()
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # numbers already issued keep the 代字 they were issued under (OutgoingDocument.number_code);
        # the body's township never changes once it has issued one
        if self.in_use(obj):
            return ["township"]
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "code" in form.base_fields:
            form.base_fields["code"].help_text = _(
                "如：青人、青人办。发文字号按“机关代字〔年份〕序号号”编排；修改代字只影响之后登记的发文，"
                "已编文号保持原代字，序号在本机关本年度内继续连续编排。"
            )
        return form


class ReadOnlyMixin:
    """Nothing is added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class DraftVersionInline(ReadOnlyInline):
    model = DraftVersion
    fields = ["version", "title", "note", "docx", "saved_by", "saved_at"]
    readonly_fields = fields


class SealLogInline(ReadOnlyInline):
    model = SealLog
    fields = ["seal", "count", "used_by", "used_at"]
    readonly_fields = fields


class DispatchInline(ReadOnlyInline):
    model = Dispatch
    fields = ["recipient", "kind", "copies", "sent_by", "sent_at"]
    readonly_fields = fields


class VoidedNumberInline(ReadOnlyInline):
    model = VoidedNumber
    fields = ["issuing_body", "year", "sequence", "reason", "voided_by", "voided_at"]
    readonly_fields = fields


@admin.register(OutgoingDocument)
class OutgoingDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "number", "township", "issuing_body", "doc_type", "state", "secrecy", "drafted_at"]
    list_filter = ["township", "doc_type", "state", "secrecy"]
    search_fields = ["title"]
    list_select_related = ["township", "issuing_body"]
    date_hierarchy = "drafted_at"
    inlines = [DraftVersionInline, SealLogInline, DispatchInline, VoidedNumberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(secrecy__in=cleared_levels(request.user))

    @admin.display(description=_("发文字号"))
    def number(self, obj):
        return obj.number


class IncomingFileInline(ReadOnlyInline):
    model = IncomingFile
    fields = ["name", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class CirculationInline(ReadOnlyInline):
    model = Circulation
    fields = ["reader", "sent_by", "sent_at", "read_at"]
    readonly_fields = fields


@admin.register(IncomingDocument)
class IncomingDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "number", "township", "sender", "sender_number", "state", "secrecy", "received_at"]
    list_filter = ["township", "state", "secrecy", "urgency"]
    search_fields = ["title", "sender", "sender_number"]
    list_select_related = ["township"]
    date_hierarchy = "received_at"
    inlines = [IncomingFileInline, CirculationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(secrecy__in=cleared_levels(request.user))

    @admin.display(description=_("收文号"))
    def number(self, obj):
        return obj.number
