"""三级建档: targets with their three departments, monthly progress reports on the deadline engine
(one clock a month, until December), checks (随报随查), and the cadre's 实绩档案 timeline."""

import calendar
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.message_keys import Message
from congress_office.models import DeadlineRule
from congress_office.services.deadlines import deadline_meet, deadline_open

from .choices import SubjectKind
from .models import QUARTERS, Score, Target, TargetCheck, TargetReport
from .services import MANAGE, SCORE, _require, _text


def month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_clock(target, month, by):
    """The report of `month` falls due at the month's end."""
    plan = target.subject.plan
    today = timezone.localdate()
    due = month_end(plan.year, month)
    start = min(today, due - timedelta(days=1))  # a clock of at least a day, also for a month past
    return deadline_open(
        township=plan.township,
        kind="assessments.target_report",
        title=Message(gettext_noop("%(m)s月目标进展：%(t)s（%(s)s）"), m=month, t=target.title, s=target.subject.name),
        start_date=start,
        rule=DeadlineRule.CALENDAR_DAYS,
        limit=(due - start).days,
        responsible_user=target.subject.user,
        subject=target,
        by=by,
    )


def current_month(plan):
    today = timezone.localdate()
    if today.year < plan.year:
        return 1
    if today.year > plan.year:
        return 12
    return today.month


@transaction.atomic
def target_add(*, subject, by, title, responsible_dept, leading_dept, assessing_dept, goal=""):
    _require(by, MANAGE, subject.plan.township_id)
    if subject.kind != SubjectKind.CADRE:
        raise ValidationError(_("三级建档的目标任务属于领导干部。"))
    target = Target.objects.create(
        subject=subject,
        title=_text(title, "title", _("请填写目标任务。")),
        goal=(goal or "").strip(),
        responsible_dept=_text(responsible_dept, "responsible_dept", _("请填写承担部门。")),
        leading_dept=_text(leading_dept, "leading_dept", _("请填写主导部门。")),
        assessing_dept=_text(assessing_dept, "assessing_dept", _("请填写考核部门。")),
        created_by=by,
    )
    target.deadline = _month_clock(target, current_month(subject.plan), by)
    target.save(update_fields=["deadline"])
    return target


def _may_report(target, by):
    office = by.has_perm(SCORE) and by.township_id == target.subject.plan.township_id
    return office or (target.subject.user_id and target.subject.user_id == by.pk)


@transaction.atomic
def target_report(*, target, by, month, content):
    """The cadre's (or the office's) report of a month; that month's clock is met and the next
    month's opens, until December."""
    if not _may_report(target, by):
        raise PermissionDenied(_("由本人或考核办公室报送进展。"))
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError({"month": _("月份为 1–12。")})
    content = _text(content, "content", _("请填写进展情况。"))
    if target.reports.filter(month=month).exists():
        raise ValidationError({"month": _("%(m)s月的进展已报送。") % {"m": month}})
    report = TargetReport.objects.create(target=target, month=month, content=content, reported_by=by)
    target = (
        Target.objects.select_for_update(of=("self",)).select_related("deadline", "subject__plan").get(pk=target.pk)
    )
    if target.deadline_id and target.deadline.is_pending:
        deadline_meet(deadline=target.deadline, by=by)
    reported = set(target.reports.values_list("month", flat=True))
    following = next((m for m in range(month + 1, 13) if m not in reported), None)
    target.deadline = _month_clock(target, following, by) if following else None
    target.save(update_fields=["deadline"])
    return report


@transaction.atomic
def target_check(*, target, by, finding):
    """随报随查 by the assessing office: recorded in the cadre's 实绩档案."""
    _require(by, SCORE, target.subject.plan.township_id)
    return TargetCheck.objects.create(
        target=target, finding=_text(finding, "finding", _("请填写核查情况。")), checked_by=by
    )


def record_timeline(subject):
    """The cadre's 实绩档案: quarterly results, monthly reports and checks, in time order (four
    queries)."""
    events = []
    totals = {}
    for score in Score.objects.filter(subject=subject):
        totals[score.quarter] = totals.get(score.quarter, 0) + score.value
    for quarter in QUARTERS:
        if quarter in totals:
            events.append(
                {
                    "date": month_end(subject.plan.year, quarter * 3),
                    "kind": _("季度考核"),
                    "text": _("第 %(q)s 季度得分 %(v)s") % {"q": quarter, "v": totals[quarter]},
                }
            )
    for report in TargetReport.objects.filter(target__subject=subject).select_related("target", "reported_by"):
        events.append(
            {
                "date": timezone.localtime(report.reported_at).date(),
                "kind": _("月度进展"),
                "text": _("%(t)s（%(m)s月）：%(c)s")
                % {"t": report.target.title, "m": report.month, "c": report.content},
                "who": report.reported_by.display_name,
            }
        )
    for check in TargetCheck.objects.filter(target__subject=subject).select_related("target", "checked_by"):
        events.append(
            {
                "date": timezone.localtime(check.checked_at).date(),
                "kind": _("随报随查"),
                "text": _("%(t)s：%(f)s") % {"t": check.target.title, "f": check.finding},
                "who": check.checked_by.display_name,
            }
        )
    events.sort(key=lambda e: e["date"])
    return events
