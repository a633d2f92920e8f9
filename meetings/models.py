"""Meetings (会议): congress sessions, extra sessions and presidium meetings of a township, their
agenda, attendance (sign-in, leave, 列席 observers), votes (with the legal number frozen) and
motions (议案) with their co-signers.

The thresholds are integers (meetings.thresholds); the legal number of deputies (全体代表: the
term's deputies in office, after vacancies, suspensions and terminations) is frozen on the
meeting when the sitting opens and on each vote when it opens.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.models import Case, CaseQuerySet, Township, TownshipQuerySet

from .choices import (
    SESSION_KINDS,
    AttendanceStatus,
    Choice,
    ConvenedBy,
    DocumentPurpose,
    LeaveState,
    MeetingKind,
    MeetingState,
    MotionKind,
    MotionSource,
    MotionState,
    ProjectSource,
    ProjectState,
    SignInVia,
    VoteMethod,
    VoteState,
)

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (届次 and 次 are small numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"
    return str(n)


class MeetingQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """The township's office (clerks, chairs, auditors) and its deputies; county accounts read."""
        from congress_office.roles import Role

        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        if user.has_role(Role.DEPUTY):
            return qs.exclude(state=MeetingState.PLANNED)
        return qs.none()

    def sessions(self):
        return self.filter(kind__in=SESSION_KINDS)


