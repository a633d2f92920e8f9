"""The deputies register, liaison plan, duty activities, reception days and trainings."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.crypto import EncryptedCharField, is_undecryptable, keyed_hash, mask_id_number, mask_phone
from congress_office.models import Township, TownshipQuerySet
from congress_office.personal_numbers import normalise_id_number, normalise_phone
from congress_office.roles import Role

from .choices import ActivityStatus, ActivityType, Affiliation, DeputyStatus, Gender, Position
from .validators import validate_attachment, validate_photo


class Term(models.Model):
    """A term (届) of the township congress: five years."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="terms", verbose_name=_("乡镇"))
    number = models.PositiveSmallIntegerField(_("届次"))
    start_date = models.DateField(_("选举日期"))
    end_date = models.DateField(_("届满日期"))

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["township", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="term_end_after_start"),
        ]

    def __str__(self):
        return _("第%(n)s届") % {"n": self.number}

    def covers(self, day):
        return self.start_date <= day <= self.end_date


def district_seats_default():
    return settings.DISTRICT_SEATS_MIN


def validate_district_seats(value):
    """A district elects DISTRICT_SEATS_MIN to DISTRICT_SEATS_MAX deputies (选举法: 1–3), read
    when validating so that a province's numbers apply without a migration."""
    low, high = settings.DISTRICT_SEATS_MIN, settings.DISTRICT_SEATS_MAX
    if value is not None and not low <= value <= high:
        raise ValidationError(
            _("每个选区选出 %(lo)s–%(hi)s 名代表。"), code="district_seats", params={"lo": low, "hi": high}
        )


class District(models.Model):
    """An electoral district (选区): elects DISTRICT_SEATS_MIN to DISTRICT_SEATS_MAX deputies."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="districts", verbose_name=_("乡镇"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="districts", verbose_name=_("届次"))
    name = models.CharField(_("选区名称"), max_length=60)
    seats = models.PositiveSmallIntegerField(
        _("应选代表名额"), default=district_seats_default, validators=[validate_district_seats]
    )
    area = models.CharField(_("所辖范围"), max_length=200, blank=True)

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        ordering = ["term", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="district_unique_name"),
            # the statutory range is the validator's (a setting); the database only refuses nonsense
            models.CheckConstraint(condition=Q(seats__gte=1), name="district_seats_positive"),
        ]

    def __str__(self):
        return self.name


class DeputyGroup(models.Model):
    """A deputy group (代表小组): at least DEPUTY_GROUP_MIN_MEMBERS deputies (a warning, since a
    group is filled one deputy at a time), one of them the leader."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="deputy_groups", verbose_name=_("乡镇")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="groups", verbose_name=_("届次"))
    name = models.CharField(_("小组名称"), max_length=60)
    leader = models.ForeignKey(
        "Deputy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("组长")
    )

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["term", "name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="group_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("deputies:group_detail", args=[self.pk])


def deputy_phone_hash(value):
    """The keyed hash a deputy's phone is found by: of its digits, so 0571-8888 6666 and
    057188886666 are the same number (the register search hashes what is typed the same way)."""
    return keyed_hash(normalise_phone(value))


def deputy_id_hash(value):
    return keyed_hash(normalise_id_number(value))


class DeputyQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """Clerks, chairs and auditors see their township's register; a deputy sees their own entry."""
        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        if user.has_role(Role.DEPUTY):
            return qs.filter(user=user)
        return qs.none()

    def active(self):
        return self.filter(status=DeputyStatus.ACTIVE)

    def serving(self):
        """Deputies still holding their seat (active or suspended), not terminated."""
        return self.exclude(status=DeputyStatus.TERMINATED)


class Deputy(models.Model):
    """A deputy (人大代表) of one term. Terminated deputies stay in the register's history.

    Phone and ID number are encrypted at rest (EncryptedCharField), found through their keyed
    hashes (set in save()), left out of the history, and shown masked except to the township's
    clerks and chairs (services.contact), each full view logged (DeputyContactAccess)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("乡镇"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("届次"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=30)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    affiliation = models.CharField(_("政治面貌"), max_length=10, choices=Affiliation.choices, default=Affiliation.NONE)
    occupation = models.CharField(_("职业"), max_length=60, blank=True)
    work_unit = models.CharField(_("工作单位及职务"), max_length=120, blank=True)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    id_number = EncryptedCharField(_("身份证号"), blank=True)
    phone_hash = models.CharField(_("联系电话摘要"), max_length=64, blank=True, db_index=True, editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, blank=True, db_index=True, editable=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="deputies", verbose_name=_("选区")
    )
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("代表小组"),
    )
    photo = models.ImageField(_("照片"), upload_to="deputies/photos/%Y/", blank=True, validators=[validate_photo])
    status = models.CharField(_("状态"), max_length=12, choices=DeputyStatus.choices, default=DeputyStatus.ACTIVE)
    status_reason = models.CharField(_("状态变更原因"), max_length=200, blank=True)
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    is_presidium = models.BooleanField(_("主席团成员"), default=False)
    position = models.CharField(_("职务"), max_length=12, choices=Position.choices, blank=True, default=Position.NONE)

    objects = DeputyQuerySet.as_manager()
    # the history keeps the hashes (that the number changed, and when), never the numbers
    history = HistoricalRecords(excluded_fields=["phone", "id_number"])

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["term", "group", "name"]
        permissions = [
            ("import_deputies", _("可导入代表名册")),
            ("view_record", _("可查看履职档案")),
            ("view_contact", _("可查看代表完整联系电话和身份证号")),
        ]
        indexes = [
            models.Index(fields=["township", "term", "status"], name="deputy_township_status_idx"),
            models.Index(fields=["group"], name="deputy_group_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active") | (~Q(status_reason="") & Q(status_date__isnull=False)),
                name="deputy_status_change_has_reason_and_date",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_contact_hashes()
        if kwargs.get("update_fields") is not None and {"phone", "id_number"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_hash", "id_hash"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("deputies:deputy_detail", args=[self.pk])

    def clean(self):
        # a rule within the row, so the single-deputy form and every imported row apply it
        if self.position and not self.is_presidium:
            error = ValidationError(_("主席、副主席须为主席团成员。"), code="position_needs_presidium")
            raise ValidationError({"position": error})

    def set_contact_hashes(self):
        """phone_hash / id_hash of the current values (a value that cannot be decrypted keeps its
        hash: it is written back unchanged). bulk_create does not call save(): call this first."""
        if not is_undecryptable(self.phone):
            self.phone_hash = deputy_phone_hash(self.phone)
        if not is_undecryptable(self.id_number):
            self.id_hash = deputy_id_hash(self.id_number)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def age(self):
        if not self.birth_date:
            return None
        today = date.today()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class ContactAccessKind(models.TextChoices):
    VIEW = "view", _("查看")
    EXPORT = "export", _("导出名册")
    ARCHIVE = "archive", _("档案全本")


class DeputyContactAccess(models.Model):
    """Every full view of deputies' phones or ID numbers: who, when, how, which deputy (none
    for an export of the register, which names its rows' count)."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, null=True, blank=True, related_name="contact_accesses", verbose_name=_("代表")
    )
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("方式"), max_length=10, choices=ContactAccessKind.choices, default=ContactAccessKind.VIEW)
    fields = models.CharField(max_length=100)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("代表联系方式查看记录")
        verbose_name_plural = _("代表联系方式查看记录")
        ordering = ["-accessed_at", "-pk"]
        indexes = [models.Index(fields=["township", "-accessed_at"], name="deputy_contact_access_idx")]

    def __str__(self):
        return f"{self.user} {self.deputy_id or self.detail} {self.accessed_at:%Y-%m-%d %H:%M}"


