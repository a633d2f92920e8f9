"""Cadre performance assessment (干部实绩考核): a yearly plan per township with its assessment
types (分类考核) and weighted indicators, the subjects assessed (领导班子, 领导干部), quarterly
scores with evidence (平时考核: the year is the sum of the four quarters), locked quarters with
approved corrections, and the year's grades under the 优秀 quota.

Scoring: an indicator of weight w is scored 0 … w/4 each quarter, so that a quarter is out of 25
and the year, the sum of the four quarters, out of 100 (“四个季度考核结果的累加就是年度考核结果”).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.models import Township, TownshipQuerySet

from .choices import CorrectionState, EvaluationState, PersonKind, Rating, SubjectKind

QUARTERS = (1, 2, 3, 4)


class PlanQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """The township's chairs and assessing clerks; county accounts (aggregates) read."""
        from congress_office.roles import Role

        qs = self.in_townships_of(user)
        if not user.is_authenticated or user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR):
            return qs
        return qs.none()


class AssessmentPlan(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("方案名称"), max_length=200)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("沿用方案")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="assessment_plan_once_a_year")]
        permissions = [
            ("score_assessment", _("可录入考核评分")),
            ("confirm_assessment", _("可确认季度考核和年度等次")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:plan_detail", args=[self.pk])


class AssessmentType(models.Model):
    """分类考核: e.g. 经济发展类, 社会管理类; its indicators' weights sum to 100."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="types")
    name = models.CharField(_("考核类别"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核类别")
        verbose_name_plural = _("考核类别")
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="assessment_type_unique")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("考核指标"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("权重（分）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    goal = models.TextField(_("预期目标"), blank=True, help_text=_("预期目标，不是硬性指标"))
    source = models.CharField(
        _("系统数据来源"), max_length=60, blank=True, help_text=_("由本系统按考核对象的单位计算，评分时作参考")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["assessment_type", "order", "pk"]

    def __str__(self):
        return self.name

    @property
    def quarter_max(self):
        """The most a quarter may give: a quarter of the weight."""
        return (Decimal(self.weight) / 4).quantize(Decimal("0.01"))


class Subject(models.Model):
    """A team (领导班子) or a cadre (领导干部) assessed under one type."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("考核对象类别"), max_length=10, choices=SubjectKind.choices)
    name = models.CharField(_("名称或姓名"), max_length=60)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    assessment_type = models.ForeignKey(
        AssessmentType, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("考核类别")
    )
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分管单位"),
        help_text=_("系统数据指标按该单位计算"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("本人账号"),
    )
    grade = models.CharField(_("年度等次"), max_length=12, blank=True)
    grade_confirmed_at = models.DateTimeField(null=True, blank=True)
    grade_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        ordering = ["plan", "kind", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessments:subject_detail", args=[self.pk])


class QuarterLock(models.Model):
    """A confirmed quarter of a plan: its scores change only through approved corrections."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="locks")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("季度确认")
        verbose_name_plural = _("季度确认")
        constraints = [models.UniqueConstraint(fields=["plan", "quarter"], name="quarter_lock_once")]

    def __str__(self):
        return f"{self.plan} Q{self.quarter}"


class Score(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    value = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    evidence = models.TextField(_("实绩依据"), blank=True)
    links = models.JSONField(_("关联记录"), default=list, blank=True, help_text=_("本系统中记录的链接"))
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("季度得分")
        verbose_name_plural = _("季度得分")
        ordering = ["subject", "quarter", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "indicator", "quarter"], name="score_once"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="score_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.subject} · {self.indicator} · Q{self.quarter}"


class ScoreCorrection(models.Model):
    """A change to a confirmed quarter's score: requested with the reason, approved by a chair."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="corrections")
    old_value = models.DecimalField(max_digits=5, decimal_places=2)
    new_value = models.DecimalField(_("更正后得分"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("更正理由"))
    state = models.CharField(max_length=10, choices=CorrectionState.choices, default=CorrectionState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("得分更正")
        verbose_name_plural = _("得分更正")
        ordering = ["-requested_at", "pk"]

    def __str__(self):
        return f"{self.score}: {self.old_value} → {self.new_value}"


# --- 民主测评: unlinkable by construction ------------------------------------------------------------
#
# Who was sampled is recorded (EvaluationPerson); which code went to whom is never stored in the
# clear: a printed slip carries it on paper only, and a phone delivery keeps it encrypted
# (CodeEnvelope) only until the deputy opens it, when the envelope is deleted. The code table
# (BallotCode) holds a keyed hash and a used flag: no person, no time, random ids, created in
# one shuffled batch. A response (EvaluationResponse, EvaluationAnswer) has random ids, no time,
# no IP, agent or session, and refers to nothing but the evaluation; none has a change history.


class Evaluation(models.Model):
    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="evaluations")
    title = models.CharField(_("测评名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT)
    percent = models.PositiveSmallIntegerField(_("抽样比例（%）"), null=True, blank=True)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    witness = models.CharField(_("监督人"), max_length=60, blank=True)
    drawn_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    salt = models.CharField(max_length=64)
    issued = models.PositiveSmallIntegerField(_("已发测评码"), default=0)
    min_responses = models.PositiveSmallIntegerField(_("最少有效票数"))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:evaluation_detail", args=[self.pk])


class EvaluationQuestion(models.Model):
    """A question of the questionnaire of one assessment type (好 / 较好 / 一般 / 差)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="questions")
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("测评项目"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["evaluation", "assessment_type", "order", "pk"]

    def __str__(self):
        return self.text


class EvaluationPerson(models.Model):
    """One person of the population the sample is drawn from, and whether they were drawn."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="people")
    kind = models.CharField(_("类别"), max_length=10, choices=PersonKind.choices)
    name = models.CharField(_("姓名"), max_length=30)
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0)
    sampled = models.BooleanField(_("抽中"), default=False)

    class Meta:
        ordering = ["evaluation", "kind", "order", "pk"]

    def __str__(self):
        return self.name


class CodeEnvelope(models.Model):
    """A sampled deputy's code for the phone, encrypted, deleted when they open it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ciphertext = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="code_envelope_once")]

    def __str__(self):
        return _("测评码（待领取）")


class BallotCode(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self):
        return _("测评码")


class EvaluationResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="responses")
    comment = models.TextField(_("意见建议"), blank=True)

    def __str__(self):
        return _("测评票")


class EvaluationAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(max_length=12, choices=Rating.choices)

    def __str__(self):
        return self.get_rating_display()


class Inspection(models.Model):
    """考察: the organisation department's inspection score of a cadre in a year (0 … 60 points,
    the 60 % of the promotion score)."""

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="inspection")
    score = models.DecimalField(
        _("考察得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考察得分")
        verbose_name_plural = _("考察得分")

    def __str__(self):
        return f"{self.subject} {self.score}"


class Target(models.Model):
    """三级建档: a cadre's target with its 承担 (responsible), 主导 (leading) and 考核 (assessing)
    departments; the cadre reports progress every month on a clock; each check is recorded."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="targets")
    title = models.CharField(_("目标任务"), max_length=200)
    goal = models.TextField(_("预期目标"), blank=True)
    responsible_dept = models.CharField(_("承担部门"), max_length=60)
    leading_dept = models.CharField(_("主导部门"), max_length=60)
    assessing_dept = models.CharField(_("考核部门"), max_length=60)
    deadline = models.ForeignKey("core.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["subject", "pk"]

    def __str__(self):
        return self.title


class TargetReport(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    month = models.PositiveSmallIntegerField(_("月份"))
    content = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["target", "month", "pk"]
        constraints = [models.UniqueConstraint(fields=["target", "month"], name="target_report_once_a_month")]

    def __str__(self):
        return f"{self.target} {self.month}"


class TargetCheck(models.Model):
    """随报随查: who checked, when, what they found."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="checks")
    finding = models.TextField(_("核查情况"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核查记录")
        verbose_name_plural = _("核查记录")
        ordering = ["target", "checked_at", "pk"]

    def __str__(self):
        return f"{self.target} {self.checked_at:%Y-%m-%d}"


def evidence_upload_to(instance, filename):
    return f"assessments/evidence/{instance.score.subject.plan.township_id}/{uuid.uuid4().hex}/{filename}"


def validate_evidence_upload(file):
    from congress_office.uploads import validate_upload

    return validate_upload(file, limit_mb=settings.DOCUMENT_UPLOAD_MAX_MB)


class ScoreFile(models.Model):
    """A file of evidence for a quarterly score (a report, a photo, a scan)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, validators=[validate_evidence_upload])
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实绩依据文件")
        verbose_name_plural = _("实绩依据文件")
        ordering = ["score", "pk"]

    def __str__(self):
        return self.name
