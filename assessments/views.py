"""The assessment pages: plans, the quarterly score sheet, confirmation, corrections, grades.
Every read goes through `AssessmentPlan.objects.visible_to(user)`; the services decide."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin, get_visible_or_404
from congress_office.views.mixins import ServiceFormMixin

from . import forms
from . import services as svc
from .choices import EXCELLENT, GRADES, CorrectionState, SubjectKind
from .models import QUARTERS, AssessmentPlan, Indicator, Score, ScoreCorrection

VIEW = "assessments.view_assessmentplan"


def get_plan(user, pk):
    return get_visible_or_404(AssessmentPlan.objects.select_related("township"), user, pk=pk)


class PlanListView(RoleRequiredMixin, TemplateView):
    template_name = "assessments/plan_list.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            plans=list(
                AssessmentPlan.objects.visible_to(user).select_related("township").order_by("-year", "township")
            ),
            can_plan=user.has_perm(svc.MANAGE) and user.township_id is not None,
            **kwargs,
        )


class PlanCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    template_name = "assessments/form.html"
    permission_required = svc.MANAGE
    form_class = forms.PlanForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("新建考核方案"), **kwargs)

    def perform(self, form):
        return svc.plan_create(township=self.request.user.township, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("已建立%(p)s。") % {"p": self.result})
        return self.result.get_absolute_url()


class PlanDetailView(RoleRequiredMixin, TemplateView):
    """The plan: types with indicators and their weight totals, subjects with each quarter's total
    and the year's, the confirmed quarters, pending corrections (a fixed number of queries)."""

    template_name = "assessments/plan_detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = get_plan(user, self.kwargs["pk"])
        types = list(plan.types.prefetch_related("indicators"))
        for t in types:
            t.total_weight = sum(i.weight for i in t.indicators.all())
        subjects = list(plan.subjects.select_related("assessment_type"))
        totals = svc.subject_totals(plan)
        for s in subjects:
            s.totals = totals[s.pk]
            s.quarter_list = [s.totals["quarters"][q] for q in QUARTERS]
            s.grade_label = GRADES[s.kind](s.grade).label if s.grade else ""
        locked = set(plan.locks.values_list("quarter", flat=True))
        township_member = user.township_id == plan.township_id
        aggregates = []
        if user.is_county_wide:  # the county reads aggregates, not individual cadres' results
            for kind in SubjectKind:
                of_kind = [s for s in subjects if s.kind == kind]
                aggregates.append((_("%(k)s（个）") % {"k": kind.label}, len(of_kind)))
                for value, label in GRADES[kind].choices:
                    aggregates.append((f"{kind.label} · {label}", sum(1 for s in of_kind if s.grade == value)))
            subjects = []
        return super().get_context_data(
            plan=plan,
            types=types,
            subjects=subjects,
            quarters=[{"n": q, "locked": q in locked} for q in QUARTERS],
            corrections=list(
                ScoreCorrection.objects.filter(
                    score__subject__plan=plan, state=CorrectionState.REQUESTED
                ).select_related("score__subject", "score__indicator", "requested_by")
            ),
            weight_problems=svc.weight_problems(plan),
            evaluations=list(plan.evaluations.all()),
            aggregate_only=user.is_county_wide,
            aggregates=aggregates,
            editable=not locked and township_member and user.has_perm(svc.MANAGE),
            can_score=township_member and user.has_perm(svc.SCORE),
            can_confirm=township_member and user.has_perm(svc.CONFIRM),
            all_locked=len(locked) == len(QUARTERS),
            **kwargs,
        )


class PlanObjectMixin:
    @cached_property
    def plan(self):
        return get_plan(self.request.user, self.kwargs["pk"])


