"""What the petitions app plugs into the core's registries."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import OFFICE, NavItem
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
    _register_lookups()
    from . import search

    search.register()  # the header's search box
    nav_items.register(
        "petitions",
        # county accounts read the figures only (信访统计, 县级汇总): no view_petition
        NavItem(
            _("信访"),
            "petitions:petition_list",
            "bi-envelope-paper",
            permission="petitions.view_petition",
            roles=(*OFFICE, "unit_handler"),  # a unit handler answers the petitions assigned to its unit
        ),
    )
    _register_office()
    _register_handling()
    from . import home

    home.register()
    _register_stats()
    _register_archive()
    _register_exports()
    from . import registers

    registers.register()  # 信访登记簿, 来访登记表: print pages and PDFs


def _register_exports():
    from congress_office.registries import XlsxExport, xlsx_exports

    from .services.export import EXPORT_KEY, petitions_table

    xlsx_exports.register(
        EXPORT_KEY, XlsxExport(title=_("信访件"), table=petitions_table, permission="petitions.view_petition")
    )


def _register_lookups():
    """The petition subjects a filter field looks up: the shared ones and the user's township's."""
    from django.db.models import F

    from congress_office.lookups import with_township
    from congress_office.registries import LookupKind, lookup_kinds

    from .models import Subject

    lookup_kinds.register(
        "subject",
        LookupKind(
            queryset=lambda user: Subject.objects.visible_to(user).select_related("township"),
            search_fields=("name",),
            ordering=(F("township__code").asc(nulls_first=True), "name", "pk"),
            text=with_township,
        ),
    )


# --- registration, acceptance and the office pages ------------------------------------------------


def notice_addressee(petition):
    """(whom the letter is addressed to, how the body says "you"): a petition in a unit's name
    is addressed to the unit (“青石村村民委员会：” … 你单位), a group visit to its first
    representative and the others (“张三等12人：” … 你们), anyone else by their full name
    (“张三：” … 你): the letter goes to the petitioner, so nothing is masked."""
    if petition.organisation:
        return petition.organisation, _("你单位")
    name = petition.petitioner_name
    if petition.is_group and petition.headcount > 1:
        return _("%(name)s等%(n)s人") % {"name": name, "n": petition.headcount}, _("你们")
    return name, _("你")


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
    addressee, you = notice_addressee(petition)
    return {
        "petition": petition,
        "kind": kind,
        "heading": heading,
        "addressee": addressee,
        "you": you,
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
        NavItem(
            _("信访统计"),
            "petitions:stats",
            "bi-bar-chart-line",
            permission="petitions.view_petition_stats",
            roles=OFFICE,
            more=True,
        ),
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
    from congress_office.registries import county_figures

    from . import county

    county_figures.register("petitions", county.FIGURES)
    dashboard_cards.register("petitions.overdue", stats_views.overdue_card)
    from congress_office.registries import UnitIndicator, unit_indicators

    unit_indicators.register(
        "petitions.satisfaction", UnitIndicator(label=_("信访答复满意率"), compute=satisfaction_indicator)
    )
    unit_indicators.register("petitions.on_time", UnitIndicator(label=_("信访按期办结率"), compute=on_time_indicator))


# --- the archive: one item (件) per finished petition, its case file (信访事项档案) -----------------

# a 不予受理 or 转送 decision ends the petition too: its notice is part of what is kept
DECIDED_OUT_ACTIONS = ("not_accept", "transfer_out")
WRAPPED_IMAGES = {"jpg", "jpeg", "png", "gif", "webp"}


def _office_name(township):
    return _("%(t)s人大办公室") % {"t": township.name}


def _decision_day(event):
    """The decision date the clerk entered (older events carry only the moment of entry)."""
    from datetime import date

    from django.utils import timezone

    on = (event.data or {}).get("on")
    return date.fromisoformat(on) if on else timezone.localtime(event.at).date()


def archive_petitions(township, year):
    """Petitions finished in the year: closed (rated, or the feedback window lapsed; after a
    复查 or 复核 the decision closes it) on `closed_at`, or not accepted / transferred to the
    competent organ on the decision date. A petition under 复查 or 复核 waits until decided."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from django.utils import timezone

    from congress_office.models import CaseEvent
    from congress_office.registries import ArchiveEntry

    from .choices import PetitionState as S
    from .handling_pdf import _unit_name
    from .models import Petition

    petitions = Petition.objects.filter(township=township).select_related("township", "lead_unit")
    found = [
        (p, timezone.localtime(p.closed_at).date())
        for p in petitions.filter(state__in=(S.CLOSED, S.FINAL), closed_at__year=year)
    ]
    decisions = {}
    for event in CaseEvent.objects.filter(
        Q(data__on__startswith=f"{year}-") | Q(data__on__isnull=True, at__year=year),
        item_type=ContentType.objects.get_for_model(Petition),
        township=township,
        action__in=DECIDED_OUT_ACTIONS,
    ).order_by("at", "pk"):
        decisions[event.item_id] = _decision_day(event)
    if decisions:
        found += [
            (p, decisions[p.pk])
            for p in petitions.filter(pk__in=decisions, state__in=(S.NOT_ACCEPTED, S.TRANSFERRED_OUT))
            if decisions[p.pk].year == year
        ]
    for petition, day in found:
        yield ArchiveEntry(
            record=petition,
            title=petition.title,
            responsible=_unit_name(petition, petition.lead_unit) or str(_office_name(petition.township)),
            date=day,
            number=str(petition.number),
        )


