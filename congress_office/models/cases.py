"""Rows of the shared handling engine, attached to any case (petition, suggestion …) through
a generic relation. Only congress_office.services.cases writes them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..cases import Satisfaction
from ..message_keys import MessageKeysMixin
from .deadlines import Deadline
from .places import Township, TownshipQuerySet, Unit


class CaseQuerySet(TownshipQuerySet):
    """Visibility shared by case types: the township's office sees all of its cases; a unit
    handler the cases assigned to their unit (lead or co-handling); subclasses say what a
    deputy sees through `deputy_filter`, and what was shared with a named person (a document
    circulated to them) through `shared_filter`."""

    def deputy_filter(self, user):
        return None

    def shared_filter(self, user):
        return None

    def visible_to(self, user):
        from ..roles import Role

        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        conditions = models.Q(pk__in=[])
        if user.has_role(Role.UNIT_HANDLER) and user.unit_id:
            assigned = CaseAssignment.objects.filter(
                item_type=ContentType.objects.get_for_model(self.model), unit_id=user.unit_id
            ).values("item_id")
            conditions |= models.Q(pk__in=assigned)
        if user.has_role(Role.DEPUTY):
            deputy_q = self.deputy_filter(user)
            if deputy_q is not None:
                conditions |= deputy_q
        shared_q = self.shared_filter(user)
        if shared_q is not None:
            conditions |= shared_q
        return qs.filter(conditions).distinct()


def _generic(related_model):
    return GenericRelation(related_model, content_type_field="item_type", object_id_field="item_id")


class BaseCase(models.Model):
    """Abstract base of every handled item: a township and a state. The engine needs nothing
    else; the fields of `Case` are used when a model has them."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    state = models.CharField(_("状态"), max_length=20, db_index=True)

    events = _generic("core.CaseEvent")
    assignments = _generic("core.CaseAssignment")
    replies = _generic("core.CaseReply")
    ratings = _generic("core.CaseRating")
    supervisions = _generic("core.CaseSupervision")
    extension_requests = _generic("core.ExtensionRequest")

    case_type_key = None  # "petitions.petition": the CaseType registered for this model

    class Meta:
        abstract = True


class Case(BaseCase):
    """A case that remembers its lead unit, its handling round (a reopened case is round 2 …)
    and when it closed, as petitions and suggestions do."""

    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("主办单位")
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        abstract = True


class CaseRowMixin(models.Model):
    item_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    item_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("item_type", "item_id")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class AssignmentMode(models.TextChoices):
    ASSIGN = "assign", _("交办")
    TRANSFER = "transfer", _("转办")


