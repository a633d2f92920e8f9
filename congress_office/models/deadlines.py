from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from ..message_keys import Message, MessageKeysMixin
from ..roles import Role
from .places import Township, TownshipQuerySet, Unit


class DeadlineRule(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("日（自然日）")
    WORKING_DAYS = "working_days", _("工作日")
    MONTHS = "months", _("个月")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("办理中")
    EXTENDED = "extended", _("已延期")
    OVERDUE = "overdue", _("已逾期")
    MET = "met", _("已办结")
    LAPSED = "lapsed", _("已届满")  # a window that ended with nothing left to do (e.g. feedback not given)


PENDING_STATES = (DeadlineState.OPEN, DeadlineState.EXTENDED, DeadlineState.OVERDUE)


def hidden_kinds(user):
    """The deadline kinds a county-wide user may not see: those whose `view_permission` they lack
    (a petition's deadlines name the petition, and its title may name the petitioner; a county
    account reads only the figures)."""
    from ..registries import deadline_kinds

    return sorted(
        key for key, kind in deadline_kinds.items() if kind.view_permission and not user.has_perm(kind.view_permission)
    )


class DeadlineQuerySet(TownshipQuerySet):
    def visible_to(self, user):
        """Clerks, chairs and auditors see their township's deadlines; a unit handler those of
        their unit; a deputy those they are personally responsible for; county-wide users every
        township's, except the kinds they may not see (hidden_kinds)."""
        qs = self.in_townships_of(user)
        if not user.is_authenticated:
            return qs
        if user.is_county_wide:
            hidden = hidden_kinds(user)
            return qs.exclude(kind__in=hidden) if hidden else qs
        if user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR):
            return qs
        q = Q(responsible_user=user)
        if user.has_role(Role.UNIT_HANDLER) and user.unit_id:
            q |= Q(responsible_unit_id=user.unit_id)
        return qs.filter(q)

    def pending(self):
        return self.filter(state__in=PENDING_STATES)

    def overdue_on(self, day):
        return self.pending().filter(due_date__lt=day)


