"""Archiving by DA/T 22-2015 (归档文件整理规则): the 全宗 of a township, the retention periods with
their table (a kind never laxer than its class), the 机构（问题）codes, and the archive items (件)
with their 档号, assigned gapless and never changed (a correction keeps the old one on record).

档号 = 全宗号-门类代码·年度-保管期限代码-机构（问题）代码-件号, e.g. 0123-WS·2026-Y-BGS-0001.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Township, TownshipQuerySet

CATEGORY_CODE = "WS"  # 门类: 文书


class Retention(models.TextChoices):
    PERMANENT = "Y", _("永久")
    THIRTY = "D30", _("定期30年")
    TEN = "D10", _("定期10年")


# how long each keeps: a stricter period keeps longer
RETENTION_YEARS = {Retention.PERMANENT: 10**6, Retention.THIRTY: 30, Retention.TEN: 10}


class Fonds(models.Model):
    """全宗: one per township."""

    township = models.OneToOneField(Township, on_delete=models.PROTECT, related_name="fonds", verbose_name=_("乡镇"))
    code = models.CharField(_("全宗号"), max_length=10, unique=True)
    name = models.CharField(_("全宗名称"), max_length=100)

    class Meta:
        verbose_name = _("全宗")
        verbose_name_plural = _("全宗")

    def __str__(self):
        return f"{self.code} {self.name}"


class OrgCode(models.Model):
    """机构（问题）代码 of a township: BGS 办公室 …"""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    code = models.CharField(_("机构（问题）代码"), max_length=10)
    name = models.CharField(_("机构（问题）名称"), max_length=60)

    class Meta:
        verbose_name = _("机构（问题）代码")
        verbose_name_plural = _("机构（问题）代码")
        constraints = [models.UniqueConstraint(fields=["township", "code"], name="org_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


class RetentionClass(models.Model):
    """A class of records (文书类 …) with its retention; its kinds may keep longer, never shorter."""

    code = models.CharField(_("类别代码"), max_length=40, unique=True)
    name = models.CharField(_("类别"), max_length=60)
    period = models.CharField(_("保管期限"), max_length=4, choices=Retention.choices)

    class Meta:
        verbose_name = _("保管期限类别")
        verbose_name_plural = _("保管期限类别")

    def __str__(self):
        return self.name


class RetentionRule(models.Model):
    """The default retention of one kind of record (documents.outgoing …), editable by admins."""

    kind = models.CharField(_("文件种类"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    retention_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="rules", verbose_name=_("类别")
    )
    period = models.CharField(_("保管期限"), max_length=4, choices=Retention.choices)

    class Meta:
        verbose_name = _("保管期限表")
        verbose_name_plural = _("保管期限表")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.name}：{self.get_period_display()}"

    def clean(self):
        if self.retention_class_id and RETENTION_YEARS[self.period] < RETENTION_YEARS[self.retention_class.period]:
            raise ValidationError(
                {
                    "period": _("“%(k)s”的保管期限不能短于所属类别“%(c)s”的%(p)s。")
                    % {
                        "k": self.name,
                        "c": self.retention_class.name,
                        "p": self.retention_class.get_period_display(),
                    }
                }
            )


class ArchiveQuerySet(TownshipQuerySet):
    """Archive rows are read by those who may read the archive (clerks, auditors), in their
    township."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.has_perm("core.view_archiveitem"):
            return self.none()
        return self.in_townships_of(user)


class ArchiveItemQuerySet(ArchiveQuerySet):
    pass


