"""Disposal pages: the items due for appraisal with the 鉴定 form (reviewed before it is saved),
the appraisal record with the chair's approval, and the printable 销毁清册 with the carrying out.

Who: the archivists (``core.add_archiveitem``: clerks, auditors) appraise and carry out; the chairs
of the township approve and may read the due list, the appraisals and the lists. Everyone else
gets 403; a record of another township is 404. The records are looked up by township
(`in_townships_of`), not `visible_to`, which is for the archive's readers only: the chairs, who
approve, read the appraisals and lists too (the mixin below decides who may).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from ..access import RoleRequiredMixin, TownshipMemberMixin
from ..forms import ConfirmForm, DateInput
from ..models.archive import Appraisal, AppraisalDecision, DestructionList
from ..registries import Card
from ..roles import Role
from ..services.archive_disposal import (
    ARCHIVE,
    MAX_KEEP_YEARS,
    appraisal_create,
    destruction_approve,
    destruction_carry_out,
    items_due,
    to_destroy,
)
from .mixins import apply_validation_error

URL_DUE = "core:archive_due"


def is_chair_of(user, township_id):
    return user.has_role(Role.CHAIR) and user.township_id == township_id


class DisposalReaderMixin(RoleRequiredMixin):
    """The archivists and the chairs; 403 for everyone else."""

    def has_permission(self):
        user = self.request.user
        return user.has_perm("core.view_archiveitem") or user.has_perm(ARCHIVE) or user.has_role(Role.CHAIR)


class AppraisalForm(forms.Form):
    """The panel, date and opinion, and per due item: chosen or not, 销毁 or 延长保管 N years. The
    first submit (step "review") shows what will be recorded; the second (step "confirm", with the
    confirmation ticked) records it; step "edit" goes back to the form with what was typed."""

    REVIEW, CONFIRM, EDIT = "review", "confirm", "edit"

    held_on = forms.DateField(label=_("鉴定日期"), widget=DateInput())
    panel = forms.CharField(
        label=_("鉴定小组成员"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("姓名和职务，用顿号分隔。"),
    )
    opinion = forms.CharField(label=_("鉴定意见"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=ConfirmForm.confirm_label, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"pick_{item.pk}"] = forms.BooleanField(
                label=item.code,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-pick": ""}),
            )
            self.fields[f"decision_{item.pk}"] = forms.ChoiceField(
                label=_("鉴定结论"),
                choices=AppraisalDecision.choices,
                initial=AppraisalDecision.DESTROY,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"keep_years_{item.pk}"] = forms.IntegerField(
                label=_("延长年限"),
                min_value=1,
                max_value=MAX_KEEP_YEARS,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "placeholder": _("年")}),
            )

    def rows(self):
        """(item, pick, decision, keep_years) bound fields, one per due item."""
        return [
            (item, self[f"pick_{item.pk}"], self[f"decision_{item.pk}"], self[f"keep_years_{item.pk}"])
            for item in self.items
        ]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("鉴定日期不能晚于今天。"))
        return held_on

    def clean(self):
        cleaned = super().clean()
        picked = [item for item in self.items if cleaned.get(f"pick_{item.pk}")]
        if not picked:
            raise forms.ValidationError(_("请至少选择一件到期的档案。"))
        for item in picked:
            decision = cleaned.get(f"decision_{item.pk}") or AppraisalDecision.DESTROY
            cleaned[f"decision_{item.pk}"] = decision
            if decision == AppraisalDecision.KEEP and not cleaned.get(f"keep_years_{item.pk}"):
                self.add_error(f"keep_years_{item.pk}", _("请填写%(code)s延长保管的年限。") % {"code": item.code})
        if self.wants_confirm and not cleaned.get("confirm"):
            self.add_error("confirm", _("请勾选确认后再提交。"))
        return cleaned

    @property
    def wants_confirm(self):
        return self.data.get("step") == self.CONFIRM

    def decisions(self):
        """{item_id: (decision, keep_years)} of the chosen items."""
        result = {}
        for item in self.items:
            if self.cleaned_data.get(f"pick_{item.pk}"):
                decision = self.cleaned_data[f"decision_{item.pk}"]
                keep = self.cleaned_data.get(f"keep_years_{item.pk}") if decision == AppraisalDecision.KEEP else None
                result[item.pk] = (decision, keep)
        return result

    def summary(self):
        """The chosen items with their decision and, for kept ones, the new last year."""
        held_on = self.cleaned_data["held_on"]
        by_pk = {item.pk: item for item in self.items}
        rows = []
        for pk, (decision, keep) in self.decisions().items():
            rows.append(
                {
                    "item": by_pk[pk],
                    "destroy": decision == AppraisalDecision.DESTROY,
                    "label": AppraisalDecision(decision).label,
                    "keep_years": keep,
                    "extended_to": held_on.year + keep if keep else None,
                }
            )
        return rows


def appraisals_of(user):
    """The township's appraisals, newest first, with what they decided (one query)."""
    return (
        Appraisal.objects.in_townships_of(user)
        .select_related("destruction")
        .annotate(
            n_destroy=Count("entries", filter=Q(entries__decision=AppraisalDecision.DESTROY)),
            n_keep=Count("entries", filter=Q(entries__decision=AppraisalDecision.KEEP)),
        )
    )


class DueView(TownshipMemberMixin, DisposalReaderMixin, TemplateView):
    """到期档案鉴定: the items past their period and the 鉴定 form (archivists), the township's
    appraisals and their state (archivists and chairs)."""

    template_name = "archive/disposal_due.html"

    @cached_property
    def items(self):
        return list(items_due(self.request.user.township))

    @cached_property
    def may_appraise(self):
        return self.request.user.has_perm(ARCHIVE)

    def get_form(self, data=None):
        return AppraisalForm(data, items=self.items, initial={"held_on": timezone.localdate()})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form() if self.may_appraise else None)
        return super().get_context_data(
            items=self.items,
            may_appraise=self.may_appraise,
            appraisals=appraisals_of(self.request.user)[:20],
            year=timezone.localdate().year,
            **kwargs,
        )


