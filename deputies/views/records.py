"""The yearly performance records (履职档案), the group and township summaries, and the
deputy-group assessment (代表小组考评, 评先评优).

Access: a deputy opens only their own record (Deputy.objects.visible_to); clerks, chairs,
auditors and county users see the township's summaries; another township's records are 404.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.models import Township
from congress_office.roles import Role
from congress_office.views.mixins import ServiceFormMixin

from .. import selectors
from ..choices import ActivityType
from ..forms.records import AwardConfirmForm, GroupScoringForm, RecordScopeForm
from ..models import Award, Deputy, DeputyGroup, Term
from ..services.awards import award_confirm, group_scoring_save

# who sees the township's summaries (not a deputy, who sees only their own record)
SUMMARY_PERMISSION = "deputies.view_deputygroup"


def record_years(*, township_id, today, also=None):
    """The years offered by the year selector: from the first term's start to this year."""
    first = Term.objects.filter(township_id=township_id).order_by("start_date").values_list("start_date", flat=True)
    first_year = first[0].year if first else today.year
    years = {y for y in range(first_year, today.year + 1) if y in selectors.RECORD_YEARS}
    if also:
        years.add(also)
    return sorted(years, reverse=True) or [today.year]


def year_steps(year, term):
    """The previous and next year links of a record: within the term, and not past this year."""
    first, last = term.start_date.year, min(term.end_date.year, timezone.localdate().year)
    return {
        "previous_year": year - 1 if first <= year - 1 <= last else None,
        "next_year": year + 1 if first <= year + 1 <= last else None,
    }


def assessment_url(year, township=None):
    query = f"?year={year}"
    if township is not None:
        query += f"&township={township.code}"
    return reverse("deputies:assessment") + query


class YearFromUrlMixin:
    @cached_property
    def year(self):
        year = selectors.parse_record_year(self.kwargs["year"])
        if year is None:
            raise Http404
        return year


class RecordScopeMixin(RoleRequiredMixin):
    """The township (the user's own; a county-wide user picks one) and the year (?year=, this
    year by default) a summary page shows."""

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def township(self):
        user = self.request.user
        if not user.is_county_wide:
            if user.township is None:
                raise Http404
            return user.township
        townships = Township.objects.visible_to(user).filter(is_active=True)
        code = self.request.GET.get("township")
        township = (townships.filter(code=code).first() if code else None) or townships.first()
        if township is None:
            raise Http404
        return township

    @cached_property
    def year(self):
        return selectors.parse_record_year(self.request.GET.get("year")) or self.today.year

    def scope_form(self):
        years = record_years(township_id=self.township.pk, today=self.today, also=self.year)
        initial = {"year": self.year, "township": self.township.code}
        return RecordScopeForm(initial=initial, user=self.request.user, years=years)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            township=self.township,
            year=self.year,
            today=self.today,
            scope_form=self.scope_form(),
            township_query=f"&township={self.township.code}" if self.request.user.is_county_wide else "",
            **kwargs,
        )


class RecordHomeView(RecordScopeMixin, TemplateView):
    """The office's township summary of a year; a deputy is sent to their own record."""

    permission_required = "deputies.view_record"
    template_name = "deputies/records/home.html"

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm(SUMMARY_PERMISSION):
            deputy = Deputy.objects.visible_to(request.user).order_by("-term__start_date", "-pk").first()
            if deputy is None:
                return self.render_to_response({"no_deputy": True})
            return redirect("deputies:record_detail", deputy.pk, self.year)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        township_id, year = self.township.pk, self.year
        return super().get_context_data(
            summary=selectors.township_year_summary(township_id=township_id, year=year),
            type_counts=selectors.activity_type_counts(township_id=township_id, year=year),
            inactive=selectors.inactive_deputies(township_id=township_id, today=self.today),
            inactive_days=settings.DEPUTY_INACTIVE_DAYS,
            without_training=selectors.deputies_without_training(township_id=township_id, year=year),
            groups=selectors.group_year_summary(township_id=township_id, year=year),
            **kwargs,
        )


class RecordDetailView(YearFromUrlMixin, RoleRequiredMixin, TemplateView):
    """One deputy's 履职档案 of one year, with the PDF export."""

    permission_required = "deputies.view_record"
    template_name = "deputies/records/detail.html"

    @cached_property
    def deputy(self):
        deputies = Deputy.objects.visible_to(self.request.user).select_related("township", "term", "district", "group")
        return get_object_or_404(deputies, pk=self.kwargs["deputy_pk"])

    def get_context_data(self, **kwargs):
        deputy, year = self.deputy, self.year
        context = super().get_context_data(**kwargs)  # the URL's year is a string: replaced below
        context.update(
            deputy=deputy,
            year=year,
            record=selectors.deputy_year_record(deputy=deputy, year=year),
            show_summary_link=self.request.user.has_perm(SUMMARY_PERMISSION),
            **year_steps(year, deputy.term),
        )
        return context


