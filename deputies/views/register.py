"""The register's pages: deputies, terms, districts, groups, import / export, liaison plan.

Every read goes through `.visible_to(request.user)` (another township's record is 404); every
write is one service call whose ValidationError is shown on the form.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, RedirectView, TemplateView

from congress_office.access import (
    PerPersonExportMixin,
    RoleRequiredMixin,
    TownshipMemberMixin,
    VisibleObjectMixin,
    reads_aggregates_only,
)
from congress_office.models import Township
from congress_office.net import client_ip
from congress_office.pagination import BoundedPaginationMixin
from congress_office.registries import deputy_flags
from congress_office.selectors import history_of
from congress_office.views.mixins import ServiceFormMixin
from congress_office.xlsx import xlsx_export, xlsx_response

from .. import selectors
from ..choices import DeputyStatus
from ..filters import DeputyGroupFilterSet, DistrictFilterSet
from ..forms.register import (
    DeputyForm,
    DeputyGroupForm,
    DeputyImportForm,
    DeputyStatusForm,
    DistrictForm,
    LiaisonAssignmentForm,
    TermForm,
)
from ..models import Deputy, DeputyGroup, District, LiaisonAssignment, LiaisonPlan, Term
from ..services.contact import can_view_deputy_contact, deputy_contact_accesses, deputy_contact_reveal
from ..services.liaison import liaison_assign_for_year, liaison_review, liaison_term
from ..services.register import (
    deputy_change_status,
    deputy_count_warning,
    deputy_save,
    district_save,
    group_save,
    term_create,
    term_update,
)
from ..services.register_io import EXPORT_KEY, export_table, import_template_xlsx, register_import, register_preview

IMPORT_SESSION_KEY = "deputies.register_import"
# stable pages: names repeat, so the primary key ends the order
DEPUTY_ORDER = ("-term__number", "group__name", "name", "pk")
YEARS = range(2000, 2100)


def current_term(township_id, today=None):
    """The township's term in office today: the latest one already elected (or, before any
    election, the latest registered)."""
    today = today or timezone.localdate()
    terms = Term.objects.filter(township_id=township_id).order_by("-number")
    return terms.filter(start_date__lte=today).first() or terms.first()


# --- deputies ------------------------------------------------------------------------------------


def attach_flags(deputies):
    """Each deputy's `flags` from the later apps' providers (one round per provider)."""
    deputies = list(deputies)
    ids = [d.pk for d in deputies]
    found = {}
    for provider in deputy_flags.values():
        for deputy_id, flags in (provider(ids) or {}).items():
            found.setdefault(deputy_id, []).extend(flags)
    for deputy in deputies:
        deputy.flags = found.get(deputy.pk, [])
    return deputies


class DeputyListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_deputy"
    template_name = "deputies/register/deputy_list.html"
    context_object_name = "deputies"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = selectors.deputy_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs.order_by(*DEPUTY_ORDER)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filterset=self.filterset,
            export_query=query.urlencode(),
            count_warning=self.count_warning(),
            # the .xlsx is one row per person: not for county accounts (PerPersonExportMixin)
            can_export=not reads_aggregates_only(self.request.user),
            **kwargs,
        )
        attach_flags(context["deputies"])
        return context

    def count_warning(self):
        """The statutory-range warning for the township's current term (office roles only)."""
        user = self.request.user
        if user.township_id is None or not user.has_perm("deputies.view_term"):
            return None
        term = current_term(user.township_id)
        if term is None or not user.township.population:
            return None
        return deputy_count_warning(user.township, Deputy.objects.filter(term=term).serving().count())


class DeputyExportView(PerPersonExportMixin, RoleRequiredMixin, View):
    """Exactly the rows the list shows for the same query string (all pages), as .xlsx; a county
    account, which reads the list but not a per-person export, gets 403."""

    permission_required = "deputies.view_deputy"

    def get(self, request):
        return xlsx_export(request, EXPORT_KEY)  # the file, or a job above EXPORT_INLINE_MAX_ROWS


def deputies_export_table(user, query):
    """The register's export (registries.xlsx_exports): the list's rows for `query`, in its order;
    phones and ID numbers in full for the township's clerks and chairs (logged), else masked."""
    filterset = selectors.deputy_list(user=user, filters=query or None)
    filename = _("代表名册-%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")}
    return export_table(
        filterset.qs.order_by(*DEPUTY_ORDER),
        filename=filename,
        full_for=user,
        query=query.urlencode() if hasattr(query, "urlencode") else "",
    )