class CaseAssignment(CaseRowMixin):
    """A unit's part in handling a case in one round: lead (主办) or co-handling (协办)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="case_assignments", verbose_name=_("单位"))
    role = models.CharField(_("分工"), max_length=10, choices=AssignmentRole.choices)
    mode = models.CharField(_("方式"), max_length=10, choices=AssignmentMode.choices, default=AssignmentMode.ASSIGN)
    round = models.PositiveSmallIntegerField(default=1)
    deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    input_note = models.TextField(_("协办意见"), blank=True)
    input_at = models.DateTimeField(_("协办意见提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        ordering = ["round", "role", "pk"]
        indexes = [
            models.Index(fields=["item_type", "item_id"], name="assignment_item_idx"),
            models.Index(fields=["item_type", "unit"], name="assignment_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "item_id", "round", "unit"], name="assignment_unit_once_per_round"
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_role_display()}"


class CaseEvent(MessageKeysMixin, CaseRowMixin):
    """One step of a case's timeline: who did what, when, from which state to which."""

    action = models.CharField(_("操作"), max_length=30)
    label = models.CharField(_("操作名称"), max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=60, blank=True, help_text=_("无账号的操作人，如来信人"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # label / note as message key + parameters, rendered in the reader's language (message_keys.py)
    message_keys = models.JSONField(default=dict, blank=True, editable=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["item_type", "item_id", "at"], name="event_item_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.label}"

    @property
    def display_label(self):
        return self.rendered("label")

    @property
    def display_note(self):
        return self.rendered("note")


class CaseSupervision(CaseRowMixin):
    """A supervision notice (督办单), numbered per township and year."""

    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    # the 机关代字 of the number when it was issued (青人督): a later change of the township's
    # 机关代字 does not renumber notices already sent
    code = models.CharField(_("督办单代字"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("督办单位"))
    content = models.TextField(_("督办意见"))
    reply_by = models.DateField(_("要求反馈日期"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="supervision_number_unique"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self):
        """机关代字 + 督〔year〕n号 (青人督〔2026〕3号), as a 发文字号 is written; a row without
        its code (made before the code was kept) reads 督办〔year〕n号."""
        return _("%(code)s〔%(y)s〕%(n)s号") % {"code": self.code or _("督办"), "y": self.year, "n": self.sequence}

    @staticmethod
    def code_for(township):
        """The code of the township's supervision notices: its 机关代字 (青人) and 督; without a
        机关代字, the first character of its name and 人 (青人督), as the petitions' numbers do."""
        return _("%(agency)s督") % {"agency": township.agency_code or f"{township.name[:1]}人"}


class CaseReply(CaseRowMixin):
    """A unit's answer in one round; `result` is the type's category (A–D, 支持 …)."""

    round = models.PositiveSmallIntegerField(default=1)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("答复单位")
    )
    content = models.TextField(_("答复内容"))
    result = models.CharField(_("办理结果"), max_length=20, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["item_type", "item_id", "round"], name="reply_once_per_round")]
        indexes = [models.Index(fields=["item_type", "item_id"], name="reply_item_idx")]

    def __str__(self):
        return f"{self.round}: {self.content[:20]}"


def reply_attachment_path(instance, filename):
    """replies/<year>/<month>/<name>: the storage is private either way (no public media URL,
    every file is streamed by a view that checks who may see the case)."""
    from django.utils import timezone

    return f"replies/{timezone.localdate():%Y/%m}/{filename}"


class CaseReplyAttachment(CaseRowMixin):
    """A file sent with a reply (the unit's 答复函, a photo of the site …), checked by
    congress_office.uploads.clean_upload on its way in."""

    reply = models.ForeignKey(CaseReply, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=reply_attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")
        ordering = ["pk"]
        indexes = [models.Index(fields=["item_type", "item_id"], name="reply_attachment_item_idx")]

    def __str__(self):
        return self.name


class CaseRating(CaseRowMixin):
    """A rating of a reply by one person it concerns (each co-signing deputy rates separately)."""

    reply = models.ForeignKey(CaseReply, on_delete=models.CASCADE, related_name="ratings")
    rater_key = models.CharField(max_length=40, help_text="who rated: user:<id>, deputy:<id> or citizen")
    rater_label = models.CharField(_("评价人"), max_length=60)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["reply", "rater_key"], name="rating_once_per_rater")]
        indexes = [
            models.Index(fields=["item_type", "item_id"], name="rating_item_idx"),
            # the statistics' ratings of a period
            models.Index(fields=["item_type", "rated_at"], name="rating_rated_idx"),
        ]

    def __str__(self):
        return f"{self.rater_label} {self.get_satisfaction_display()}"


class ExtensionRequestState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已失效")  # the case was answered before a chair decided


class ExtensionRequest(CaseRowMixin):
    """A request to extend a case's handling clock: made by the office or the handling unit,
    decided by a chair (approved or refused), who acts as themself."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="extension_requests")
    reason = models.TextField(_("延期理由"))
    extra = models.PositiveIntegerField(_("延长期限"), null=True, blank=True)
    extra_rule = models.CharField(_("计算方式"), max_length=20, blank=True)
    new_due_date = models.DateField(_("申请延期至"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    state = models.CharField(
        _("审批状态"), max_length=10, choices=ExtensionRequestState.choices, default=ExtensionRequestState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    extension = models.OneToOneField(
        "core.DeadlineExtension", on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["township", "state", "requested_at"], name="extreq_queue_idx"),
            models.Index(fields=["item_type", "item_id"], name="extreq_item_idx"),
        ]
        constraints = [
            # one open request per clock: a second one waits for the chair's decision
            models.UniqueConstraint(
                fields=["deadline"], condition=models.Q(state="pending"), name="extreq_one_pending_per_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.item} → {self.new_due_date}"

    @property
    def is_pending(self):
        return self.state == ExtensionRequestState.PENDING