def _no_progress(percent, message):
    pass


def _letter(key, user, **params):
    """A printed document of the petition, through the builder and template registered above,
    read as `user` may read it."""
    from types import SimpleNamespace

    from congress_office.pdf import render_pdf
    from congress_office.registries import pdf_reports

    spec = pdf_reports[key]

    def render():
        job = SimpleNamespace(owner=user, params={name: str(value) for name, value in params.items()})
        context = spec.build_context(job, _no_progress)
        if key == "petitions.acceptance_notice":
            # the notice is dated the day of the decision, not the day it is printed again
            context["today"] = context["decided_on"] or context["today"]
        return render_pdf(spec.template, {**context, "title": str(spec.title)})

    return render


def _case_file_context(petition, user, item=None, full=False):
    """What the detail page shows, for the case file, as archived by `user`: phone and ID number
    masked in the archive copy, in full in the full copy (whose every export is logged, see
    archive_petition_full_copy); the keyed hashes are never printed."""
    from django.contrib.contenttypes.models import ContentType

    from congress_office.models import AssignmentRole, CaseAssignment, CaseRating, CaseReply, CaseSupervision
    from congress_office.registries import case_types
    from congress_office.services.archive import archived_on
    from congress_office.services.cases import case_timeline

    from .choices import Outcome
    from .models import CompletionReport, Petition
    from .services.handling import handling_extensions
    from .services.personal_data import PERSONAL_FIELDS

    rows = {"item_type": ContentType.objects.get_for_model(Petition), "item_id": petition.pk}
    revealed = {name: getattr(petition, name) for name in PERSONAL_FIELDS if full and getattr(petition, name)}
    state_label = case_types["petitions.petition"].state_label
    timeline = case_timeline(petition)
    for event in timeline:
        event.from_label = state_label(event.from_state) if event.from_state else ""
        event.to_label = state_label(event.to_state) if event.to_state else ""
    replies = list(
        CaseReply.objects.filter(**rows)
        .select_related("unit", "replied_by")
        .prefetch_related("attachments")
        .order_by("round", "pk")
    )
    outcomes = dict(Outcome.choices)
    for reply in replies:
        reply.outcome_label = outcomes.get(reply.result, reply.result)
    return {
        "petition": petition,
        "township": petition.township,
        "office": _office_name(petition.township),
        "state_label": state_label(petition.state),
        "phone": revealed.get("phone") or petition.masked_phone,
        "id_number": revealed.get("id_number") or petition.masked_id_number,
        "personal_in_full": bool(revealed),
        "assignments": sorted(
            CaseAssignment.objects.filter(**rows).select_related("unit", "deadline"),
            key=lambda a: (a.round, a.role != AssignmentRole.LEAD, a.pk),  # each round's lead unit first
        ),
        "instructions": list(petition.instructions.select_related("leader")),
        "supervisions": list(CaseSupervision.objects.filter(**rows).select_related("unit", "issued_by")),
        "extensions": list(handling_extensions(petition).select_related("approver").order_by("created_at")),
        "replies": replies,
        "ratings": list(CaseRating.objects.filter(**rows).select_related("reply").order_by("pk")),
        "reviews": list(petition.reviews.all()),
        "report": CompletionReport.objects.filter(petition=petition).select_related("filed_by").first(),
        "return_visits": list(petition.return_visits.select_related("visited_by")),
        "timeline": timeline,
        "attachments": list(petition.attachments.all()),
        "archivist": user,
        "archived_on": archived_on(item),
    }


def _case_file(petition, user, item=None, full=False):
    from congress_office.pdf import render_pdf

    def render():
        context = _case_file_context(petition, user, item=item, full=full)
        return render_pdf("petitions/pdf/case_file.html", {**context, "title": _("信访事项档案")})

    return render


def _file_bytes(attachment):
    def read():
        with attachment.file.open("rb") as f:
            return f.read()

    return read


