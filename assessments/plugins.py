"""What the assessments app plugs into the core's registries."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import (
    DeadlineKind,
    PdfReport,
    deadline_kinds,
    demo_seeders,
    nav_items,
    pdf_reports,
    role_tables,
)


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def promotion_context(job, progress):
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import AssessmentPlan
    from .promotion import reserve_list

    raw = str(job.params.get("plan_id", ""))
    plan = AssessmentPlan.objects.visible_to(job.owner).filter(pk=int(raw)).first() if raw.isdigit() else None
    if plan is None or job.owner.is_county_wide:  # the county reads aggregates
        raise ValidationError(_("找不到该考核方案，或您无权查看。"))
    progress(40, _("正在计算提拔任用得分"))
    from django.conf import settings

    return {
        "title": _("后备干部综合得分表"),
        "plan": plan,
        "rows": reserve_list(plan),
        "settings": settings,
        "today": timezone.localdate(),
    }


def record_context(job, progress):
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .targets import record_timeline
    from .views import visible_subject

    raw = str(job.params.get("subject_id", ""))
    subject = visible_subject(job.owner, int(raw)) if raw.isdigit() else None
    if subject is None:
        raise ValidationError(_("找不到该考核对象，或您无权查看。"))
    progress(40, _("正在整理实绩档案"))
    return {
        "title": _("%(n)s实绩档案") % {"n": subject.name},
        "subject": subject,
        "targets": list(subject.targets.prefetch_related("reports", "checks")),
        "events": record_timeline(subject),
        "today": timezone.localdate(),
    }


def register():
    from .permissions import ASSESSMENTS_ROLE_PERMISSIONS

    role_tables.register("assessments", ASSESSMENTS_ROLE_PERMISSIONS)
    nav_items.register(
        "assessments",
        NavItem(
            _("实绩考核"), "assessments:plan_list", "bi-clipboard-data", permission="assessments.view_assessmentplan"
        ),
    )
    pdf_reports.register(
        "assessments.promotion",
        PdfReport(
            title=_("后备干部综合得分表"),
            template="assessments/pdf_promotion.html",
            build_context=promotion_context,
            permission="assessments.view_assessmentplan",
            params=("plan_id",),
        ),
    )
    deadline_kinds.register("assessments.target_report", DeadlineKind(label=_("目标任务月度进展")))
    pdf_reports.register(
        "assessments.record",
        PdfReport(
            title=_("领导干部实绩档案"),
            template="assessments/pdf_record.html",
            build_context=record_context,
            params=("subject_id",),
        ),
    )
    demo_seeders.register("assessments", seed)
