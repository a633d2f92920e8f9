"""Petitions (信访): registration from every channel, acceptance, handling on the core's engine,
review (复查) and re-check (复核), leader instructions, return visits.

Personal data (phone, ID number) is encrypted at rest and found through keyed hashes; pages
show it masked except to the township's clerks and chairs, and each full view is logged.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.cases import RATING_CHOICES
from congress_office.crypto import EncryptedCharField, mask_id_number, mask_phone
from congress_office.models import Case, CaseQuerySet, Township

from .choices import Category, Channel, Outcome, ReviewKind


class SubjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared subjects (no township) and the user's township's own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_county_wide:
            return self
        return self.filter(Q(township__isnull=True) | Q(township_id=user.township_id))

    def for_township(self, township_id):
        return self.filter(Q(township__isnull=True) | Q(township_id=township_id), is_active=True)


class Subject(models.Model):
    """The subject taxonomy (土地征收, 拆迁补偿 …); offices add their own."""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
        help_text=_("留空为全县通用"),
    )
    name = models.CharField(_("名称"), max_length=40)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = SubjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信访事项分类")
        verbose_name_plural = _("信访事项分类")
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="subject_unique_name", nulls_distinct=False)
        ]

    def __str__(self):
        return self.name


class PetitionQuerySet(CaseQuerySet):
    def deputy_filter(self, user):
        # a deputy sees the petitions they passed on (代表转交)
        return Q(source_deputy__user=user)


class Petition(Case):
    """One petition (信访件)."""

    case_type_key = "petitions.petition"

    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    channel = models.CharField(_("信访方式"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("信访类别"), max_length=12, choices=Category.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("事项分类"))
    title = models.CharField(_("信访事由"), max_length=120)
    petitioner_name = models.CharField(_("信访人姓名"), max_length=60, blank=True)
    organisation = models.CharField(_("单位名称"), max_length=100, blank=True, help_text=_("以单位名义信访时填写"))
    address = models.CharField(_("住址"), max_length=200)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    id_number = EncryptedCharField(_("身份证号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    request = models.TextField(_("诉求"))
    facts = models.TextField(_("事实"))
    reasons = models.TextField(_("理由"), blank=True)
    oral_record = models.TextField(_("口头信访记录"), blank=True, help_text=_("来访、来电时据实记录信访人所述"))
    is_group = models.BooleanField(_("集体访"), default=False)
    headcount = models.PositiveSmallIntegerField(_("来访人数"), default=1)
    representatives = models.JSONField(_("代表人"), default=list, blank=True)
    received_on = models.DateField(_("收到日期"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decision_reason = models.TextField(_("不予受理或转送理由"), blank=True)
    transferred_to = models.CharField(_("转送机关"), max_length=100, blank=True)
    outcome = models.CharField(_("处理意见"), max_length=10, choices=Outcome.choices, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("重复信访的原件"),
    )
    leader_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_petitions",
        verbose_name=_("包案领导"),
    )
    source_deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_petitions",
        verbose_name=_("转交代表"),
    )
    query_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    objects = PetitionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["phone", "id_number"])

    class Meta:
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")
        ordering = ["-received_on", "-pk"]
        permissions = [
            ("register_petition", _("可登记信访件")),
            ("decide_petition", _("可作出受理决定")),
            ("assign_petition", _("可交办、转办信访件")),
            ("supervise_petition", _("可督办信访件")),
            ("extend_petition", _("可延长办理期限")),
            ("reply_petition", _("可答复信访件")),
            ("instruct_petition", _("可作领导批示、包案")),
            ("view_personal_data", _("可查看信访人完整个人信息")),
            ("view_petition_stats", _("可查看信访统计")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="petition_number_unique"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="petition_headcount_positive"),
            models.CheckConstraint(condition=~Q(petitioner_name="", organisation=""), name="petition_has_petitioner"),
        ]
        indexes = [
            models.Index(fields=["township", "state", "-received_on"], name="petition_township_state_idx"),
            # the list's order (-received_on, -pk), within a township and county-wide, and the
            # statistics' period of received petitions
            models.Index(fields=["township", "received_on", "id"], name="petition_township_received_idx"),
            models.Index(fields=["received_on", "id"], name="petition_received_idx"),
            models.Index(fields=["year"], name="petition_year_idx"),
            models.Index(fields=["township", "channel"], name="petition_channel_idx"),
            models.Index(fields=["township", "category"], name="petition_category_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("petitions:petition_detail", args=[self.pk])

    def clean(self):
        super().clean()
        reps = self.representatives or []
        if len(reps) > settings.PETITION_GROUP_MAX_REPRESENTATIVES:
            raise ValidationError(
                {
                    "representatives": _("集体访推选的代表不得超过 %(n)s 人。")
                    % {"n": settings.PETITION_GROUP_MAX_REPRESENTATIVES}
                }
            )
        if self.is_group and self.headcount < 2:
            raise ValidationError({"headcount": _("集体访请填写来访人数（2 人以上）。")})

    @property
    def number(self):
        return _("%(t)s信〔%(y)s〕%(n)s号") % {"t": self.township.name[:1], "y": self.year, "n": self.sequence}

    @property
    def petitioner(self):
        return self.petitioner_name or self.organisation

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)


class PetitionAttachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="petitions/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信访附件")
        verbose_name_plural = _("信访附件")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class LeaderInstruction(models.Model):
    """A leader's written instruction (领导批示) on a petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批示领导")
    )
    content = models.TextField(_("批示内容"))
    created_at = models.DateTimeField(_("批示时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["created_at"]

    def __str__(self):
        return self.content[:30]


class Review(models.Model):
    """A request for 复查 or 复核 and its decision. After a 复核 the same request is not accepted."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("类别"), max_length=10, choices=ReviewKind.choices)
    requested_on = models.DateField(_("申请日期"))
    request = models.TextField(_("申请理由"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision = models.TextField(_("复查（复核）意见"), blank=True)
    outcome = models.CharField(_("结论"), max_length=10, choices=Outcome.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("复查复核")
        verbose_name_plural = _("复查复核")
        ordering = ["requested_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "kind"], name="review_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.requested_on}"


class ReturnVisit(models.Model):
    """A return visit (回访) after closure, with the petitioner's satisfaction."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="return_visits")
    visited_on = models.DateField(_("回访日期"))
    method = models.CharField(_("回访方式"), max_length=20, default="电话")
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=RATING_CHOICES)
    note = models.TextField(_("回访情况"), blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["visited_on"]

    def __str__(self):
        return f"{self.visited_on} {self.get_satisfaction_display()}"


class CompletionReport(models.Model):
    """The completion report (办结报告) a unit files when a petition is closed."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="completion_report")
    content = models.TextField(_("办结情况"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办结报告")
        verbose_name_plural = _("办结报告")

    def __str__(self):
        return f"{self.petition} 办结报告"


class PersonalDataAccess(models.Model):
    """Every full view of a petitioner's phone or ID number: who, when, which petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="personal_data_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fields = models.CharField(max_length=100)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-accessed_at"]

    def __str__(self):
        return f"{self.user} {self.petition_id} {self.accessed_at:%Y-%m-%d %H:%M}"
