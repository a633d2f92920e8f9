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


def finished_plans(township, year):
    """The year's plans whose results are final: all four quarters confirmed and every subject's
    grade confirmed (a plan without subjects has no results)."""
    from django.db.models import Count, Max, Q

    from .models import QUARTERS, AssessmentPlan

    return (
        AssessmentPlan.objects.filter(township=township, year=year)
        .annotate(
            locked=Count("locks", distinct=True),
            subject_count=Count("subjects", distinct=True),
            ungraded=Count("subjects", filter=Q(subjects__grade_confirmed_at__isnull=True), distinct=True),
            graded_at=Max("subjects__grade_confirmed_at"),
        )
        .filter(locked__gte=len(QUARTERS), subject_count__gt=0, ungraded=0)
        .order_by("pk")
    )


def archive_results(township, year):
    """考核结果: one item per finished plan of the year, dated the day its grades were confirmed."""
    from django.utils import timezone
    from django.utils.translation import gettext

    from congress_office.registries import ArchiveEntry

    for plan in finished_plans(township, year):
        yield ArchiveEntry(
            record=plan,
            title=gettext("%(t)s%(y)s年度干部实绩考核结果") % {"t": township.name, "y": plan.year},
            responsible=gettext("%(t)s人民代表大会主席团") % {"t": township.name},
            date=timezone.localdate(plan.graded_at),
        )


def result_context(plan):
    """Each subject's four quarters, year total and confirmed grade, teams and cadres apart, the
    highest total first."""
    from django.utils import timezone
    from django.utils.translation import gettext

    from .choices import GRADES, SubjectKind
    from .models import QUARTERS
    from .services import subject_totals

    totals = subject_totals(plan)
    subjects = list(plan.subjects.select_related("assessment_type", "grade_confirmed_by"))
    groups = []
    for kind in SubjectKind:
        rows = []
        for s in sorted((s for s in subjects if s.kind == kind), key=lambda s: (-totals[s.pk]["year"], s.pk)):
            grade = GRADES[kind](s.grade).label if s.grade in GRADES[kind].values else s.grade
            rows.append(
                {
                    "subject": s,
                    "quarters": [totals[s.pk]["quarters"][q] for q in QUARTERS],
                    "year": totals[s.pk]["year"],
                    "grade": grade,
                }
            )
        if rows:
            groups.append({"kind": kind, "rows": rows})
    confirmed = [s for s in subjects if s.grade_confirmed_at]
    last = max(confirmed, key=lambda s: s.grade_confirmed_at) if confirmed else None
    return {
        "title": gettext("%(t)s%(y)s年度干部实绩考核结果") % {"t": plan.township.name, "y": plan.year},
        "plan": plan,
        "groups": groups,
        "quarters": QUARTERS,
        "confirmed_at": timezone.localtime(last.grade_confirmed_at) if last else None,
        "confirmed_by": last.grade_confirmed_by if last else None,
        "today": timezone.localdate(),
    }


def result_parts(plan, user, item=None, full=False):
    """The item of a plan: its results, one PDF."""
    from django.utils.translation import gettext

    from congress_office.pdf import render_pdf
    from congress_office.registries import ArchivePart
    from congress_office.services.archive import archived_on

    from .models import AssessmentPlan

    plan = AssessmentPlan.objects.select_related("township").get(pk=plan.pk)
    return [
        ArchivePart(
            gettext("考核结果"),
            lambda: render_pdf(
                "assessments/pdf_archive_result.html", {**result_context(plan), "today": archived_on(item)}
            ),
        )
    ]


def register():
    from .permissions import ASSESSMENTS_ROLE_PERMISSIONS

    role_tables.register("assessments", ASSESSMENTS_ROLE_PERMISSIONS)
    nav_items.register(
        "assessments",
        NavItem(
            _("实绩考核"),
            "assessments:plan_list",
            "bi-clipboard-data",
            permission="assessments.view_assessmentplan",
            more=True,
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
    deadline_kinds.register(
        "assessments.target_report",
        # a target has no page of its own: the cadre's (Subject) page lists it
        DeadlineKind(label=_("目标任务月度进展"), subject_url=lambda target: target.subject.get_absolute_url()),
    )
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
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "assessments.result",
        ArchiveSection("assessments.result", _("考核结果"), "records", "D10", archive_results, parts=result_parts),
    )