class AppraisalCreateView(DueView):
    """POST only (GET shows the due page): review first, then record."""

    permission_required = ARCHIVE

    def has_permission(self):
        return self.request.user.has_perm(ARCHIVE)

    def get(self, request, *args, **kwargs):
        return redirect(URL_DUE)

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if request.POST.get("step") == AppraisalForm.EDIT:
            return self.render_to_response(self.get_context_data(form=form))
        if form.is_valid() and form.wants_confirm:
            try:
                appraisal = appraisal_create(
                    township=request.user.township,
                    by=request.user,
                    held_on=form.cleaned_data["held_on"],
                    panel=form.cleaned_data["panel"],
                    opinion=form.cleaned_data["opinion"],
                    decisions=form.decisions(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
                return self.render_to_response(self.get_context_data(form=form))
            messages.success(request, _("鉴定记录已保存。需要销毁的档案须经主席团负责人批准后方可销毁。"))
            return redirect("core:archive_appraisal_detail", pk=appraisal.pk)
        if form.is_valid() or (form.wants_confirm and set(form.errors) == {"confirm"}):
            # what will be recorded, to confirm (again, when the confirmation was not ticked)
            return self.render_to_response(self.get_context_data(form=form, review=True, summary=form.summary()))
        return self.render_to_response(self.get_context_data(form=form))


class AppraisalObjectMixin(DisposalReaderMixin):
    @cached_property
    def appraisal(self):
        return get_object_or_404(
            Appraisal.objects.in_townships_of(self.request.user).select_related("township", "created_by"),
            pk=self.kwargs["pk"],
        )


class AppraisalDetailView(AppraisalObjectMixin, TemplateView):
    template_name = "archive/appraisal_detail.html"

    def get_context_data(self, **kwargs):
        appraisal = self.appraisal
        destruction = DestructionList.objects.filter(appraisal=appraisal).first()
        entries = list(
            appraisal.entries.select_related("item", "item__destruction").order_by(
                "item__year", "item__retention", "item__org_code", "item__sequence"
            )
        )
        n_destroy = sum(e.decision == AppraisalDecision.DESTROY for e in entries)
        may_approve = destruction is None and n_destroy and is_chair_of(self.request.user, appraisal.township_id)
        return super().get_context_data(
            appraisal=appraisal,
            entries=entries,
            destruction=destruction,
            n_destroy=n_destroy,
            may_approve=may_approve,
            confirm_form=kwargs.pop("confirm_form", None) or ConfirmForm(),
            **kwargs,
        )


class AppraisalApproveView(AppraisalObjectMixin, View):
    """POST only: the chair's approval, confirmed on the appraisal page."""

    def has_permission(self):
        return self.request.user.has_role(Role.CHAIR)

    def post(self, request, pk):
        appraisal = self.appraisal
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["confirm"]))
            return redirect("core:archive_appraisal_detail", pk=appraisal.pk)
        try:
            destruction = destruction_approve(appraisal=appraisal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("core:archive_appraisal_detail", pk=appraisal.pk)
        messages.success(request, _("已批准销毁，清册编号 %(n)s。") % {"n": destruction.number})
        return redirect("core:archive_destruction_detail", pk=destruction.pk)


class DestructionObjectMixin(DisposalReaderMixin):
    @cached_property
    def destruction(self):
        return get_object_or_404(
            DestructionList.objects.in_townships_of(self.request.user).select_related(
                "township", "appraisal", "approved_by", "destroyed_by"
            ),
            pk=self.kwargs["pk"],
        )


class DestructionDetailView(DestructionObjectMixin, TemplateView):
    """The 销毁清册, printable."""

    template_name = "archive/destruction_detail.html"

    def get_context_data(self, **kwargs):
        destruction = self.destruction
        user = self.request.user
        may_carry_out = (
            destruction.destroyed_at is None and user.has_perm(ARCHIVE) and user.township_id == destruction.township_id
        )
        return super().get_context_data(
            destruction=destruction,
            appraisal=destruction.appraisal,
            entries=list(to_destroy(destruction.appraisal)),
            fonds=getattr(destruction.township, "fonds", None),
            may_carry_out=may_carry_out,
            confirm_form=ConfirmForm(),
            **kwargs,
        )


class DestructionCarryOutView(DestructionObjectMixin, View):
    """POST only: the destruction was carried out (监销), confirmed on the list's page."""

    def has_permission(self):
        return self.request.user.has_perm(ARCHIVE)

    def post(self, request, pk):
        destruction = self.destruction
        url = reverse("core:archive_destruction_detail", kwargs={"pk": destruction.pk})
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["confirm"]))
            return redirect(url)
        try:
            destruction_carry_out(destruction=destruction, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已登记销毁。档案目录中保留这些档案的条目，标注为已销毁。"))
        return redirect(url)


def destruction_card(user):
    """For a township's chairs: appraisals that send items for destruction and wait for approval
    (one query); the link opens the disposal page that lists them."""
    if not user.is_authenticated or user.township_id is None or not user.has_role(Role.CHAIR):
        return None
    waiting = appraisals_of(user).filter(destruction__isnull=True, n_destroy__gt=0).count()
    if not waiting:
        return None
    return Card(
        title=_("档案销毁待批准"),
        value=waiting,
        url=reverse(URL_DUE),
        tone="warning",
        icon="bi-archive",
    )
