"""Deputies' suggestions, criticisms and opinions (代表建议、批评和意见), handled on the core's
engine: assignment to a lead unit (and co-handlers), the consult-before-answer rule (面商),
an A–D answer category, each signer's rating, reopening when a signer is unsatisfied."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_office.cases import CaseState
from congress_office.models import Case, CaseQuerySet, Unit


class SuggestionState(models.TextChoices):
    REGISTERED = CaseState.REGISTERED.value, _("待交办")
    ASSIGNED = CaseState.ASSIGNED.value, _("办理中")
    REPLIED = CaseState.REPLIED.value, _("已答复待评价")
    REOPENED = CaseState.REOPENED.value, _("不满意重新办理")
    CLOSED = CaseState.CLOSED.value, _("已办结")


class ConsultationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("当面")
    MEETING = "meeting", _("座谈")
    SITE = "site", _("现场")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")


class SuggestionQuerySet(CaseQuerySet):
    def deputy_filter(self, user):
        return Q(signers__deputy__user=user)


class Suggestion(Case):
    """One suggestion, submitted by one deputy alone or with co-signers."""

    case_type_key = "deputies.suggestion"

    term = models.ForeignKey(
        "deputies.Term", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("届次")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    session = models.CharField(
        _("提出时间段"), max_length=60, blank=True, help_text=_("如：第十九届人大第二次会议期间、闭会期间")
    )
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("内容"))
    # the answer limits it implies come from the settings; the forms say them (no help_text here,
    # so changing a setting never changes a migration)
    is_hard = models.BooleanField(_("涉及面广、办理难度大"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        ordering = ["-year", "-sequence"]
        permissions = [
            ("assign_suggestion", _("可交办代表建议")),
            ("reply_suggestion", _("可答复代表建议")),
            ("supervise_suggestion", _("可督办代表建议")),
            ("extend_suggestion", _("可延长代表建议办理期限")),
            ("rate_suggestion", _("可评价代表建议答复")),
            ("view_suggestion_report", _("可查看建议办理情况报告")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="suggestion_number_unique"),
        ]
        indexes = [models.Index(fields=["township", "state", "-year"], name="suggestion_township_state_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("deputies:suggestion_detail", args=[self.pk])

    @property
    def number(self):
        return _("建议〔%(y)s〕%(n)s号") % {"y": self.year, "n": self.sequence}

    @property
    def state_label(self):
        """The state in words (the engine's `state` field carries no choices of its own)."""
        return SuggestionState(self.state).label if self.state in SuggestionState.values else self.state


class SuggestionSigner(models.Model):
    """A deputy who submitted (lead) or co-signed a suggestion; each is answered and rates individually."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signers")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="suggestion_signatures")
    is_lead = models.BooleanField(_("领衔"), default=False)

    class Meta:
        verbose_name = _("提出代表")
        verbose_name_plural = _("提出代表")
        ordering = ["-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="signer_once"),
            models.UniqueConstraint(fields=["suggestion"], condition=Q(is_lead=True), name="one_lead_signer"),
        ]

    def __str__(self):
        return str(self.deputy)


class Consultation(models.Model):
    """The unit's face-to-face consultation with the deputies (面商) before it answers."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="consultations")
    round = models.PositiveSmallIntegerField(default=1)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位"))
    held_on = models.DateField(_("面商日期"))
    method = models.CharField(_("面商方式"), max_length=12, choices=ConsultationMethod.choices)
    unit_people = models.CharField(_("单位参加人员"), max_length=120)
    deputies = models.ManyToManyField("deputies.Deputy", related_name="consultations", verbose_name=_("参加代表"))
    summary = models.TextField(_("面商情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("面商记录")
        verbose_name_plural = _("面商记录")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.held_on} {self.get_method_display()}"
