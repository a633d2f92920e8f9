"""PDF reports of the core; domain apps register theirs the same way."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Deadline, DeadlineState
from .registries import PdfReport, pdf_reports


def deadline_overview_context(job, progress):
    """期限事项情况表: pending deadlines of what the job's owner may see, by unit."""
    today = timezone.localdate()
    visible = Deadline.objects.visible_to(job.owner)
    progress(20, "正在统计各单位办理情况")
    by_unit = list(
        visible.values("responsible_unit__name")
        .annotate(
            total=Count("pk"),
            pending=Count(
                "pk", filter=Q(state__in=[DeadlineState.OPEN, DeadlineState.EXTENDED, DeadlineState.OVERDUE])
            ),
            overdue=Count("pk", filter=Q(state=DeadlineState.OVERDUE)),
            met=Count("pk", filter=Q(state=DeadlineState.MET)),
        )
        .order_by("-overdue", "responsible_unit__name")
    )
    progress(40, "正在列出逾期事项")
    overdue = list(
        visible.filter(state=DeadlineState.OVERDUE)
        .select_related("responsible_unit", "township")
        .order_by("due_date")[:200]
    )
    return {"today": today, "by_unit": by_unit, "overdue": overdue, "owner": job.owner}


def register():
    pdf_reports.register(
        "core.deadline_overview",
        PdfReport(
            title=_("期限事项办理情况表"),
            template="pdf/deadline_overview.html",
            build_context=deadline_overview_context,
            permission="core.view_deadline",
        ),
    )
