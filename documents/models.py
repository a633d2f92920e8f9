"""Official documents (公文): issuing bodies, incoming documents (收文) handled on the core's
engine, outgoing documents (发文) with their drafts, numbers, seals and distribution.

Every element of GB/T 9704-2012 is a field of OutgoingDocument. Classified documents are seen
only by users cleared for their level (User.clearance); see DocumentQuerySet.visible_to.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.models import BaseCase, Case, CaseQuerySet, Township
from congress_office.uploads import validate_upload

from .choices import SECRECY_LEVEL, DocType, IncomingState, OutgoingState, Secrecy, Urgency


def validate_document_upload(file):
    """A scan or a document whose content matches its extension, within DOCUMENT_UPLOAD_MAX_MB."""
    return validate_upload(file, limit_mb=settings.DOCUMENT_UPLOAD_MAX_MB)


def document_number(code, year, sequence):
    """发文字号: 机关代字〔YYYY〕N号 — full year, hexagonal brackets, no leading zeros, no 第."""
    return f"{code}〔{year}〕{sequence}号"


class IssuingBody(models.Model):
    """A body that issues documents in a township (乡镇人民代表大会主席团, 人大办公室 …) with its
    机关代字 (青人); edited by admins."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    name = models.CharField(_("发文机关全称"), max_length=60)
    code = models.CharField(_("机关代字"), max_length=20, help_text=_("如：青人、青人办"))
    mark = models.CharField(
        _("发文机关标志"), max_length=60, blank=True, help_text=_("版头红字，如“青山镇人大主席团文件”")
    )
    is_active = models.BooleanField(_("在用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")
        ordering = ["township", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="issuing_body_code_unique"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def header(self):
        return self.mark or _("%(name)s文件") % {"name": self.name}


class DocumentQuerySet(CaseQuerySet):
    """A township's documents, minus those classified above the user's clearance."""

    def visible_to(self, user):
        qs = super().visible_to(user)
        allowed = [s for s, level in SECRECY_LEVEL.items() if level <= getattr(user, "clearance", 0)]
        return qs.filter(secrecy__in=allowed)


class IncomingQuerySet(DocumentQuerySet):
    """Incoming documents are also visible to the people they were circulated to (传阅), still
    within their clearance."""

    def shared_filter(self, user):
        if not user.is_authenticated:
            return None
        return models.Q(pk__in=Circulation.objects.filter(reader=user).values("document_id"))


class SecrecyFields(models.Model):
    secrecy = models.CharField(
        _("密级"),
        max_length=20,
        choices=Secrecy.choices,
        blank=True,
        default=Secrecy.NONE,
        help_text=_("乡镇不确定原始密级，只依据所收文件的密级派生标注。"),
    )
    secrecy_years = models.PositiveSmallIntegerField(_("保密期限（年）"), null=True, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def secrecy_mark(self):
        """密级和保密期限 as printed: 机密★20年 (GB/T 9704 7.2.2)."""
        if not self.secrecy:
            return ""
        label = Secrecy(self.secrecy).label
        return f"{label}★{self.secrecy_years}年" if self.secrecy_years else str(label)


class IncomingDocument(SecrecyFields, Case):
    """收文: received, registered with a 收文号, checked, proposed (拟办), instructed (批办),
    handled by a unit on a clock, circulated with read receipts, closed and marked archived."""

    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("收文号"), null=True, blank=True)
    received_at = models.DateTimeField(_("签收时间"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender = models.CharField(_("来文机关"), max_length=100)
    sender_number = models.CharField(_("来文字号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    doc_type = models.CharField(_("文种"), max_length=20, choices=DocType.choices, blank=True)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1, validators=[MinValueValidator(1)])
    pages = models.PositiveSmallIntegerField(_("页数"), default=1, validators=[MinValueValidator(1)])
    return_reason = models.TextField(_("退文理由"), blank=True)
    proposal = models.TextField(_("拟办意见"), blank=True)
    instruction = models.TextField(_("批办意见"), blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = IncomingQuerySet.as_manager()
    history = HistoricalRecords()
    case_type_key = "documents.incoming"

    class Meta:
        verbose_name = _("收文")
        verbose_name_plural = _("收文")
        ordering = ["-year", "-sequence", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="incoming_number_unique"),
        ]
        indexes = [
            models.Index(fields=["township", "year", "state"], name="incoming_register_idx"),
            models.Index(fields=["township", "received_at"], name="incoming_received_idx"),
            # the register's order, county-wide and within a township (issue 12's benchmark)
            models.Index(fields=["year", "received_at", "id"], name="incoming_register_order_idx"),
            models.Index(fields=["township", "year", "received_at", "id"], name="incoming_township_order_idx"),
        ]
        permissions = [
            ("handle_incoming", _("可办理收文")),
            ("instruct_incoming", _("可批办收文")),
        ]

    def __str__(self):
        # a classified document's title never leaves its page: notifications, e-mails, deadline
        # titles and supervision notices name it by its number only
        if self.secrecy:
            return _("%(number)s（涉密文件）") % {"number": self.number or _("待登记收文")}
        return f"{self.number} {self.title}" if self.sequence else self.title

    def get_absolute_url(self):
        return reverse("documents:incoming_detail", args=[self.pk])

    @property
    def number(self):
        return _("收〔%(y)s〕%(n)s号") % {"y": self.year, "n": self.sequence} if self.sequence else ""

    @property
    def state_label(self):
        return IncomingState(self.state).label if self.state in IncomingState.values else self.state


def incoming_upload_to(instance, filename):
    return f"documents/incoming/{instance.document.township_id}/{instance.document.year}/{filename}"


class IncomingFile(models.Model):
    """A scan or a file of an incoming document."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to=incoming_upload_to, validators=[validate_document_upload])
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收文文件")
        verbose_name_plural = _("收文文件")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Circulation(models.Model):
    """传阅: one reader of an incoming document, with the read receipt."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="circulations")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("送阅时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    deadline = models.ForeignKey("core.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("传阅")
        verbose_name_plural = _("传阅")
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "reader"], name="circulation_once_per_reader")]

    def __str__(self):
        return f"{self.document} → {self.reader}"


class OutgoingDocument(SecrecyFields, BaseCase):
    """发文: drafted, reviewed (核稿), signed (签发), numbered (登记), printed, sealed, dispatched
    (核发) and marked archived. Every GB/T 9704 element is a field."""

    issuing_body = models.ForeignKey(
        IssuingBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文机关")
    )
    doc_type = models.CharField(_("文种"), max_length=20, choices=DocType.choices)
    copy_number = models.CharField(_("份号"), max_length=10, blank=True, help_text=_("涉密公文应标注份号"))
    title = models.CharField(_("标题"), max_length=200)
    main_recipients = models.CharField(_("主送机关"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True)
    attachments_note = models.TextField(_("附件说明"), blank=True, help_text=_("每行一个附件名称"))
    signature = models.CharField(_("发文机关署名"), max_length=100, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    seal = models.CharField(_("印章"), max_length=60, blank=True)
    note = models.CharField(_("附注"), max_length=200, blank=True)
    cc_recipients = models.CharField(_("抄送机关"), max_length=300, blank=True)
    print_body = models.CharField(_("印发机关"), max_length=100, blank=True)
    printed_on = models.DateField(_("印发日期"), null=True, blank=True)
    printed_copies = models.PositiveSmallIntegerField(_("印制份数"), null=True, blank=True)
    # 签发: who, opinion, when; 签发人 is printed on upward documents
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )
    sign_opinion = models.TextField(_("签发意见"), blank=True)
    signed_on = models.DateField(_("签发日期"), null=True, blank=True)
    signed_version = models.PositiveIntegerField(_("签发稿版本"), null=True, blank=True)
    # 登记: 发文字号
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    number_code = models.CharField(
        _("文号所用机关代字"),
        max_length=20,
        blank=True,
        help_text=_("登记编号时的机关代字，之后修改代字不改变已编文号"),
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(_("核发时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()
    case_type_key = "documents.outgoing"

    class Meta:
        verbose_name = _("发文")
        verbose_name_plural = _("发文")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_body", "year", "sequence"], name="outgoing_number_unique"),
        ]
        indexes = [
            models.Index(fields=["township", "year", "state"], name="outgoing_register_idx"),
            # the register's order, county-wide and within a township
            models.Index(fields=["drafted_at", "id"], name="outgoing_register_order_idx"),
            models.Index(fields=["township", "drafted_at", "id"], name="outgoing_township_order_idx"),
        ]
        permissions = [
            ("review_outgoing", _("可核稿")),
            ("sign_outgoing", _("可签发")),
            ("view_classified", _("可查看涉密公文")),
        ]

    def __str__(self):
        if self.secrecy:
            return _("%(number)s（涉密文件）") % {"number": self.number or _("未编号发文")}
        return f"{self.number} {self.title}" if self.sequence else self.title

    def get_absolute_url(self):
        return reverse("documents:outgoing_detail", args=[self.pk])

    @property
    def number(self):
        if not self.sequence:
            return ""
        return document_number(self.number_code or self.issuing_body.code, self.year, self.sequence)

    @property
    def is_upward(self):
        from .choices import UPWARD_TYPES

        return self.doc_type in UPWARD_TYPES

    @property
    def state_label(self):
        return OutgoingState(self.state).label if self.state in OutgoingState.values else self.state


def draft_upload_to(instance, filename):
    return f"documents/drafts/{instance.document.township_id}/{filename}"


class DraftVersion(models.Model):
    """Every saved draft of an outgoing document; a .docx body keeps its file and its text."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    docx = models.FileField(_("正文文件（.docx）"), upload_to=draft_upload_to, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("稿本")
        verbose_name_plural = _("稿本")
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="draft_version_unique")]

    def __str__(self):
        return _("第%(n)s稿") % {"n": self.version}


class VoidedNumber(models.Model):
    """A 发文字号 voided after assignment: logged with its reason, never reused."""

    issuing_body = models.ForeignKey(IssuingBody, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    code = models.CharField(_("机关代字"), max_length=20, blank=True)
    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="voided_numbers")
    reason = models.TextField(_("作废理由"))
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("作废文号")
        verbose_name_plural = _("作废文号")
        constraints = [
            models.UniqueConstraint(fields=["issuing_body", "year", "sequence"], name="voided_number_unique"),
        ]

    def __str__(self):
        return document_number(self.code or self.issuing_body.code, self.year, self.sequence)


class SealLog(models.Model):
    """用印登记: which seal, who, when, how many impressions."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="seal_logs")
    seal = models.CharField(_("印章"), max_length=60)
    count = models.PositiveSmallIntegerField(_("用印次数"), validators=[MinValueValidator(1)])
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用印登记")
        verbose_name_plural = _("用印登记")
        ordering = ["used_at", "pk"]

    def __str__(self):
        return f"{self.seal} ×{self.count}"


class DispatchKind(models.TextChoices):
    MAIN = "main", _("主送")
    CC = "cc", _("抄送")


class Dispatch(models.Model):
    """核发: one recipient of a dispatched document."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="dispatches")
    recipient = models.CharField(_("收文机关"), max_length=100)
    kind = models.CharField(_("方式"), max_length=10, choices=DispatchKind.choices)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分发记录")
        verbose_name_plural = _("分发记录")
        ordering = ["pk"]  # 主送 before 抄送, in the order the document names them

    def __str__(self):
        return self.recipient


from .models_citations import DocumentCitation  # noqa: E402,F401