def _image_pdf(attachment):
    """A photo on an A4 page under its file name (WeasyPrint turns it upright by its EXIF)."""

    def render():
        import base64
        import mimetypes

        from django.utils.html import escape

        from congress_office.pdf import layout_pdf, pdf_fonts

        data = _file_bytes(attachment)()
        mime = mimetypes.guess_type(attachment.name)[0] or "image/jpeg"
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        html = (
            "<!doctype html><html lang='zh-hans'><head><meta charset='utf-8'><style>"
            "@page { size: A4; margin: 20mm; }"
            f"body {{ font-family: {pdf_fonts()['body']}; font-size: 10.5pt; margin: 0; }}"
            "p { margin: 0 0 4mm; text-align: center; }"
            "img { display: block; margin: 0 auto; max-width: 170mm; max-height: 240mm; object-fit: contain; }"
            f"</style></head><body><p>{escape(attachment.name)}</p><img src='{uri}'></body></html>"
        )
        return layout_pdf(html).write_pdf()

    return render


def archive_petition_full_copy(petition, user):
    """A package writer who may read the petitioner's phone and ID number receives the full copy
    of the case file; each time is logged as a reveal on the detail page is."""
    from .services.personal_data import can_view_personal_data, personal_data_reveal

    # the office's package writers only: a unit handler's right to call the petitioner is no right to the archive
    office = user.has_perm("petitions.view_personal_data")
    if not office or not can_view_personal_data(user, petition) or not (petition.phone or petition.id_number):
        return False
    personal_data_reveal(petition=petition, user=user)
    return True


def archive_petition_parts(petition, user, item=None, full=False):
    """The case file in DA/T 22 order: the 信访事项档案 (registration, handling, replies, ratings,
    return visits and the timeline), then the documents issued in the order they were issued
    (受理 / 不予受理 / 转送告知书, 督办单, 延期办理告知书, 处理意见书, 办结报告), then the
    uploaded attachments and those of the replies: PDFs as they are, photos each on a PDF page,
    other files as uploaded."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django.utils.translation import gettext

    from congress_office.models import CaseSupervision
    from congress_office.registries import ArchivePart
    from congress_office.uploads import extension_of

    from .choices import PetitionState as S
    from .models import CompletionReport, Petition
    from .services.handling import handling_extensions

    parts = [ArchivePart(gettext("信访事项档案"), _case_file(petition, user, item=item, full=full))]
    pk = petition.pk
    if petition.state == S.NOT_ACCEPTED:
        notice = gettext("不予受理告知书")
    elif petition.state == S.TRANSFERRED_OUT:
        notice = gettext("转送告知书")
    else:
        notice = gettext("受理告知书")
    if petition.state not in (S.REGISTERED, S.OUTSIDE_REMIT):
        parts.append(ArchivePart(notice, _letter("petitions.acceptance_notice", user, petition_id=pk)))
    # 督办单 and the 延期告知书 in the order they were issued
    issued = [
        (
            s.issued_at,
            ArchivePart(
                gettext("信访事项督办单（%(n)s）") % {"n": s.number},
                _letter("petitions.supervision_notice", user, supervision_id=s.pk),
            ),
        )
        for s in CaseSupervision.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=pk)
    ]
    extension = handling_extensions(petition).order_by("-pk").first()
    if extension is not None:
        issued.append(
            (
                extension.created_at,
                ArchivePart(
                    gettext("信访事项延期办理告知书"), _letter("petitions.extension_notice", user, petition_id=pk)
                ),
            )
        )
    parts += [part for _at, part in sorted(issued, key=lambda pair: pair[0] or timezone.now())]
    if petition.outcome:
        parts.append(
            ArchivePart(gettext("信访事项处理意见书"), _letter("petitions.handling_opinion", user, petition_id=pk))
        )
    if CompletionReport.objects.filter(petition=petition).exists():
        parts.append(
            ArchivePart(gettext("信访事项办结报告"), _letter("petitions.completion_report", user, petition_id=pk))
        )
    from congress_office.models import CaseReplyAttachment

    reply_files = CaseReplyAttachment.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=pk)
    attachments = [(gettext("附件%(n)s：%(name)s"), a) for a in petition.attachments.all()]
    attachments += [(gettext("答复附件%(n)s：%(name)s"), a) for a in reply_files.order_by("pk")]
    for n, (label, attachment) in enumerate(attachments, start=1):
        title = label % {"n": n, "name": attachment.name}
        ext = extension_of(attachment.name) or extension_of(attachment.file.name)
        if ext == "pdf":
            parts.append(ArchivePart(title, _file_bytes(attachment)))
        elif ext in WRAPPED_IMAGES:
            parts.append(ArchivePart(title, _image_pdf(attachment)))
        else:
            parts.append(ArchivePart(title, _file_bytes(attachment), ext=ext or "bin"))
    return parts


def _register_archive():
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "petitions.case",
        ArchiveSection(
            "petitions.case",
            _("信访事项"),
            "cases",
            "D30",
            archive_petitions,
            org_code="BGS",
            parts=archive_petition_parts,
            full_copy=archive_petition_full_copy,
        ),
    )