class LiaisonPlan(models.Model):
    """The presidium's yearly plan of which member liaises with which groups and deputies."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="liaison_plans", verbose_name=_("乡镇")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.TextField(_("说明"), blank=True)

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("主席团成员联系代表安排")
        verbose_name_plural = _("主席团成员联系代表安排")
        ordering = ["township", "-year"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="liaison_plan_one_per_year")]

    def __str__(self):
        return _("%(year)s年主席团成员联系代表安排") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("deputies:liaison_plan", args=[self.year])


class LiaisonAssignment(models.Model):
    plan = models.ForeignKey(LiaisonPlan, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="liaison_assignments", verbose_name=_("主席团成员")
    )
    groups = models.ManyToManyField(DeputyGroup, blank=True, related_name="liaisons", verbose_name=_("联系代表小组"))
    deputies = models.ManyToManyField(Deputy, blank=True, related_name="liaised_by", verbose_name=_("联系代表"))

    history = HistoricalRecords(m2m_fields=[groups, deputies])

    class Meta:
        verbose_name = _("联系安排")
        verbose_name_plural = _("联系安排")
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="liaison_one_row_per_member")]

    def __str__(self):
        return f"{self.plan} · {self.member}"


class ActivityQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """A deputy sees the activities they logged, and those they took part in once confirmed
        (a co-participant named in another deputy's entry sees it only after the office has
        confirmed it); clerks, chairs and auditors see the township's."""
        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        if user.has_role(Role.DEPUTY):
            taking_part = Q(participants__user=user, status=ActivityStatus.CONFIRMED)
            return qs.filter(taking_part | Q(submitted_by=user)).distinct()
        return qs.none()

    def confirmed(self):
        return self.filter(status=ActivityStatus.CONFIRMED)