class Deadline(MessageKeysMixin, models.Model):
    """One obligation with a statutory clock: what, who is responsible, when it is due.

    Created and changed only through congress_office.services.deadlines; every case type
    (petition, suggestion, document, meeting, assessment) attaches its deadlines here.
    """

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("乡镇"))
    kind = models.CharField(_("事项类型"), max_length=60, db_index=True)
    title = models.CharField(_("事项"), max_length=200)
    # the title as message key + parameters, rendered in the reader's language (message_keys.py)
    message_keys = models.JSONField(default=dict, blank=True, editable=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines", verbose_name=_("责任单位")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("责任人"),
    )
    start_date = models.DateField(_("起算日"))
    rule = models.CharField(_("计算方式"), max_length=20, choices=DeadlineRule.choices)
    limit = models.PositiveIntegerField(_("期限"))
    original_due_date = models.DateField(_("法定到期日"))
    due_date = models.DateField(_("到期日"))
    state = models.CharField(_("状态"), max_length=20, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    met_at = models.DateTimeField(_("办结时间"), null=True, blank=True)  # when it was entered
    # the date the decision was taken, as the clerk enters it: on time means met_on <= due_date
    met_on = models.DateField(_("办结日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("期限事项")
        verbose_name_plural = _("期限事项")
        ordering = ["due_date", "pk"]
        permissions = [
            ("extend_deadline", _("可申请延期")),
            ("approve_extension", _("可批准延期")),
            ("meet_deadline", _("可标记办结")),
            ("view_audit", _("可查看修改记录")),
            ("view_dashboard", _("可查看统计看板")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(limit__gt=0), name="deadline_limit_positive"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("start_date")), name="deadline_due_after_start"),
        ]
        indexes = [
            models.Index(fields=["township", "state", "due_date"], name="deadline_township_state_idx"),
            models.Index(fields=["responsible_unit", "state"], name="deadline_unit_state_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            # the list's order (due_date, pk), within a township and county-wide
            models.Index(fields=["township", "due_date", "id"], name="deadline_township_due_idx"),
            models.Index(fields=["due_date", "id"], name="deadline_due_idx"),
            # the pending few of 600 k (dashboards, 仅逾期, reminders): partial indexes
            models.Index(fields=["due_date", "id"], condition=Q(state__in=PENDING_STATES), name="deadline_pending_idx"),
            models.Index(
                fields=["township", "due_date", "id"],
                condition=Q(state__in=PENDING_STATES),
                name="deadline_pending_township_idx",
            ),
            # 仅逾期 of one kind of subject (the 收文 register): its few pending deadlines past due
            models.Index(
                fields=["kind", "due_date"], condition=Q(state__in=PENDING_STATES), name="deadline_pending_kind_idx"
            ),
            # 本月办结 / 本年办结 read met deadlines from a moment on
            models.Index(fields=["met_at"], condition=Q(state="met"), name="deadline_met_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:deadline_detail", args=[self.pk])

    @property
    def subject_url(self):
        """The link to the deadline's subject (its petition, suggestion, document …) without a
        query: core:deadline_subject finds the subject and redirects to its page; "" for a
        deadline without a subject (a 督办事项 the office registered itself)."""
        if self.subject_id is None or self.subject_type_id is None:
            return ""
        return reverse("core:deadline_subject", args=[self.pk])

    @property
    def display_title(self):
        return self.rendered("title")

    @property
    def is_pending(self):
        return self.state in PENDING_STATES

    @property
    def met_in_time(self):
        """Met on or before its due date, by the decision date (None while pending)."""
        if self.state != DeadlineState.MET or self.met_on is None:
            return None
        return self.met_on <= self.due_date

    def days_left(self, today):
        return (self.due_date - today).days

    def basis(self):
        """The deadline's basis in words: start date, rule and limit."""
        return _("自 %(start)s 起 %(limit)s %(rule)s") % {
            "start": date_format(self.start_date, "SHORT_DATE_FORMAT"),
            "limit": self.limit,
            "rule": self.get_rule_display(),
        }

    def basis_message(self):
        """basis() as a message key, for a notification read later in the reader's language."""
        return Message(
            gettext_noop("自 %(start)s 起 %(limit)s %(rule)s"),
            start=self.start_date,
            limit=self.limit,
            rule=DeadlineRule(self.rule).label,
        )


class DeadlineExtension(models.Model):
    """An approved extension of a deadline, with its reason and approver."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField(_("原到期日"))
    new_due_date = models.DateField(_("延期至"))
    reason = models.TextField(_("延期理由"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    created_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期记录")
        verbose_name_plural = _("延期记录")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_date__gt=models.F("previous_due_date")), name="extension_moves_forward"
            ),
        ]

    def __str__(self):
        return f"{self.deadline} → {self.new_due_date}"


class Reminder(models.Model):
    """A reminder sent for one deadline at one stage. The unique constraint is what makes
    a reminder go out exactly once, whatever the number of concurrent or retried scans."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(_("提醒阶段"), max_length=40)
    escalated = models.BooleanField(_("已上报主席团"), default=False)
    sent_on = models.DateField(_("提醒日期"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["deadline", "stage"], name="reminder_once_per_stage")]

    def __str__(self):
        return f"{self.deadline_id}:{self.stage}"

    def stage_label(self):
        kind, value, *_rest = self.stage.split(":")
        if kind == "before":
            return _("到期前 %(days)s 天提醒") % {"days": value}
        if kind == "urge":  # the office's 催办 (services.urging)
            return _("人工催办（%(day)s）") % {"day": value}
        return _("逾期提醒（%(day)s）") % {"day": value}


class Holiday(models.Model):
    """An entry of the editable holiday table: a rest day or a 调休 make-up working day.

    Entries override chinesecalendar, and supply the years it does not know yet.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示该日为调休工作日；不勾选表示放假")
    )
    name = models.CharField(_("名称"), max_length=30, help_text=_("如：春节、国庆节"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