class Meeting(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    term = models.ForeignKey("deputies.Term", on_delete=models.PROTECT, related_name="+", verbose_name=_("届次"))
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    convened_by = models.CharField(_("召集依据"), max_length=12, choices=ConvenedBy.choices, default=ConvenedBy.PLAN)
    ordinal = models.PositiveSmallIntegerField(_("会次"))
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    motion_deadline = models.DateTimeField(_("议案截止时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=MeetingState.choices, default=MeetingState.PLANNED)
    proposers = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="+", verbose_name=_("提议召开的代表")
    )
    decision_note = models.CharField(_("主席团决定"), max_length=200, blank=True)
    # frozen when the sitting opens
    legal_number = models.PositiveSmallIntegerField(_("全体代表（法定人数基数）"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(_("法定出席人数"), null=True, blank=True)
    entitled_ids = models.JSONField(_("开会时的全体代表"), default=list, blank=True)
    opened_at = models.DateTimeField(_("开会时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("闭会时间"), null=True, blank=True)
    sign_in_code = models.CharField(_("签到码"), max_length=12, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["sign_in_code"])

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "term", "kind", "ordinal"],
                condition=models.Q(kind="presidium"),
                name="presidium_meeting_ordinal_unique",
            ),
            models.UniqueConstraint(
                fields=["township", "term", "ordinal"],
                condition=models.Q(kind__in=["session", "extra"]),
                name="session_ordinal_unique",
            ),
        ]
        indexes = [models.Index(fields=["township", "year", "kind"], name="meeting_year_idx")]
        permissions = [
            ("run_meeting", _("可组织会议（签到、表决、纪要）")),
            ("decide_meeting", _("可作主席团决定（请假、议案）")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def title(self):
        term = chinese_number(self.term.number)
        ordinal = chinese_number(self.ordinal)
        name = self.township.name
        if self.kind == MeetingKind.PRESIDIUM:
            return _("%(t)s第%(n)s届人民代表大会主席团第%(m)s次会议") % {"t": name, "n": term, "m": ordinal}
        return _("%(t)s第%(n)s届人民代表大会第%(m)s次会议") % {"t": name, "n": term, "m": ordinal}

    @property
    def is_session(self):
        return self.kind in SESSION_KINDS


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议程"), max_length=200)
    presenter = models.CharField(_("报告人"), max_length=60, blank=True)
    materials = models.TextField(_("会议材料"), blank=True, help_text=_("每行一份材料"))
    needs_vote = models.BooleanField(_("需要表决"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class MaterialItem(models.Model):
    """会议材料清单: one piece of the preparation, its owner and due date (a deadline with the
    platform's reminders), ticked off when done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("材料或准备事项"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责人")
    )
    due_date = models.DateField(_("完成期限"))
    deadline = models.ForeignKey("core.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")
        ordering = ["meeting", "due_date", "pk"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """One deputy (or presidium member) expected at one meeting: the notice and its
    acknowledgement, leave, sign-in, early departure."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(
        _("出席情况"), max_length=10, choices=AttendanceStatus.choices, blank=True, default=AttendanceStatus.EXPECTED
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认收到通知"), null=True, blank=True)
    leave_state = models.CharField(
        _("请假"), max_length=10, choices=LeaveState.choices, blank=True, default=LeaveState.NONE
    )
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leave_decided_at = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_in_via = models.CharField(_("签到方式"), max_length=10, choices=SignInVia.choices, blank=True)
    left_at = models.DateTimeField(_("中途离会时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        ordering = ["meeting", "deputy__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "deputy"], name="attendance_once")]
        indexes = [models.Index(fields=["deputy", "status"], name="attendance_deputy_idx")]

    def __str__(self):
        return f"{self.meeting} · {self.deputy}"

    @property
    def is_in_hall(self):
        return self.status == AttendanceStatus.PRESENT and self.left_at is None


class MeetingDocument(models.Model):
    """A document of the meeting drafted in the documents app: the 通知 to deputies, the 会前请示
    and 会后报告 to the county congress, the 纪要."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    purpose = models.CharField(_("用途"), max_length=10, choices=DocumentPurpose.choices)
    document = models.OneToOneField("documents.OutgoingDocument", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会议文件")
        verbose_name_plural = _("会议文件")
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "purpose"], name="meeting_document_once")]

    def __str__(self):
        return f"{self.meeting} · {self.get_purpose_display()}"


class Observer(models.Model):
    """列席: recorded apart, never counted in the quorum."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="observers")
    name = models.CharField(_("姓名"), max_length=30)
    unit = models.CharField(_("单位及职务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("列席人员")
        verbose_name_plural = _("列席人员")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Vote(models.Model):
    """One vote at a sitting. The legal number, the threshold (more than half of all deputies or
    members) and, at the close, who was present are frozen on the row."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    motion = models.ForeignKey("Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    title = models.CharField(_("表决事项"), max_length=200)
    method = models.CharField(_("表决方式"), max_length=10, choices=VoteMethod.choices)
    state = models.CharField(_("状态"), max_length=10, choices=VoteState.choices, default=VoteState.OPEN)
    legal_number = models.PositiveSmallIntegerField(_("全体代表"))
    required = models.PositiveSmallIntegerField(_("通过所需票数"))
    present = models.PositiveSmallIntegerField(_("出席人数"), null=True, blank=True)
    yes = models.PositiveSmallIntegerField(_("赞成"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("反对"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    not_voted = models.PositiveSmallIntegerField(_("未按表决器"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True)
    present_ids = models.JSONField(_("表决时在场人员"), default=list, blank=True)
    entitled_ids = models.JSONField(_("有表决权的全体人员"), default=list, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.ForeignKey(
        "documents.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决议（决定）"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["meeting", "opened_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_secret(self):
        return self.method == VoteMethod.SECRET


class Ballot(models.Model):
    """A deputy's own vote on the phone (open votes only: a secret ballot keeps totals only)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("意见"), max_length=10, choices=Choice.choices)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        constraints = [models.UniqueConstraint(fields=["vote", "deputy"], name="ballot_once")]

    def __str__(self):
        return f"{self.vote} · {self.deputy}"


class MotionQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """The township's office; a deputy the motions they signed (or were asked to sign) and
        those submitted to the session."""
        from congress_office.roles import Role

        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        if user.has_role(Role.DEPUTY):
            # their own (while still collecting signatures too) and every motion put to the session
            own = MotionSigner.objects.filter(deputy__user=user).values("motion_id")
            before_the_session = [MotionState.SIGNING, MotionState.WITHDRAWN]
            return qs.exclude(meeting__state=MeetingState.PLANNED).filter(
                models.Q(pk__in=own) | ~models.Q(state__in=before_the_session)
            )
        return qs.none()


class Motion(models.Model):
    """议案 (质询案, 罢免案) to a session: its source, co-signers, the presidium's decision."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="motions", verbose_name=_("会议"))
    kind = models.CharField(_("类别"), max_length=10, choices=MotionKind.choices, default=MotionKind.ORDINARY)
    source = models.CharField(_("提出者"), max_length=12, choices=MotionSource.choices)
    title = models.CharField(_("案由"), max_length=200)
    content = models.TextField(_("案据和方案"))
    state = models.CharField(_("状态"), max_length=14, choices=MotionState.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="motion"
    )
    suggestion = models.ForeignKey(
        "deputies.Suggestion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = MotionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("议案")
        verbose_name_plural = _("议案")
        ordering = ["meeting", "pk"]
        permissions = [("decide_motion", _("可决定议案是否列入议程"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:motion_detail", args=[self.pk])


class MotionSigner(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="signers")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("领衔"), default=False)
    confirmed_at = models.DateTimeField(_("确认联名时间"), null=True, blank=True)
    via = models.CharField(_("确认方式"), max_length=10, blank=True, help_text=_("phone 手机确认；paper 纸质签名"))

    class Meta:
        verbose_name = _("联名代表")
        verbose_name_plural = _("联名代表")
        ordering = ["-is_lead", "pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "deputy"], name="motion_signer_once")]

    def __str__(self):
        return str(self.deputy)


class LivelihoodProject(models.Model):
    """民生实事项目代表票决: a candidate project presented at a session and voted on by the
    deputies (chosen with more than half of all deputies); a chosen one is followed through its
    implementation (progress reports on a clock) and rated by the deputies at a later session."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="projects", verbose_name=_("票决会议"))
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=ProjectSource.choices)
    proposer = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("提出代表")
    )
    budget = models.DecimalField(_("预算（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=ProjectState.choices, default=ProjectState.CANDIDATE)
    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, null=True, blank=True, related_name="project")
    lead_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("实施单位")
    )
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    deadline = models.ForeignKey("core.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:project_detail", args=[self.pk])


class ProjectReport(models.Model):
    """A progress report of a chosen project by its implementing unit."""

    project = models.ForeignKey(LivelihoodProject, on_delete=models.CASCADE, related_name="reports")
    content = models.TextField(_("进展情况"))
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["project", "reported_at", "pk"]

    def __str__(self):
        return f"{self.project} {self.progress}%"


class ProjectRating(models.Model):
    """A deputy's satisfaction with a chosen project, given at a later session."""

    project = models.ForeignKey(LivelihoodProject, on_delete=models.CASCADE, related_name="ratings")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField(_("满意度"), max_length=12)
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目满意度测评")
        verbose_name_plural = _("项目满意度测评")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="project_rating_once")]

    def __str__(self):
        return f"{self.project} · {self.deputy}"


class OpinionQuerySet(CaseQuerySet):
    pass


class DeliberationOpinion(Case):
    """审议意见 of a presidium meeting, tracked to implementation on the handling engine: handed to
    the government office (or another unit) on a clock, answered, rated by the presidium."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("会议"))
    title = models.CharField(_("审议事项"), max_length=200)
    content = models.TextField(_("审议意见"))
    satisfaction = models.CharField(_("主席团评价"), max_length=12, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpinionQuerySet.as_manager()
    history = HistoricalRecords()
    case_type_key = "meetings.opinion"

    class Meta:
        verbose_name = _("审议意见")
        verbose_name_plural = _("审议意见")
        ordering = ["-pk"]
        permissions = [("reply_opinion", _("可反馈审议意见落实情况"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:opinion_detail", args=[self.pk])