class Activity(models.Model):
    """A duty activity (履职活动). A group activity is logged once for all participants."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="deputy_activities", verbose_name=_("乡镇")
    )
    type = models.CharField(_("活动类型"), max_length=20, choices=ActivityType.choices)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    title = models.CharField(_("主题"), max_length=120)
    summary = models.TextField(_("活动内容"))
    outcome = models.TextField(_("成效"), blank=True)
    participants = models.ManyToManyField(Deputy, related_name="activities", verbose_name=_("参加代表"))
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("代表小组"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    submitted_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-date", "-pk"]
        permissions = [("review_activity", _("可确认或退回履职活动"))]
        indexes = [
            models.Index(fields=["township", "status", "-date"], name="activity_township_status_idx"),
            models.Index(fields=["township", "type", "date"], name="activity_township_type_idx"),
            # the list's order (-date, -pk), within a township and county-wide
            models.Index(fields=["township", "date", "id"], name="activity_township_date_idx"),
            models.Index(fields=["date", "id"], name="activity_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="activity_return_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_type_display()} {self.title}"

    def get_absolute_url(self):
        return reverse("deputies:activity_detail", args=[self.pk])


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="deputies/activities/%Y/%m/", validators=[validate_attachment])
    name = models.CharField(_("文件名"), max_length=200)
    is_image = models.BooleanField(default=False)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ReceptionDay(models.Model):
    """A scheduled reception day (代表接待日) of an electoral district."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("乡镇")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("选区")
    )
    date = models.DateField(_("接待日期"))
    place = models.CharField(_("接待地点"), max_length=100)
    deputies = models.ManyToManyField(Deputy, related_name="reception_days", verbose_name=_("接待代表"))
    note = models.TextField(_("备注"), blank=True)

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("代表接待日")
        verbose_name_plural = _("代表接待日")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["district", "date"], name="reception_one_per_district_day")]
        # the calendar's month of a township, and the county's across townships
        indexes = [
            models.Index(fields=["township", "date"], name="reception_township_date_idx"),
            models.Index(fields=["date"], name="reception_date_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.district}"

    def get_absolute_url(self):
        return reverse("deputies:reception_detail", args=[self.pk])


class ReceptionVisit(models.Model):
    """A voter's visit on a reception day. `follow_up_*` is the hook the casework apps fill
    when a visit becomes a petition or a suggestion (the deputies app never imports them)."""

    reception_day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="visits")
    visitor = models.CharField(_("来访人"), max_length=60)
    visitor_contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    matter = models.TextField(_("反映事项"))
    response = models.TextField(_("答复及处理"), blank=True)
    follow_up_kind = models.CharField(_("转办类型"), max_length=30, blank=True)
    follow_up_id = models.PositiveBigIntegerField(_("转办记录"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接待记录")
        verbose_name_plural = _("接待记录")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.visitor}：{self.matter[:20]}"


class Training(models.Model):
    """A training session (培训) for deputies; attendance is recorded per deputy."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("乡镇"))
    title = models.CharField(_("培训主题"), max_length=120)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=2)
    attendees = models.ManyToManyField(
        Deputy, blank=True, related_name="trainings_attended", verbose_name=_("参训代表")
    )

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("代表培训")
        verbose_name_plural = _("代表培训")
        ordering = ["-date"]
        indexes = [models.Index(fields=["township", "date"], name="training_township_date_idx")]

    def __str__(self):
        return f"{self.date} {self.title}"

    def get_absolute_url(self):
        return reverse("deputies:training_detail", args=[self.pk])


class GroupScoring(models.Model):
    """Points for the deputy-group assessment of one year, editable by the office."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    year = models.PositiveSmallIntegerField(_("年度"))
    points = models.JSONField(_("各类活动分值"), default=dict)
    training_points = models.DecimalField(_("每次参训分值"), max_digits=5, decimal_places=1, default=2)
    reception_points = models.DecimalField(_("每次接待分值"), max_digits=5, decimal_places=1, default=2)
    excellent_groups = models.PositiveSmallIntegerField(_("先进代表小组推荐数"), default=2)
    excellent_deputies = models.PositiveSmallIntegerField(_("优秀代表推荐数"), default=5)

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表小组考评计分办法")
        verbose_name_plural = _("代表小组考评计分办法")
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="group_scoring_one_per_year")]

    def __str__(self):
        return f"{self.year} {self.township}"


class Award(models.Model):
    """A confirmed award (先进代表小组 / 优秀代表) of a year, decided by the presidium."""

    class Kind(models.TextChoices):
        GROUP = "group", _("先进代表小组")
        DEPUTY = "deputy", _("优秀代表")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="awards")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, null=True, blank=True, related_name="awards")
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=1, default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    objects = TownshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评先评优")
        verbose_name_plural = _("评先评优")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "group"], condition=Q(kind="group"), name="award_group_once"
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "deputy"], condition=Q(kind="deputy"), name="award_deputy_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="group", group__isnull=False, deputy__isnull=True)
                    | Q(kind="deputy", deputy__isnull=False, group__isnull=True)
                ),
                name="award_target_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.group or self.deputy}"


from .suggestions.models import (  # noqa: E402  (suggestions live in their own module of this app)
    Consultation,
    ConsultationMethod,
    Suggestion,
    SuggestionSigner,
    SuggestionState,
)

__all__ = [
    "Activity",
    "ActivityAttachment",
    "Award",
    "Consultation",
    "ConsultationMethod",
    "Deputy",
    "DeputyGroup",
    "District",
    "GroupScoring",
    "LiaisonAssignment",
    "LiaisonPlan",
    "ReceptionDay",
    "ReceptionVisit",
    "Suggestion",
    "SuggestionSigner",
    "SuggestionState",
    "Term",
    "Training",
]