class GroupRecordView(YearFromUrlMixin, RoleRequiredMixin, TemplateView):
    """One deputy group's year: its members' records side by side, its own activities."""

    permission_required = ("deputies.view_record", SUMMARY_PERMISSION)
    template_name = "deputies/records/group.html"

    def get_context_data(self, **kwargs):
        groups = DeputyGroup.objects.visible_to(self.request.user).select_related("leader", "term", "township")
        group = get_object_or_404(groups, pk=self.kwargs["pk"])
        context = super().get_context_data(**kwargs)
        context.update(
            group=group,
            year=self.year,
            detail=selectors.group_year_detail(group=group, year=self.year),
            **year_steps(self.year, group.term),
        )
        return context


class AssessmentView(RecordScopeMixin, TemplateView):
    """The group assessment of a year: the scoring table, the ranking with the proposed
    先进代表小组 and 优秀代表, and the presidium's confirmations."""

    permission_required = "deputies.view_groupscoring"
    template_name = "deputies/records/assessment.html"

    def get_context_data(self, **kwargs):
        user, township, year = self.request.user, self.township, self.year
        ranking = selectors.group_ranking(township=township, year=year)
        _scoring, points = selectors.scoring_for(township=township, year=year)
        rules = selectors.effective_scoring(ranking["scoring"], township=township, year=year)
        awards = list(
            Award.objects.visible_to(user)
            .filter(township=township, year=year)
            .select_related("group", "deputy", "confirmed_by")
            .order_by("kind", "pk")
        )
        own = user.township_id == township.pk
        return super().get_context_data(
            ranking=ranking,
            rules=rules,
            scoring_saved=ranking["scoring"] is not None,
            point_rows=[(label, points.get(value)) for value, label in ActivityType.choices],
            awards=awards,
            awarded_group_ids={a.group_id for a in awards if a.group_id},
            awarded_deputy_ids={a.deputy_id for a in awards if a.deputy_id},
            can_edit_scoring=own and user.has_perm("deputies.change_groupscoring") and not awards,
            can_award=own and user.has_perm("deputies.add_award") and user.has_role(Role.CHAIR),
            award_kinds=Award.Kind,
            **kwargs,
        )


class GroupScoringUpdateView(TownshipMemberMixin, YearFromUrlMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "deputies.change_groupscoring"
    template_name = "deputies/records/scoring_form.html"
    form_class = GroupScoringForm

    def get_initial(self):
        township, year = self.request.user.township_id, self.year
        scoring, points = selectors.scoring_for(township=township, year=year)
        rules = selectors.effective_scoring(scoring, township=township, year=year)
        initial = {GroupScoringForm.points_field(v): points.get(v) for v in ActivityType.values}
        initial.update(
            training_points=rules.training_points,
            reception_points=rules.reception_points,
            excellent_groups=rules.excellent_groups,
            excellent_deputies=rules.excellent_deputies,
        )
        return initial

    def get_context_data(self, **kwargs):
        locked = Award.objects.filter(township_id=self.request.user.township_id, year=self.year).exists()
        return super().get_context_data(year=self.year, locked=locked, **kwargs)

    def perform(self, form):
        return group_scoring_save(
            township=self.request.user.township, year=self.year, by=self.request.user, **form.service_kwargs()
        )

    def get_success_url(self):
        messages.success(self.request, _("%(year)s年度计分办法已保存。") % {"year": self.year})
        return assessment_url(self.year)


class AwardConfirmView(TownshipMemberMixin, YearFromUrlMixin, RoleRequiredMixin, View):
    """POST only: the presidium confirms one proposed (or another) group or deputy."""

    permission_required = "deputies.add_award"

    def post(self, request, year):
        form = AwardConfirmForm(request.POST, township=request.user.township)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(assessment_url(self.year))
        data = form.cleaned_data
        try:
            award = award_confirm(
                township=request.user.township,
                year=self.year,
                kind=data["kind"],
                target=data["target"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("已确认“%(target)s”为%(year)s年度%(kind)s。")
                % {
                    "target": data["target"],
                    "year": self.year,
                    "kind": award.get_kind_display(),
                },
            )
        return redirect(assessment_url(self.year))
