from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TownshipQuerySet(models.QuerySet):
    """Base queryset of every township-owned record: the one place that scopes by township.

    Domain querysets refine `visible_to` for their roles; they all start from here.
    """

    township_lookup = "township"

    def in_townships_of(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_county_wide:
            return self
        if user.township_id is None:
            return self.none()
        return self.filter(**{f"{self.township_lookup}_id": user.township_id})

    def visible_to(self, user):
        return self.in_townships_of(user)


class TownshipSelfQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_county_wide:
            return self
        return self.filter(pk=user.township_id)


class Township(models.Model):
    """A township (乡镇): every record belongs to exactly one."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    county = models.CharField(_("所属县"), max_length=50, blank=True)
    agency_code = models.CharField(_("机关代字"), max_length=10, blank=True, help_text=_("发文字号用，如“青人”"))
    record_compiler = models.CharField(
        _("履职档案制表人"),
        max_length=30,
        blank=True,
        help_text=_("人大办负责履职档案的工作人员姓名，印在代表履职档案上；留空则印“××人大办公室”。"),
    )
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = TownshipSelfQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering = ["code"]

    def __str__(self):
        return self.name


class UnitKind(models.TextChoices):
    OFFICE = "office", _("政府部门")
    STATION = "station", _("站所")
    VILLAGE = "village", _("村（社区）")
    OTHER = "other", _("其他")


class UnitQuerySet(TownshipQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Unit(models.Model):
    """A handling unit (承办单位) of a township: government office, station or village."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="units", verbose_name=_("乡镇"))
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices, default=UnitKind.OFFICE)
    contact = models.CharField(_("联系人"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["township", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="unit_unique_name_per_township")]
        indexes = [models.Index(fields=["township", "is_active"], name="unit_township_active_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:unit_detail", args=[self.pk])
