"""What the petitions app plugs into the core's registries."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import (
    nav_items,
    register_case_type,
    role_tables,
)

from .case_type import petition_case_type


def satisfaction_indicator(unit, start, end):
    from urllib.parse import urlencode

    from django.urls import reverse

    from congress_office.indicators import satisfaction_of

    from .models import Petition

    def cases(unit, start, end):
        return f"{reverse('petitions:petition_list')}?" + urlencode(
            {"lead_unit": unit.pk, "received_after": start.isoformat(), "received_before": end.isoformat()}
        )

    return satisfaction_of(Petition, cases)(unit, start, end)


def on_time_indicator(unit, start, end):
    from congress_office.indicators import on_time_of

    return on_time_of("petitions.petition.")(unit, start, end)


def register():
    from .permissions import PETITIONS_ROLE_PERMISSIONS

    role_tables.register("petitions", PETITIONS_ROLE_PERMISSIONS)
    register_case_type(petition_case_type())
    nav_items.register(
        "petitions",
        NavItem(_("信访"), "petitions:petition_list", "bi-envelope-paper", permission="petitions.view_petition"),
    )
    _register_office()
    _register_handling()
    _register_stats()


# --- registration, acceptance and the office pages ------------------------------------------------


def acceptance_notice_context(job, progress):
    """受理告知书 / 不予受理告知书 / 转送告知书 of one petition, read through the job owner's
    visibility (another township's petition is "not found")."""
    from datetime import date

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .choices import PetitionState
    from .models import Petition

    petition_id = str(job.params.get("petition_id", ""))
    petition = None
    if petition_id.isdigit():
        petition = (
            Petition.objects.visible_to(job.owner)
            .select_related("township", "subject")
            .filter(pk=int(petition_id))
            .first()
        )
    if petition is None:
        raise ValidationError(_("找不到该信访件，或您无权查看。"))
    if petition.state in (PetitionState.REGISTERED, PetitionState.OUTSIDE_REMIT):
        raise ValidationError(_("该信访件尚未作出受理决定。"))
    progress(30, _("正在填写告知书"))
    if petition.state == PetitionState.NOT_ACCEPTED:
        kind, heading = "not_accepted", _("不予受理告知书")
    elif petition.state == PetitionState.TRANSFERRED_OUT:
        kind, heading = "transferred", _("转送告知书")
    else:
        kind, heading = "accepted", _("受理告知书")
    decided = petition.events.filter(action__in=["accept", "not_accept", "transfer_out"]).order_by("-at").first()
    decided_on = petition.accepted_on
    if decided_on is None and decided is not None:
        # the decision date the clerk entered (older events carry only the moment of entry)
        on = (decided.data or {}).get("on")
        decided_on = date.fromisoformat(on) if on else timezone.localtime(decided.at).date()
    return {
        "petition": petition,
        "kind": kind,
        "heading": heading,
        "owner": job.owner,
        "decided_on": decided_on,
        "handling_days": settings.PETITION_HANDLING_DAYS,
        "today": timezone.localdate(),
    }


def reception_visit_action(visit, user):
    """ "转为信访" on a deputy's reception visit, for users who register petitions in its township."""
    from django.urls import reverse

    if not user.has_perm("petitions.register_petition") or user.township_id != visit.reception_day.township_id:
        return None
    return {
        "label": _("转为信访"),
        "url": f"{reverse('petitions:petition_create')}?visit={visit.pk}",
        "icon": "bi-envelope-paper",
    }


def _register_office():
    from congress_office.registries import PdfReport, demo_seeders, pdf_reports, reception_visit_actions

    from . import demo

    pdf_reports.register(
        "petitions.acceptance_notice",
        PdfReport(
            title=_("信访事项受理情况告知书"),
            template="petitions/pdf/acceptance_notice.html",
            build_context=acceptance_notice_context,
            permission="petitions.decide_petition",
            params=("petition_id",),
        ),
    )
    reception_visit_actions.register("petitions.to_petition", reception_visit_action)
    demo_seeders.register("petitions", demo.seed)


# --- handling: the printed documents of supervision, reply, completion and extension -------------


def _register_handling():
    from congress_office.registries import PdfReport, demo_seeders, pdf_reports

    from . import handling_demo, handling_pdf

    # after the petitions' own demo (registered above), on the petitions it made
    demo_seeders.register("petitions.handling", handling_demo.seed)

    for key, title, template, build in (
        (
            "petitions.supervision_notice",
            _("信访事项督办单"),
            "supervision_notice.html",
            handling_pdf.supervision_notice_context,
        ),
        (
            "petitions.handling_opinion",
            _("信访事项处理意见书"),
            "handling_opinion.html",
            handling_pdf.handling_opinion_context,
        ),
        (
            "petitions.completion_report",
            _("信访事项办结报告"),
            "completion_report.html",
            handling_pdf.completion_report_context,
        ),
        (
            "petitions.extension_notice",
            _("信访事项延期办理告知书"),
            "extension_notice.html",
            handling_pdf.extension_notice_context,
        ),
    ):
        pdf_reports.register(
            key,
            PdfReport(
                title=title,
                template=f"petitions/pdf/{template}",
                build_context=build,
                permission="petitions.view_petition",
                params=("supervision_id",) if key == "petitions.supervision_notice" else ("petition_id",),
            ),
        )


# --- statistics (信访统计) ---------------------------------------------------------------------------


def _register_stats():
    from congress_office.registries import PdfReport, dashboard_cards, pdf_reports

    from .services.stats import monthly_report_context
    from .views import stats as stats_views

    nav_items.register(
        "petitions.stats",
        NavItem(_("信访统计"), "petitions:stats", "bi-bar-chart-line", permission="petitions.view_petition_stats"),
    )
    pdf_reports.register(
        "petitions.monthly_report",
        PdfReport(
            title=_("信访工作月度分析"),
            template="petitions/pdf/monthly_report.html",
            build_context=monthly_report_context,
            permission="petitions.view_petition_stats",
            params=("year", "month", "township"),
        ),
    )
    dashboard_cards.register("petitions.month_received", stats_views.month_card)
    dashboard_cards.register("petitions.overdue", stats_views.overdue_card)
    from congress_office.registries import UnitIndicator, unit_indicators

    unit_indicators.register(
        "petitions.satisfaction", UnitIndicator(label=_("信访答复满意率"), compute=satisfaction_indicator)
    )
    unit_indicators.register("petitions.on_time", UnitIndicator(label=_("信访按期办结率"), compute=on_time_indicator))