class ArchiveItem(models.Model):
    """件: one record archived, with its 档号."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, related_name="items")
    year = models.PositiveSmallIntegerField(_("年度"))
    retention = models.CharField(_("保管期限"), max_length=4, choices=Retention.choices)
    org_code = models.CharField(_("机构（问题）代码"), max_length=10)
    sequence = models.PositiveIntegerField(_("件号"))
    code = models.CharField(_("档号"), max_length=60, unique=True)
    kind = models.CharField(_("文件种类"), max_length=60)
    item_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    item_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("item_type", "item_id")
    title = models.CharField(_("题名"), max_length=300)
    responsible = models.CharField(_("责任者"), max_length=100)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    date = models.DateField(_("日期"))
    secrecy = models.CharField(_("密级"), max_length=20, blank=True)
    # the clearance (User.clearance) needed to read the content; 0 for open records
    secrecy_level = models.PositiveSmallIntegerField(_("密级等级"), default=0)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    # an appraisal that kept the item past its period sets the new last year
    extended_to = models.PositiveSmallIntegerField(_("延长保管至"), null=True, blank=True)
    destruction = models.ForeignKey(
        "DestructionList",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("销毁清册"),
    )
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(auto_now_add=True)
    # when the item's files were rendered and stored (ArchiveFile): the archived copy, fixed
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    objects = ArchiveItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("归档文件")
        verbose_name_plural = _("归档文件")
        ordering = ["fonds", "year", "retention", "org_code", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["fonds", "year", "retention", "org_code", "sequence"], name="archive_sequence_gapless"
            ),
            # one item per record and year: a deputy's 履职档案 is archived every year
            models.UniqueConstraint(fields=["item_type", "item_id", "year"], name="archive_record_once_a_year"),
        ]
        # the archive page and the package read a township-year in 档号 order
        indexes = [
            models.Index(fields=["township", "year", "retention", "org_code", "sequence"], name="archive_year_idx")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def keep_until(self):
        """The last year the item must be kept (None: permanent)."""
        if self.retention == Retention.PERMANENT:
            return None
        return self.extended_to or self.year + RETENTION_YEARS[self.retention]


class FileVariant(models.TextChoices):
    ARCHIVE = "archive", _("归档副本（个人信息遮蔽）")
    FULL = "full", _("完整副本（含完整个人信息）")


def archive_file_path(instance, filename):
    return f"archive/{instance.item.township_id}/{instance.item.year}/{instance.item_id}/{instance.variant}/{filename}"


class ArchiveFile(models.Model):
    """One file of an archived item, rendered once when the item is archived and kept as it was
    then (DA/T 22: the archived copy does not follow later edits of the record). Every item has
    its archive copy (personal data masked); an item with personal data also has a full copy for
    the roles that may read it. Files holding personal data in full or classified content are
    stored encrypted (Fernet, the keys of the personal-data fields). The 归档章 is stamped when
    a package is written, so a corrected 档号 needs no new rendering."""

    item = models.ForeignKey(ArchiveItem, on_delete=models.CASCADE, related_name="files")
    variant = models.CharField(max_length=10, choices=FileVariant.choices, default=FileVariant.ARCHIVE)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("题名"), max_length=200)
    ext = models.CharField(max_length=10, default="pdf")
    file = models.FileField(upload_to=archive_file_path, max_length=300)
    encrypted = models.BooleanField(default=False)
    size = models.PositiveBigIntegerField(_("大小"))  # of the plain content
    sha256 = models.CharField(max_length=64)  # of the plain content
    pages = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("归档文件电子版")
        verbose_name_plural = _("归档文件电子版")
        ordering = ["item", "variant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "variant", "position"], name="archive_file_once"),
        ]

    def __str__(self):
        return f"{self.item_id}/{self.variant}/{self.position:02d} {self.title}"


class ArchiveCodeChange(models.Model):
    """A corrected 档号: the old one stays on record."""

    item = models.ForeignKey(ArchiveItem, on_delete=models.PROTECT, related_name="code_changes")
    old_code = models.CharField(_("原档号"), max_length=60)
    new_code = models.CharField(_("新档号"), max_length=60)
    reason = models.TextField(_("更正理由"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("档号更正")
        verbose_name_plural = _("档号更正")

    def __str__(self):
        return f"{self.old_code} → {self.new_code}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    FINISHING = "finishing", _("编制目录")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ArchiveExportQuerySet(ArchiveQuerySet):
    pass


class ArchiveExport(models.Model):
    """The annual package of a township-year, built by a Celery job that resumes where it stopped."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    year = models.PositiveSmallIntegerField(_("年度"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    total = models.PositiveIntegerField(_("件数"), default=0)
    done = models.PositiveIntegerField(_("已完成件数"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    runs = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    # how many times the stuck-job sweeper queued it again (services.archive_export)
    requeues = models.PositiveSmallIntegerField(_("重新提交次数"), default=0)
    package = models.CharField(_("归档包"), max_length=300, blank=True)  # the zip's name in the media storage
    package_size = models.PositiveBigIntegerField(default=0)
    package_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ArchiveExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度归档包")
        verbose_name_plural = _("年度归档包")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.township} {self.year}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:archive_export_detail", args=[self.pk])

    @property
    def percent(self):
        if self.status == ExportStatus.DONE:
            return 100
        return int(self.done * 95 / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class Appraisal(models.Model):
    """鉴定: a panel's opinion on items past their retention; kept permanently."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    held_on = models.DateField(_("鉴定日期"))
    panel = models.TextField(_("鉴定小组成员"))
    opinion = models.TextField(_("鉴定意见"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案鉴定记录")
        verbose_name_plural = _("档案鉴定记录")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.opinion[:20]}"


class AppraisalDecision(models.TextChoices):
    DESTROY = "destroy", _("销毁")
    KEEP = "keep", _("延长保管")


class AppraisalEntry(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="entries")
    item = models.ForeignKey(ArchiveItem, on_delete=models.PROTECT, related_name="appraisals")
    decision = models.CharField(_("鉴定结论"), max_length=10, choices=AppraisalDecision.choices)
    # a kept item's new period; its 档号 does not change
    keep_years = models.PositiveSmallIntegerField(_("延长年限"), null=True, blank=True)

    class Meta:
        verbose_name = _("鉴定条目")
        verbose_name_plural = _("鉴定条目")
        constraints = [models.UniqueConstraint(fields=["appraisal", "item"], name="appraisal_item_once")]

    def __str__(self):
        return f"{self.item_id} {self.get_decision_display()}"


class DestructionList(models.Model):
    """销毁清册: what an appraisal sent for destruction, who approved, and when it was done; kept
    permanently, with the catalogue rows of the destroyed items."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    appraisal = models.OneToOneField(Appraisal, on_delete=models.PROTECT, related_name="destruction")
    number = models.CharField(_("清册编号"), max_length=40, unique=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    approved_at = models.DateTimeField(_("批准时间"), auto_now_add=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("监销人"),
    )
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案销毁清册")
        verbose_name_plural = _("档案销毁清册")
        ordering = ["-approved_at"]

    def __str__(self):
        return self.number
