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


class ArchiveItemQuerySet(TownshipQuerySet):
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
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(auto_now_add=True)

    objects = ArchiveItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("归档文件")
        verbose_name_plural = _("归档文件")
        ordering = ["fonds", "year", "retention", "org_code", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["fonds", "year", "retention", "org_code", "sequence"], name="archive_sequence_gapless"
            ),
            models.UniqueConstraint(fields=["item_type", "item_id"], name="archive_record_once"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


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
