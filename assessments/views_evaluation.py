"""The democratic evaluation's pages. The ballot page needs no account (party delegates and CPPCC
members vote with their slip); the code is typed in, never put in a URL, a hidden field, a
message or a notification, and error reports leave it out (sensitive_post_parameters)."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from congress_office.access import RoleRequiredMixin
from congress_office.message_keys import Message
from congress_office.pdf import render_pdf
from congress_office.services.notifications import notify

from . import evaluation as ev
from . import services as svc
from .choices import EvaluationState, PersonKind, Rating
from .models import Evaluation, EvaluationPerson
from .views import VIEW, get_plan


def get_evaluation(user, pk):
    evaluation = get_object_or_404(Evaluation.objects.select_related("plan__township"), pk=pk)
    get_plan(user, evaluation.plan_id)  # 404 unless the plan is visible
    return evaluation


class EvaluationCreateView(RoleRequiredMixin, View):
    permission_required = svc.MANAGE

    def post(self, request, pk):
        plan = get_plan(request.user, pk)
        try:
            evaluation = ev.evaluation_create(plan=plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(plan.get_absolute_url())
        messages.success(request, _("已建立民主测评，测评对象名单已载入本届在任代表。"))
        return HttpResponseRedirect(evaluation.get_absolute_url())


class EvaluationDetailView(RoleRequiredMixin, TemplateView):
    template_name = "assessments/evaluation_detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        evaluation = get_evaluation(user, self.kwargs["pk"])
        people = list(evaluation.people.all())
        groups = []
        for kind in PersonKind:
            of_kind = [p for p in people if p.kind == kind]
            if of_kind:
                groups.append(
                    {
                        "kind": kind,
                        "total": len(of_kind),
                        "sampled": [p for p in of_kind if p.sampled],
                    }
                )
        result = ev.results(evaluation, user)
        subjects = list(evaluation.plan.subjects.select_related("assessment_type"))
        questions = list(evaluation.questions.all())
        table = []
        if result:
            for s in subjects:
                rows = []
                for q in (q for q in questions if q.assessment_type_id == s.assessment_type_id):
                    cell = result["table"].get(s.pk, {}).get(q.pk, {})
                    rows.append({"question": q, "counts": [cell.get(r, 0) for r in Rating.values]})
                table.append({"subject": s, "rows": rows})
        voted, issued = ev.turnout(evaluation)
        return super().get_context_data(
            evaluation=evaluation,
            plan=evaluation.plan,
            groups=groups,
            voted=voted,
            issued=issued,
            result=result,
            table=table,
            ratings=Rating.choices,
            office=user.has_perm(svc.MANAGE) and user.township_id == evaluation.plan.township_id,
            ballot_url=self.request.build_absolute_uri(reverse("assessments:ballot", args=[evaluation.pk])),
            settings_range=(settings.EVALUATION_SAMPLE_MIN_PERCENT, settings.EVALUATION_SAMPLE_MAX_PERCENT),
            **kwargs,
        )


class EvaluationActionView(RoleRequiredMixin, View):
    permission_required = svc.MANAGE
    success_message = ""

    @cached_property
    def evaluation(self):
        evaluation = get_evaluation(self.request.user, self.kwargs["pk"])
        if evaluation.plan.township_id != self.request.user.township_id:
            raise PermissionDenied
        return evaluation

    def post(self, request, pk):
        try:
            result = self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.evaluation.get_absolute_url())
        return self.done(result)

    def done(self, result):
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.evaluation.get_absolute_url())


class PeopleAddView(EvaluationActionView):
    success_message = _("已添加名单。")

    def perform(self):
        return ev.people_add(
            evaluation=self.evaluation,
            by=self.request.user,
            kind=self.request.POST.get("kind", ""),
            names=self.request.POST.get("names", ""),
        )


class DrawView(EvaluationActionView):
    success_message = _("已抽样，种子和监督人已记录。")

    def perform(self):
        raw = (self.request.POST.get("percent") or "").strip()
        return ev.sample_draw(
            evaluation=self.evaluation,
            by=self.request.user,
            percent=int(raw) if raw.isdigit() else None,
            witness=self.request.POST.get("witness", ""),
            seed=self.request.POST.get("seed", ""),
        )


def qr_svg(text):
    return segno.make(text, error="m").svg_inline(scale=3)


@method_decorator(never_cache, name="dispatch")
class IssueView(EvaluationActionView):
    """Issue the codes and hand the printable slips back as a PDF, once: they are not stored."""

    def perform(self):
        slips = ev.codes_issue(evaluation=self.evaluation, by=self.request.user)
        phones = EvaluationPerson.objects.filter(
            evaluation=self.evaluation, sampled=True, deputy__user__isnull=False
        ).select_related("deputy__user")
        notify(
            recipients=[p.deputy.user for p in phones],
            title=Message(gettext_noop("民主测评：%(t)s"), t=self.evaluation),
            body=Message(gettext_noop("您被抽中参加民主测评。请在手机上打开测评页面，领取本人的一次性测评码后作答。")),
            url=reverse("assessments:ballot", args=[self.evaluation.pk]),
            township=self.evaluation.plan.township,
        )
        return slips

    def done(self, slips):
        url = self.request.build_absolute_uri(reverse("assessments:ballot", args=[self.evaluation.pk]))
        data = render_pdf(
            "assessments/pdf_slips.html",
            {
                "title": _("民主测评票（测评码）"),
                "evaluation": self.evaluation,
                "slips": slips,
                "ballot_url": url,
                "qr": qr_svg(url),
                "today": timezone.localdate(),
            },
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="evaluation-slips.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class CloseView(EvaluationActionView):
    success_message = _("民主测评已结束。")

    def perform(self):
        return ev.evaluation_close(evaluation=self.evaluation, by=self.request.user)


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class BallotView(TemplateView):
    """The ballot: the questionnaire of each subject and the code; one ballot per code. A sampled
    deputy with an account first opens their code here (once)."""

    template_name = "assessments/ballot.html"

    @cached_property
    def evaluation(self):
        return get_object_or_404(Evaluation.objects.select_related("plan__township"), pk=self.kwargs["pk"])

    def questionnaire(self, answers=None):
        questions = {}
        for q in self.evaluation.questions.all():
            questions.setdefault(q.assessment_type_id, []).append(q)
        blocks = []
        for s in self.evaluation.plan.subjects.select_related("assessment_type"):
            rows = []
            for q in questions.get(s.assessment_type_id, []):
                key = f"a-{s.pk}-{q.pk}"
                rows.append({"key": key, "question": q, "value": (answers or {}).get(key, "")})
            blocks.append({"subject": s, "rows": rows})
        return blocks

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("blocks", self.questionnaire())
        return super().get_context_data(
            evaluation=self.evaluation,
            ratings=Rating.choices,
            open=self.evaluation.state == EvaluationState.OPEN,
            can_open_envelope=self.evaluation.state == EvaluationState.OPEN and ev.has_envelope(self.evaluation, user),
            **kwargs,
        )

    def post(self, request, pk):
        if request.POST.get("envelope") == "1":
            try:
                code = (
                    ev.envelope_open(evaluation=self.evaluation, by=request.user)
                    if request.user.is_authenticated
                    else None
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(request.path)
            if code is None:
                return HttpResponseRedirect(request.path)
            return self.render_to_response(self.get_context_data(code=code, code_qr=qr_svg(code), opened=True))
        answers = {}
        posted = {}
        for block in self.questionnaire():
            for row in block["rows"]:
                value = request.POST.get(row["key"], "")
                posted[row["key"]] = value
                answers[(block["subject"].pk, row["question"].pk)] = value
        code = request.POST.get("code", "")
        try:
            ev.ballot_cast(
                evaluation=self.evaluation, code=code, answers=answers, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(
                    blocks=self.questionnaire(posted),
                    errors=error.messages,
                    code=code,
                    comment=request.POST.get("comment", ""),
                ),
                status=200,
            )
        return HttpResponseRedirect(reverse("assessments:ballot_done", args=[self.evaluation.pk]))


class BallotDoneView(TemplateView):
    template_name = "assessments/ballot_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(evaluation=get_object_or_404(Evaluation, pk=self.kwargs["pk"]), **kwargs)