class DeputyObjectMixin(RoleRequiredMixin):
    """The deputy of the URL, within what the user may see (404 otherwise)."""

    @cached_property
    def deputy(self):
        return get_object_or_404(
            Deputy.objects.visible_to(self.request.user).select_related(
                "township", "term", "district", "group", "user"
            ),
            pk=self.kwargs["pk"],
        )


class DeputyDetailView(DeputyObjectMixin, DetailView):
    """The deputy's entry; phone and ID number masked unless revealed (POST, logged)."""

    permission_required = "deputies.view_deputy"
    template_name = "deputies/register/deputy_detail.html"
    context_object_name = "deputy"

    def get_object(self, queryset=None):
        return self.deputy

    def get_context_data(self, revealed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_flags([self.deputy])
        context["year"] = timezone.localdate().year
        can_reveal = can_view_deputy_contact(self.request.user, self.deputy) and bool(
            self.deputy.phone or self.deputy.id_number
        )
        context.update(revealed=revealed or {}, can_reveal=can_reveal)
        if can_reveal:
            context["contact_accesses"] = deputy_contact_accesses(self.deputy)
        context["liaised_by"] = (
            LiaisonAssignment.objects.filter(plan__year=context["year"], plan__township_id=self.deputy.township_id)
            .filter(Q(deputies=self.deputy) | Q(groups__members=self.deputy))
            .select_related("member")
            .distinct()
        )
        if self.request.user.has_perm("core.view_audit"):
            history = history_of(self.deputy)
            context["history"] = history
            status_fields = {
                str(Deputy._meta.get_field(f).verbose_name) for f in ("status", "status_reason", "status_date")
            }
            context["status_history"] = [
                e for e in history if any(str(c["field"]) in status_fields for c in e["changes"])
            ]
        return context


class DeputyRevealView(DeputyDetailView):
    """POST 查看完整号码: the detail page again, with phone and ID number in full; the view is
    logged (DeputyContactAccess). Nothing is kept: reloading the page shows them masked."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            revealed = deputy_contact_reveal(deputy=self.deputy, user=request.user, ip_address=client_ip(request))
        except ValidationError as error:  # (PermissionDenied: 403, as for petitions)
            messages.error(request, " ".join(error.messages))
            return redirect(self.deputy.get_absolute_url())
        self.object = self.deputy
        response = self.render_to_response(self.get_context_data(object=self.deputy, revealed=revealed))
        patch_cache_control(response, no_store=True, private=True)
        return response


class DeputyPhotoView(DeputyObjectMixin, View):
    """The photo through the same access check as the record (it is personal data)."""

    permission_required = "deputies.view_deputy"

    def get(self, request, pk):
        if not self.deputy.photo:
            raise Http404
        try:
            handle = self.deputy.photo.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class DeputyFormMixin(ServiceFormMixin):
    form_class = DeputyForm
    template_name = "deputies/register/deputy_form.html"
    instance = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.instance, **kwargs)

    def perform(self, form):
        return deputy_save(deputy=form.instance)

    def get_success_url(self):
        messages.success(self.request, _("代表“%(n)s”已保存。") % {"n": self.result.name})
        return self.result.get_absolute_url()


class DeputyCreateView(RoleRequiredMixin, TownshipMemberMixin, DeputyFormMixin, FormView):
    permission_required = "deputies.add_deputy"

    def get_initial(self):
        term = current_term(self.request.user.township_id)
        return {"term": term.pk if term else None, "ethnicity": "汉族"}


class DeputyUpdateView(DeputyObjectMixin, DeputyFormMixin, FormView):
    permission_required = "deputies.change_deputy"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.instance = self.deputy
        return super().dispatch(request, *args, **kwargs)


class DeputyStatusView(DeputyObjectMixin, ServiceFormMixin, FormView):
    """Suspend / terminate / reinstate: the form, then a confirmation of what will change."""

    permission_required = "deputies.change_deputy"
    form_class = DeputyStatusForm
    template_name = "deputies/register/deputy_status.html"

    def get(self, request, *args, **kwargs):
        if self.deputy.status == DeputyStatus.TERMINATED:
            messages.error(request, _("代表资格已终止，不能再变更状态。"))
            return redirect(self.deputy.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "deputy": self.deputy}

    def get_context_data(self, **kwargs):
        return super().get_context_data(deputy=self.deputy, **kwargs)

    def form_valid(self, form):
        if "edit" in self.request.POST or self.request.POST.get("confirmed") != "1":
            # first submission (or "返回修改"): show what will change before changing it
            confirming = "edit" not in self.request.POST
            return self.render_to_response(self.get_context_data(form=form, confirming=confirming))
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        return deputy_change_status(
            deputy=self.deputy, status=data["status"], reason=data["reason"], on=data["on"], by=self.request.user
        )

    def get_success_url(self):
        messages.success(
            self.request,
            _("%(n)s的状态已变更为“%(s)s”。") % {"n": self.result.name, "s": self.result.get_status_display()},
        )
        return self.result.get_absolute_url()


# --- terms ---------------------------------------------------------------------------------------


def _count_per_term(model, **filters):
    rows = model.objects.filter(term=OuterRef("pk"), **filters).order_by().values("term").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), Value(0))


class TermListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_term"
    template_name = "deputies/register/term_list.html"
    context_object_name = "terms"
    paginate_by = 50

    def get_queryset(self):
        return (
            Term.objects.visible_to(self.request.user)
            .select_related("township")
            .annotate(
                district_count=_count_per_term(District),
                group_count=_count_per_term(DeputyGroup),
                deputy_count=_count_per_term(Deputy, status__in=[DeputyStatus.ACTIVE, DeputyStatus.SUSPENDED]),
            )
            .order_by("township__code", "-number")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), term_years=settings.DEPUTY_TERM_YEARS, **kwargs)


class TermFormMixin(ServiceFormMixin):
    form_class = TermForm
    template_name = "deputies/register/term_form.html"
    success_url = None
    term = None

    def get_form_kwargs(self):
        township_id = self.term.township_id if self.term else self.request.user.township_id
        return {**super().get_form_kwargs(), "township_id": township_id, "term": self.term}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.term, **kwargs)

    def get_success_url(self):
        messages.success(
            self.request, _("%(t)s已保存，届满日期 %(d)s。") % {"t": self.result, "d": self.result.end_date.isoformat()}
        )
        return reverse("deputies:term_list")


class TermCreateView(RoleRequiredMixin, TownshipMemberMixin, TermFormMixin, FormView):
    permission_required = "deputies.add_term"

    def perform(self, form):
        return term_create(township=self.request.user.township, **form.cleaned_data)


class TermUpdateView(RoleRequiredMixin, TermFormMixin, FormView):
    permission_required = "deputies.change_term"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.term = get_object_or_404(Term.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"number": self.term.number, "start_date": self.term.start_date}

    def perform(self, form):
        return term_update(term=self.term, **form.cleaned_data)


# --- districts -----------------------------------------------------------------------------------

SERVING = ~Q(deputies__status=DeputyStatus.TERMINATED)


class DistrictListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_district"
    template_name = "deputies/register/district_list.html"
    context_object_name = "districts"
    paginate_by = 50

    def get_queryset(self):
        qs = (
            District.objects.visible_to(self.request.user)
            .select_related("township", "term")
            .annotate(serving=Count("deputies", filter=SERVING))
            .order_by("township__code", "-term__number", "name", "pk")
        )
        self.filterset = DistrictFilterSet(self.request.GET or None, queryset=qs, user=self.request.user)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class ModelServiceFormMixin(ServiceFormMixin):
    """A ModelForm saved through a service (`save_service(instance)`), for create and edit."""

    instance = None
    success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.instance, **kwargs)

    def perform(self, form):
        return self.save_service(form.instance)

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated and self.has_permission():
            self.instance = get_object_or_404(self.model.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        messages.success(self.request, self.success_message % {"n": self.result})
        return self.next_url()


class DistrictFormMixin(ModelServiceFormMixin):
    model = District
    form_class = DistrictForm
    template_name = "deputies/register/district_form.html"
    success_message = _("选区“%(n)s”已保存。")

    def save_service(self, district):
        return district_save(district=district)

    def next_url(self):
        return f"{reverse('deputies:district_list')}?term={self.result.term_id}"


class DistrictCreateView(RoleRequiredMixin, TownshipMemberMixin, DistrictFormMixin, FormView):
    permission_required = "deputies.add_district"

    def get_initial(self):
        term = current_term(self.request.user.township_id)
        return {"term": term.pk if term else None, "seats": 1}


class DistrictUpdateView(RoleRequiredMixin, DistrictFormMixin, FormView):
    permission_required = "deputies.change_district"


# --- groups --------------------------------------------------------------------------------------


class GroupListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_deputygroup"
    template_name = "deputies/register/group_list.html"
    context_object_name = "groups"
    paginate_by = 50

    def get_queryset(self):
        qs = (
            DeputyGroup.objects.visible_to(self.request.user)
            .select_related("township", "term", "leader")
            .annotate(member_count=Count("members", filter=~Q(members__status=DeputyStatus.TERMINATED)))
            .order_by("township__code", "-term__number", "name", "pk")
        )
        self.filterset = DeputyGroupFilterSet(self.request.GET or None, queryset=qs, user=self.request.user)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset, min_members=settings.DEPUTY_GROUP_MIN_MEMBERS, **kwargs
        )


class GroupDetailView(RoleRequiredMixin, VisibleObjectMixin, DetailView):
    permission_required = "deputies.view_deputygroup"
    model = DeputyGroup
    template_name = "deputies/register/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return super().get_queryset().select_related("township", "term", "leader")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = list(self.object.members.select_related("district").order_by("name", "pk"))
        serving = [m for m in members if m.status != DeputyStatus.TERMINATED]
        minimum = settings.DEPUTY_GROUP_MIN_MEMBERS
        warnings = []
        if len(serving) < minimum:
            warnings.append(
                _("本小组现有代表 %(n)s 名，代表小组至少应有 %(m)s 名代表。") % {"n": len(serving), "m": minimum}
            )
        if not self.object.leader_id:
            warnings.append(_("尚未指定组长。"))
        year = timezone.localdate().year
        context.update(
            members=serving,
            former_members=[m for m in members if m.status == DeputyStatus.TERMINATED],
            warnings=warnings,
            year=year,
            liaisons=LiaisonAssignment.objects.filter(plan__year=year, groups=self.object).select_related("member"),
        )
        if self.request.user.has_perm("core.view_audit"):
            context["history"] = history_of(self.object)
        return context


class GroupFormMixin(ModelServiceFormMixin):
    model = DeputyGroup
    form_class = DeputyGroupForm
    template_name = "deputies/register/group_form.html"
    success_message = _("代表小组“%(n)s”已保存。")

    def save_service(self, group):
        return group_save(group=group)

    def get_context_data(self, **kwargs):
        return super().get_context_data(min_members=settings.DEPUTY_GROUP_MIN_MEMBERS, **kwargs)

    def next_url(self):
        return self.result.get_absolute_url()


class GroupCreateView(RoleRequiredMixin, TownshipMemberMixin, GroupFormMixin, FormView):
    permission_required = "deputies.add_deputygroup"

    def get_initial(self):
        term = current_term(self.request.user.township_id)
        return {"term": term.pk if term else None}


class GroupUpdateView(RoleRequiredMixin, GroupFormMixin, FormView):
    permission_required = "deputies.change_deputygroup"


# --- import --------------------------------------------------------------------------------------


class ImportMixin(RoleRequiredMixin, TownshipMemberMixin):
    permission_required = "deputies.import_deputies"

    def pending(self):
        """The uploaded rows kept in the session between the preview and the confirmation."""
        data = self.request.session.get(IMPORT_SESSION_KEY)
        if not data:
            return None, None
        term = (
            Term.objects.visible_to(self.request.user)
            .filter(pk=data["term"], township_id=self.request.user.township_id)
            .first()
        )
        return (data, term) if term else (None, None)


class DeputyImportView(ImportMixin, FormView):
    form_class = DeputyImportForm
    template_name = "deputies/register/import_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        term = current_term(self.request.user.township_id)
        return {"term": term.pk if term else None}

    def form_valid(self, form):
        self.request.session[IMPORT_SESSION_KEY] = {
            "term": form.cleaned_data["term"].pk,
            "filename": form.cleaned_data["file"].name,
            "rows": form.rows,
        }
        return redirect("deputies:deputy_import_preview")


def _ticked(data):
    """The names the clerk ticked 新建 for at the last confirmation (none at first)."""
    return {"create_districts": data.get("create_districts", []), "create_groups": data.get("create_groups", [])}


class DeputyImportPreviewView(ImportMixin, TemplateView):
    template_name = "deputies/register/import_preview.html"

    def get(self, request, *args, **kwargs):
        data, term = self.pending()
        if data is None:
            messages.info(request, _("请先上传名册文件。"))
            return redirect("deputies:deputy_import")
        preview = register_preview(rows=data["rows"], township=request.user.township, term=term, **_ticked(data))
        return self.render_to_response(self.get_context_data(preview=preview, term=term, filename=data["filename"]))


class DeputyImportConfirmView(ImportMixin, View):
    """POST only, with a 新建 checkbox per district or group the term does not have: import
    everything or nothing (register_import validates again). The ticks are kept, so that a
    refused confirmation comes back to the preview as the clerk left it."""

    def post(self, request):
        data, term = self.pending()
        if data is None:
            messages.info(request, _("请先上传名册文件。"))
            return redirect("deputies:deputy_import")
        data["create_districts"] = request.POST.getlist("create_district")
        data["create_groups"] = request.POST.getlist("create_group")
        request.session[IMPORT_SESSION_KEY] = data
        try:
            count = register_import(
                rows=data["rows"], township=request.user.township, term=term, by=request.user, **_ticked(data)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("deputies:deputy_import_preview")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("已导入 %(n)s 名代表。") % {"n": count})
        return redirect(f"{reverse('deputies:deputy_list')}?term={term.pk}")


class DeputyImportCancelView(ImportMixin, View):
    def post(self, request):
        request.session.pop(IMPORT_SESSION_KEY, None)
        return redirect("deputies:deputy_import")


class DeputyImportTemplateView(ImportMixin, View):
    def get(self, request):
        return xlsx_response(import_template_xlsx(), _("代表名册导入模板.xlsx"))


# --- liaison plan --------------------------------------------------------------------------------


class LiaisonMixin(RoleRequiredMixin):
    permission_required = "deputies.view_liaisonplan"

    @cached_property
    def year(self):
        year = self.kwargs.get("year") or timezone.localdate().year
        if year not in YEARS:
            raise Http404
        return year

    @cached_property
    def township(self):
        """The user's township; a county-wide user picks one (?township=code)."""
        user = self.request.user
        if user.township_id:
            return user.township
        townships = Township.objects.visible_to(user).order_by("code")
        code = self.request.GET.get("township")
        township = townships.filter(code=code).first() if code else townships.first()
        if township is None:
            raise Http404
        return township


class LiaisonHomeView(LiaisonMixin, RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        url = reverse("deputies:liaison_plan", args=[self.year])
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url


class LiaisonPlanView(LiaisonMixin, TemplateView):
    template_name = "deputies/register/liaison_plan.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = LiaisonPlan.objects.visible_to(user).filter(
            township=self.township, year=self.year
        ).first() or LiaisonPlan(township=self.township, year=self.year)
        context = super().get_context_data(**kwargs)
        context.update(
            plan=plan,
            review=liaison_review(plan=plan),
            year=self.year,
            township=self.township,
            can_edit=user.has_perm("deputies.change_liaisonplan") and user.township_id == self.township.pk,
            townships=Township.objects.visible_to(user).order_by("code") if user.township_id is None else None,
            township_query=f"?township={self.township.code}" if user.township_id is None else "",
            bands={"groups": settings.LIAISON_GROUPS_RANGE, "deputies": settings.LIAISON_DEPUTIES_RANGE},
        )
        return context


class LiaisonMemberView(LiaisonMixin, TownshipMemberMixin, ServiceFormMixin, FormView):
    """One presidium member's groups and deputies for the year (the plan is made on first save)."""

    permission_required = "deputies.change_liaisonplan"
    form_class = LiaisonAssignmentForm
    template_name = "deputies/register/liaison_member_form.html"

    @cached_property
    def member(self):
        members = (
            Deputy.objects.visible_to(self.request.user)
            .filter(township_id=self.request.user.township_id, term=self.term, is_presidium=True)
            .serving()
        )
        return get_object_or_404(members, pk=self.kwargs["member"])

    @cached_property
    def term(self):
        return liaison_term(township_id=self.request.user.township_id, year=self.year)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and request.user.township_id and self.term is None:
            messages.error(request, _("%(y)s 年还没有在任的届次，请先登记届次和代表。") % {"y": self.year})
            return redirect("deputies:liaison_plan", self.year)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term, "member": self.member}

    def get_initial(self):
        assignment = (
            LiaisonAssignment.objects.filter(
                plan__township_id=self.request.user.township_id, plan__year=self.year, member=self.member
            )
            .prefetch_related("groups", "deputies")
            .first()
        )
        if assignment is None:
            return {}
        return {"groups": list(assignment.groups.all()), "deputies": list(assignment.deputies.all())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, year=self.year, term=self.term, **kwargs)

    def perform(self, form):
        return liaison_assign_for_year(
            township=self.request.user.township, year=self.year, member=self.member, **form.cleaned_data
        )

    def get_success_url(self):
        messages.success(self.request, _("%(n)s的联系安排已保存。") % {"n": self.member.name})
        return reverse("deputies:liaison_plan", args=[self.year])