class PlanFormView(PlanObjectMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    template_name = "assessments/form.html"
    permission_required = svc.MANAGE
    heading = ""
    success_message = gettext_lazy("已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan} if self.needs_plan else super().get_form_kwargs()

    needs_plan = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, heading=self.heading, **kwargs)

    def get_success_url(self):
        messages.success(self.request, self.success_message)
        return self.plan.get_absolute_url()


class TypeAddView(PlanFormView):
    form_class = forms.TypeForm
    needs_plan = False
    heading = gettext_lazy("添加考核类别")

    def perform(self, form):
        return svc.type_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


class IndicatorAddView(PlanFormView):
    form_class = forms.IndicatorForm
    heading = gettext_lazy("添加考核指标")

    def perform(self, form):
        return svc.indicator_add(by=self.request.user, **form.cleaned_data)


class SubjectAddView(PlanFormView):
    form_class = forms.SubjectForm
    heading = gettext_lazy("添加考核对象")

    def perform(self, form):
        return svc.subject_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


class ScoreSheetView(PlanObjectMixin, RoleRequiredMixin, TemplateView):
    """One quarter's sheet: a score and its evidence per subject and indicator. Saving keeps
    what was typed when a value is refused, with the reason beside it."""

    template_name = "assessments/score_sheet.html"
    permission_required = svc.SCORE

    @cached_property
    def quarter(self):
        quarter = self.kwargs["quarter"]
        if quarter not in QUARTERS:
            raise Http404
        return quarter

    def rows(self, data=None, errors=None):
        plan = self.plan
        existing = {
            (s.subject_id, s.indicator_id): s
            for s in Score.objects.filter(subject__plan=plan, quarter=self.quarter).annotate(file_count=Count("files"))
        }
        indicators = {}
        for indicator in Indicator.objects.filter(assessment_type__plan=plan).order_by("order", "pk"):
            indicators.setdefault(indicator.assessment_type_id, []).append(indicator)
        rows = []
        for subject in plan.subjects.select_related("assessment_type", "unit", "plan"):
            cells = []
            for indicator in indicators.get(subject.assessment_type_id, []):
                key = f"{subject.pk}-{indicator.pk}"
                score = existing.get((subject.pk, indicator.pk))
                value = data.get(f"v-{key}") if data is not None else (score.value if score else "")
                evidence = data.get(f"e-{key}") if data is not None else (score.evidence if score else "")
                links = data.get(f"l-{key}") if data is not None else (" ".join(score.links) if score else "")
                cells.append(
                    {
                        "key": key,
                        "indicator": indicator,
                        "value": value,
                        "evidence": evidence,
                        "links": links,
                        "score": score,
                        "error": (errors or {}).get(key),
                        "figure": svc.office_figure(indicator, subject, self.quarter),
                    }
                )
            rows.append({"subject": subject, "cells": cells})
        return rows

    def get_context_data(self, **kwargs):
        kwargs.pop("quarter", None)  # the URL's, as an int below
        kwargs.setdefault("rows", self.rows())
        locked = self.plan.locks.filter(quarter=self.quarter).exists()
        return super().get_context_data(plan=self.plan, quarter=self.quarter, locked=locked, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.plan.township_id != request.user.township_id:
            raise PermissionDenied
        errors, saved = {}, 0
        for row in self.rows():
            subject = row["subject"]
            for cell in row["cells"]:
                raw = (request.POST.get(f"v-{cell['key']}") or "").strip()
                evidence = request.POST.get(f"e-{cell['key']}") or ""
                links = (request.POST.get(f"l-{cell['key']}") or "").split()
                if raw == "":
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    errors[cell["key"]] = _("请填写数字。")
                    continue
                unchanged = cell["evidence"] == evidence and cell["links"].split() == links
                if cell["value"] != "" and Decimal(str(cell["value"])) == value and unchanged:
                    continue
                try:
                    svc.score_set(
                        subject=subject,
                        indicator=cell["indicator"],
                        quarter=self.quarter,
                        value=value,
                        evidence=evidence,
                        links=links,
                        by=request.user,
                    )
                    saved += 1
                except ValidationError as error:
                    errors[cell["key"]] = " ".join(error.messages)
        if errors:
            messages.error(request, _("有 %(n)s 项未保存，请按提示修改。") % {"n": len(errors)})
            return self.render_to_response(self.get_context_data(rows=self.rows(request.POST, errors)))
        messages.success(request, _("已保存 %(n)s 项评分。") % {"n": saved})
        return HttpResponseRedirect(reverse("assessments:score_sheet", args=[self.plan.pk, self.quarter]))


class QuarterConfirmView(PlanObjectMixin, RoleRequiredMixin, View):
    permission_required = svc.CONFIRM

    def post(self, request, *args, **kwargs):
        try:
            svc.quarter_confirm(plan=self.plan, quarter=self.kwargs["quarter"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("第 %(q)s 季度考核已确认。") % {"q": self.kwargs["quarter"]})
        return HttpResponseRedirect(self.plan.get_absolute_url())


class CorrectionRequestView(PlanObjectMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    template_name = "assessments/form.html"
    permission_required = svc.SCORE
    form_class = forms.CorrectionForm

    @cached_property
    def score(self):
        return get_object_or_404(
            Score.objects.select_related("subject", "indicator"), subject__plan=self.plan, pk=self.kwargs["score"]
        )

    def get_context_data(self, **kwargs):
        s = self.score
        return super().get_context_data(
            plan=self.plan,
            heading=_("更正得分：%(s)s · %(i)s · 第 %(q)s 季度（原得分 %(v)s）")
            % {"s": s.subject, "i": s.indicator, "q": s.quarter, "v": s.value},
            **kwargs,
        )

    def perform(self, form):
        return svc.correction_request(score=self.score, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("更正申请已提交，待主席团负责人批准。"))
        return self.plan.get_absolute_url()


class CorrectionDecideView(PlanObjectMixin, RoleRequiredMixin, View):
    permission_required = svc.CONFIRM

    def post(self, request, *args, **kwargs):
        correction = get_object_or_404(ScoreCorrection, score__subject__plan=self.plan, pk=self.kwargs["correction"])
        try:
            svc.correction_decide(correction=correction, by=request.user, approve=request.POST.get("approve") == "1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已处理更正申请。"))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class GradesView(PlanObjectMixin, RoleRequiredMixin, TemplateView):
    """年度等次: each subject's year total beside the grade chosen; the 优秀 count against the quota."""

    template_name = "assessments/grades.html"
    permission_required = svc.CONFIRM

    def get_context_data(self, **kwargs):
        plan = self.plan
        totals = svc.subject_totals(plan)
        chosen = kwargs.pop("chosen", None) or {s.pk: s.grade for s in plan.subjects.all()}
        groups = []
        for kind in SubjectKind:
            subjects = sorted((s for s in plan.subjects.all() if s.kind == kind), key=lambda s: -totals[s.pk]["year"])
            for s in subjects:
                s.year_total = totals[s.pk]["year"]
                s.chosen = chosen.get(s.pk, "")
            groups.append(
                {
                    "kind": kind,
                    "subjects": subjects,
                    "choices": GRADES[kind].choices,
                    "quota": svc.excellent_quota(len(subjects)),
                    "excellent": sum(1 for s in subjects if s.chosen == EXCELLENT),
                }
            )
        numerator, denominator = settings.ASSESSMENT_EXCELLENT_QUOTA
        return super().get_context_data(
            plan=plan, groups=groups, quota_percent=numerator * 100 // denominator, **kwargs
        )

    def post(self, request, *args, **kwargs):
        grades = {s.pk: request.POST.get(f"grade-{s.pk}", "") for s in self.plan.subjects.all()}
        try:
            svc.grades_confirm(plan=self.plan, by=request.user, grades=grades)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(chosen=grades))
        messages.success(request, _("年度等次已确认。"))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class PromotionView(PlanObjectMixin, RoleRequiredMixin, TemplateView):
    """The promotion score of each cadre, every number explained; the 考察 scores entered here."""

    template_name = "assessments/promotion.html"
    permission_required = VIEW

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_county_wide:
            raise PermissionDenied(_("县级账号只查看汇总情况。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from .promotion import reserve_list

        user = self.request.user
        return super().get_context_data(
            plan=self.plan,
            rows=reserve_list(self.plan),
            settings=settings,
            can_score=user.township_id == self.plan.township_id and user.has_perm(svc.SCORE),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not (request.user.township_id == self.plan.township_id and request.user.has_perm(svc.SCORE)):
            raise PermissionDenied
        errors = []
        for subject in self.plan.subjects.filter(kind=SubjectKind.CADRE):
            raw = (request.POST.get(f"inspection-{subject.pk}") or "").strip()
            if not raw:
                continue
            try:
                svc.inspection_set(subject=subject, by=request.user, score=raw)
            except ValidationError as error:
                errors.append(f"{subject.name}：{' '.join(error.messages)}")
        if errors:
            messages.error(request, "；".join(errors))
        else:
            messages.success(request, _("已保存考察得分。"))
        return HttpResponseRedirect(reverse("assessments:promotion", args=[self.plan.pk]))


# --- a cadre's 实绩档案 (三级建档) --------------------------------------------------------------------


def visible_subject(user, pk):
    """A subject of a plan the user's office sees (not county-wide: they read aggregates), or the
    cadre's own file; None otherwise."""
    from .models import Subject

    subject = Subject.objects.select_related("plan__township", "assessment_type", "user").filter(pk=pk).first()
    if subject is None or not user.is_authenticated:
        return None
    if subject.user_id == user.pk:
        return subject
    if user.is_county_wide or not user.has_perm(VIEW):
        return None
    if not AssessmentPlan.objects.visible_to(user).filter(pk=subject.plan_id).exists():
        return None
    return subject


class SubjectObjectMixin:
    @cached_property
    def subject(self):
        subject = visible_subject(self.request.user, self.kwargs["pk"])
        if subject is None:
            raise Http404
        return subject


class SubjectDetailView(LoginRequiredMixin, SubjectObjectMixin, TemplateView):
    template_name = "assessments/subject_detail.html"

    def get_context_data(self, **kwargs):
        from .targets import record_timeline

        user = self.request.user
        subject = self.subject
        office = user.township_id == subject.plan.township_id and user.has_perm(svc.MANAGE)
        return super().get_context_data(
            subject=subject,
            plan=subject.plan,
            targets=list(subject.targets.select_related("deadline").prefetch_related("reports", "checks__checked_by")),
            events=record_timeline(subject),
            office=office,
            can_check=user.township_id == subject.plan.township_id and user.has_perm(svc.SCORE),
            can_report=office or subject.user_id == user.pk,
            **kwargs,
        )


class SubjectFormView(LoginRequiredMixin, SubjectObjectMixin, ServiceFormMixin, FormView):
    template_name = "assessments/form.html"
    heading = ""
    success_message = gettext_lazy("已保存。")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.subject.plan, heading=f"{self.heading}：{self.subject.name}", **kwargs
        )

    def get_success_url(self):
        messages.success(self.request, self.success_message)
        return self.subject.get_absolute_url()


class TargetAddView(SubjectFormView):
    form_class = forms.TargetForm
    heading = gettext_lazy("添加目标任务")
    success_message = gettext_lazy("已添加目标任务，本月进展报送期限已开始计算。")

    def perform(self, form):
        from .targets import target_add

        return target_add(subject=self.subject, by=self.request.user, **form.cleaned_data)


class TargetReportView(SubjectFormView):
    form_class = forms.TargetReportForm
    heading = gettext_lazy("报送月度进展")
    success_message = gettext_lazy("已报送。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subject": self.subject}

    def perform(self, form):
        from .targets import target_report

        return target_report(by=self.request.user, **form.cleaned_data)


class TargetCheckView(SubjectFormView):
    form_class = forms.TargetCheckForm
    heading = gettext_lazy("随报随查")
    success_message = gettext_lazy("已记入实绩档案。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subject": self.subject}

    def perform(self, form):
        from .targets import target_check

        return target_check(by=self.request.user, **form.cleaned_data)


class EvidenceView(PlanObjectMixin, RoleRequiredMixin, TemplateView):
    """The files of evidence of one score: listed, added (multipart)."""

    template_name = "assessments/evidence.html"
    permission_required = svc.SCORE

    @cached_property
    def score(self):
        if self.plan.township_id != self.request.user.township_id:
            raise Http404
        return get_object_or_404(
            Score.objects.select_related("subject", "indicator"), subject__plan=self.plan, pk=self.kwargs["score"]
        )

    def get_context_data(self, **kwargs):
        # the URL's own "score" (its pk) comes in kwargs on a GET: the Score object replaces it
        kwargs.update(plan=self.plan, score=self.score, files=list(self.score.files.all()))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        try:
            svc.evidence_add(score=self.score, by=request.user, files=request.FILES.getlist("files"))
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, _("已上传。"))
        return HttpResponseRedirect(request.path)


class EvidenceFileView(PlanObjectMixin, RoleRequiredMixin, View):
    """A file of evidence, through the same access check as its plan."""

    permission_required = VIEW

    def get(self, request, *args, **kwargs):
        from django.http import FileResponse

        from .models import ScoreFile

        if request.user.is_county_wide:
            raise Http404
        item = get_object_or_404(ScoreFile, score__subject__plan=self.plan, pk=self.kwargs["file"])
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=item.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
