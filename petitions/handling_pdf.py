"""The printed documents of handling a petition, rendered through the platform's PDF jobs:
督办单 (supervision notice), 信访事项处理意见书 (handling opinion), 办结报告 (completion report)
and 延期办理告知书 (notice of an extension, for the petitioner who has no account).

Each build_context reads through `Petition.objects.visible_to(job.owner)`: a unit handler
prints only what their unit handles, another township's petition is "not found".
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.models import AssignmentRole, CaseAssignment, CaseRating, CaseReply, CaseSupervision

from .models import CompletionReport, Petition
from .services.handling import handling_extensions

RELATED = ("township", "subject", "lead_unit", "leader_owner")


def _not_found():
    return ValidationError(_("找不到该信访件，或您无权查看。"))


def _petition(job):
    value = str(job.params.get("petition_id", ""))
    petition = None
    if value.isdigit():
        petition = Petition.objects.visible_to(job.owner).select_related(*RELATED).filter(pk=int(value)).first()
    if petition is None:
        raise _not_found()
    return petition


def _rows(model, petition):
    return model.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=petition.pk)


def _lead_assignments(petition):
    """The lead unit's assignment of each round, oldest first (with their clocks)."""
    return list(
        _rows(CaseAssignment, petition)
        .filter(role=AssignmentRole.LEAD)
        .select_related("deadline", "unit")
        .order_by("round", "pk")
    )


def _unit_name(petition, unit):
    """A unit's full name on a letter: 自然资源所 → 青山镇自然资源所."""
    if unit is None:
        return ""
    name = unit.name
    return name if name.startswith(petition.township.name) else f"{petition.township.name}{name}"


def _base(petition, job):
    leads = _lead_assignments(petition)
    first, current = (leads[0], leads[-1]) if leads else (None, None)
    return {
        "petition": petition,
        "township": petition.township,
        "presidium": _("%(t)s人大主席团") % {"t": petition.township.name},
        "office": _("%(t)s人大办公室") % {"t": petition.township.name},
        "unit_name": _unit_name(petition, petition.lead_unit),
        "first_assignment": first,
        "current_assignment": current,
        "review_days": settings.PETITION_REVIEW_REQUEST_DAYS,
        "today": timezone.localdate(),
        "owner": job.owner,
    }


def supervision_notice_context(job, progress):
    """督办单: one supervision notice of a petition the owner may see."""
    value = str(job.params.get("supervision_id", ""))
    supervision = None
    if value.isdigit():
        visible = Petition.objects.visible_to(job.owner).values("pk")
        supervision = (
            CaseSupervision.objects.filter(
                pk=int(value), item_type=ContentType.objects.get_for_model(Petition), item_id__in=visible
            )
            .select_related("unit", "issued_by")
            .first()
        )
    if supervision is None:
        raise ValidationError(_("找不到该督办单，或您无权查看。"))
    petition = Petition.objects.select_related(*RELATED).get(pk=supervision.item_id)
    progress(30, _("正在汇总办理情况"))
    context = _base(petition, job)
    deadline = context["current_assignment"].deadline if context["current_assignment"] else None
    issued_on = timezone.localtime(supervision.issued_at).date()
    context.update(
        supervision=supervision,
        deadline=deadline,
        issued_on=issued_on,
        supervised_unit=_unit_name(petition, supervision.unit),
        overdue_days=(issued_on - deadline.due_date).days if deadline and deadline.due_date < issued_on else 0,
    )
    return context


def handling_opinion_context(job, progress):
    """信访事项处理意见书: the reply of the current round with its outcome."""
    petition = _petition(job)
    if not petition.outcome:
        raise ValidationError(_("该信访件尚未答复，不能出具处理意见书。"))
    progress(30, _("正在读取答复"))
    reply = _rows(CaseReply, petition).select_related("unit").order_by("-round").first()
    context = _base(petition, job)
    context.update(
        reply=reply,
        issuer=_unit_name(petition, reply.unit) if reply and reply.unit else context["presidium"],
    )
    return context


def completion_report_context(job, progress):
    """办结报告: the lead unit's report to the presidium, with the handling summary."""
    petition = _petition(job)
    report = CompletionReport.objects.filter(petition=petition).select_related("filed_by").first()
    if report is None:
        raise ValidationError(_("该信访件尚未提交办结报告。"))
    progress(30, _("正在汇总办理情况"))
    context = _base(petition, job)
    replies = list(_rows(CaseReply, petition).order_by("round"))
    ratings = list(_rows(CaseRating, petition).order_by("pk"))
    current = context["current_assignment"]
    deadline = current.deadline if current else None
    on_time = None
    if deadline is not None and petition.replied_on is not None:
        on_time = petition.replied_on <= deadline.due_date
    context.update(
        report=report,
        replies=replies,
        last_rating=ratings[-1] if ratings else None,
        supervision_count=_rows(CaseSupervision, petition).count(),
        extension=handling_extensions(petition).first(),
        deadline=deadline,
        on_time=on_time,
        filed_on=timezone.localtime(report.filed_at).date(),
    )
    return context


def extension_notice_context(job, progress):
    """延期办理告知书: the petitioner is told the new due date and the reason."""
    petition = _petition(job)
    extension = handling_extensions(petition).select_related("approver", "deadline").order_by("-pk").first()
    if extension is None:
        raise ValidationError(_("该信访件没有延期记录。"))
    progress(30, _("正在读取延期记录"))
    context = _base(petition, job)
    context.update(extension=extension, extended_on=timezone.localtime(extension.created_at).date())
    return context
