"""PDF reports of suggestions, rendered by the core's Celery task (congress_office.services.pdf):
the year report for the session, and a supervision notice (督办单). Both read through what the
job's owner may see; anything else is "not found"."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.models import CaseSupervision

from ..selectors import parse_record_year
from .models import Suggestion
from .selectors import suggestion_page, suggestion_year_report


def year_report_context(job, progress):
    """代表建议办理情况报告 of one year: counts, 面商率, 解决率, 满意率 and every suggestion."""
    year = parse_record_year(job.params.get("year"))
    if year is None:
        raise ValidationError(_("请选择报告年度。"))
    progress(20, _("正在汇总建议办理情况"))
    report = suggestion_year_report(user=job.owner, year=year)
    return {"report": report, "township": job.owner.township, "today": timezone.localdate(), "owner": job.owner}


def supervision_context(job, progress):
    """One 督办单, looked up among the suggestions the owner may see."""
    raw = str(job.params.get("supervision_id", ""))
    supervision = None
    if raw.isdigit():
        visible = Suggestion.objects.visible_to(job.owner).values("pk")
        supervision = (
            CaseSupervision.objects.filter(
                pk=int(raw),
                item_type=ContentType.objects.get_for_model(Suggestion),
                item_id__in=visible,
            )
            .select_related("unit", "issued_by", "township")
            .first()
        )
    if supervision is None:
        raise ValidationError(_("找不到该督办单，或您无权查看。"))
    progress(30, _("正在整理督办事项"))
    suggestion = Suggestion.objects.select_related("township", "lead_unit", "term").get(pk=supervision.item_id)
    page = suggestion_page(suggestion=suggestion)
    lead = next((a for a in reversed(page.assignments) if a.role == "lead"), None)
    return {
        "supervision": supervision,
        "suggestion": suggestion,
        "page": page,
        "lead": lead,
        "today": timezone.localdate(),
        "owner": job.owner,
    }
