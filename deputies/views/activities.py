"""Duty activities (履职活动), reception days (代表接待日) and trainings (培训).

Every read goes through `.visible_to(user)` (another township's or another deputy's record is
404), every write through one service of deputies.services.activities; the views only map
the service's ValidationError onto the form.
"""

import io
import mimetypes

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin, get_visible_or_404, reads_aggregates_only
from congress_office.pagination import BoundedPaginationMixin
from congress_office.registries import reception_visit_actions
from congress_office.roles import Role
from congress_office.selectors import history_of
from congress_office.views.mixins import ServiceFormMixin, apply_validation_error

from .. import selectors
from ..choices import ActivityStatus
from ..forms.activities import (
    ActivityForm,
    ActivityReturnForm,
    ReceptionDayForm,
    ReceptionVisitForm,
    TrainingAttendanceForm,
    TrainingForm,
    attendance_candidates,
)
from ..models import Activity, ActivityAttachment, Deputy, ReceptionDay, Training
from ..services.activities import (
    activity_confirm,
    activity_log,
    activity_resubmit,
    activity_return,
    reception_day_schedule,
    reception_visit_record,
    training_create,
    training_set_attendance,
)

THUMBNAIL_SIZE = 480  # px, the longer side
THUMBNAIL_CACHE_SECONDS = 7 * 24 * 3600
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="160" height="160">'
    '<rect width="16" height="16" fill="#e9ecef"/><path d="M4 11l2.5-3 2 2.2L10 8.5 12 11z" fill="#adb5bd"/>'
    '<circle cx="6" cy="6" r="1.2" fill="#adb5bd"/></svg>'
)


def _service_error(error):
    """A service's PermissionDenied with a message becomes a form error, not a bare 403 page."""
    return ValidationError(str(error) or _("您无权进行此操作。"))


# --- activities ---------------------------------------------------------------------------------


class ActivityListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_activity"
    template_name = "deputies/activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = selectors.activity_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def decorate_page(self, rows):
        selectors.attach_attachment_counts(rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filterset=self.filterset, **kwargs)
        user = self.request.user
        if user.has_perm("deputies.review_activity"):
            context["pending_count"] = Activity.objects.visible_to(user).filter(status=ActivityStatus.SUBMITTED).count()
        context["status_filter"] = self.request.GET.get("status", "")
        # 批量确认 / 批量退回 (deputies.views.activity_batch): a reviewer of a township ticks rows
        context["can_batch"] = user.has_perm("deputies.review_activity") and user.township_id is not None
        context["mine_filter"] = self.request.GET.get("mine", "") if "mine" in self.filterset.filters else None
        return context


class ActivityObjectMixin(RoleRequiredMixin):
    @cached_property
    def activity(self):
        queryset = Activity.objects.select_related("township", "group", "submitted_by", "reviewed_by")
        return get_visible_or_404(queryset, self.request.user, pk=self.kwargs["pk"])


def can_review(user, activity):
    return (
        user.has_perm("deputies.review_activity")
        and activity.status == ActivityStatus.SUBMITTED
        and user.township_id == activity.township_id
    )


def can_resubmit(user, activity):
    return (
        user.has_perm("deputies.add_activity")
        and activity.submitted_by_id == user.pk
        and activity.status != ActivityStatus.CONFIRMED
    )


class ActivityDetailView(ActivityObjectMixin, DetailView):
    permission_required = "deputies.view_activity"
    template_name = "deputies/activities/activity_detail.html"
    context_object_name = "activity"

    def get_object(self, queryset=None):
        return self.activity

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, activity = self.request.user, self.activity
        attachments = list(activity.attachments.all())
        context.update(
            participants=list(activity.participants.select_related("group").order_by("name")),
            images=[a for a in attachments if a.is_image],
            files=[a for a in attachments if not a.is_image],
            can_review=can_review(user, activity),
            can_resubmit=can_resubmit(user, activity),
        )
        if user.has_perm("core.view_audit"):
            context["history"] = history_of(activity)
        return context


class ActivityFormViewMixin(ServiceFormMixin):
    form_class = ActivityForm
    template_name = "deputies/activities/activity_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as error:
            apply_validation_error(form, _service_error(error))
            return self.form_invalid(form)

    def get_success_url(self):
        return self.result.get_absolute_url()


class ActivityCreateView(RoleRequiredMixin, TownshipMemberMixin, ActivityFormViewMixin, FormView):
    """记录履职活动: a deputy's own entry (waits for confirmation), or the office's entry for
    chosen deputies or a whole group (confirmed at once)."""

    permission_required = "deputies.add_activity"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["is_office"] = user.has_role(Role.CLERK)
        # a deputy's account must be linked to their register entry before they can log
        context["unlinked"] = not context["is_office"] and not Deputy.objects.filter(user=user).exists()
        return context

    def perform(self, form):
        return activity_log(by=self.request.user, township=self.request.user.township, **form.service_kwargs())

    def get_success_url(self):
        if self.result.status == ActivityStatus.CONFIRMED:
            messages.success(self.request, _("履职活动已记录。"))
        else:
            messages.success(self.request, _("已提交，等待人大办确认。"))
        return super().get_success_url()


class ActivityResubmitView(ActivityObjectMixin, ActivityFormViewMixin, FormView):
    """The submitter corrects a returned (or still pending) activity and submits it again."""

    permission_required = "deputies.add_activity"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            if self.activity.submitted_by_id != request.user.pk:
                raise PermissionDenied
            if self.activity.status == ActivityStatus.CONFIRMED:
                messages.info(request, _("该活动已确认，不能再修改。"))
                return redirect(self.activity.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.activity}

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def perform(self, form):
        return activity_resubmit(activity=self.activity, by=self.request.user, **form.service_kwargs())

    def get_success_url(self):
        messages.success(self.request, _("已重新提交，等待人大办确认。"))
        return super().get_success_url()


class ActivityConfirmView(ActivityObjectMixin, View):
    """POST only: the detail page asks for confirmation first."""

    permission_required = "deputies.review_activity"

    def post(self, request, pk):
        try:
            activity_confirm(activity=self.activity, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已确认该履职活动。"))
        return redirect(self.activity.get_absolute_url())


class ActivityReturnView(ActivityObjectMixin, ServiceFormMixin, FormView):
    """Return with a reason: its own page, so that the clerk confirms before the deputy is told."""

    permission_required = "deputies.review_activity"
    form_class = ActivityReturnForm
    template_name = "deputies/activities/activity_return.html"

    def get(self, request, *args, **kwargs):
        if self.activity.status != ActivityStatus.SUBMITTED:
            messages.info(request, _("只有“待确认”的活动可以退回。"))
            return redirect(self.activity.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def perform(self, form):
        return activity_return(activity=self.activity, by=self.request.user, reason=form.cleaned_data["reason"])

    def get_success_url(self):
        messages.success(self.request, _("已退回，填报人将收到通知。"))
        return self.activity.get_absolute_url()


class AttachmentMixin(RoleRequiredMixin):
    """An attachment is served only to those who may see its activity (never a public media URL)."""

    permission_required = "deputies.view_activity"

    def get_attachment(self):
        visible = Activity.objects.visible_to(self.request.user).values("pk")
        return get_object_or_404(ActivityAttachment, pk=self.kwargs["pk"], activity__in=visible)


class AttachmentDownloadView(AttachmentMixin, View):
    INLINE_TYPES = ("image/", "application/pdf")

    def get(self, request, pk):
        attachment = self.get_attachment()
        content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        inline = content_type.startswith(self.INLINE_TYPES) and (attachment.is_image or content_type.endswith("pdf"))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=attachment.name,
            content_type=content_type if inline else "application/octet-stream",
        )
        patch_cache_control(response, private=True, max_age=3600)
        return response


def _thumbnail_bytes(attachment):
    """A small JPEG of the photo (EXIF orientation applied), or None if it cannot be decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
            return buffer.getvalue()
    except (FileNotFoundError, UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None


class AttachmentThumbnailView(AttachmentMixin, View):
    def get(self, request, pk):
        attachment = self.get_attachment()
        if not attachment.is_image:
            raise Http404
        key = f"deputies:activity-thumb:{attachment.pk}:{THUMBNAIL_SIZE}"
        data = cache.get(key)
        if data is None:
            data = _thumbnail_bytes(attachment) or b""
            cache.set(key, data, THUMBNAIL_CACHE_SECONDS)
        if data:
            response = HttpResponse(data, content_type="image/jpeg")
        else:
            # an image Pillow cannot read (HEIC without a plugin): a neutral placeholder
            response = HttpResponse(PLACEHOLDER_SVG, content_type="image/svg+xml")
        patch_cache_control(response, private=True, max_age=THUMBNAIL_CACHE_SECONDS)
        return response


# --- reception days -----------------------------------------------------------------------------


class ReceptionDayListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_receptionday"
    template_name = "deputies/activities/reception_list.html"
    context_object_name = "reception_days"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = selectors.reception_day_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, today=timezone.localdate(), **kwargs)


class ReceptionDayCreateView(RoleRequiredMixin, TownshipMemberMixin, ServiceFormMixin, FormView):
    permission_required = "deputies.add_receptionday"
    form_class = ReceptionDayForm
    template_name = "deputies/activities/reception_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return reception_day_schedule(by=self.request.user, township=self.request.user.township, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("接待日已安排。"))
        return self.result.get_absolute_url()


class ReceptionDayObjectMixin(RoleRequiredMixin):
    @cached_property
    def reception_day(self):
        queryset = ReceptionDay.objects.select_related("township", "district")
        return get_visible_or_404(queryset, self.request.user, pk=self.kwargs["pk"])


class ReceptionDayDetailView(ReceptionDayObjectMixin, DetailView):
    permission_required = "deputies.view_receptionday"
    template_name = "deputies/activities/reception_detail.html"
    context_object_name = "reception_day"

    def get_object(self, queryset=None):
        return self.reception_day

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        visits = list(self.reception_day.visits.select_related("recorded_by"))
        for visit in visits:
            # the hook the casework apps fill: "转为信访 / 转为代表建议" (nothing when none is registered)
            visit.actions = (
                []
                if visit.follow_up_kind
                else [action for action in (build(visit, user) for build in reception_visit_actions.values()) if action]
            )
        context.update(
            visits=visits,
            receiving=list(self.reception_day.deputies.order_by("name")),
            # a visitor is a citizen (often a petitioner): county accounts see the number only
            hide_visitors=reads_aggregates_only(user),
        )
        if user.has_perm("deputies.add_receptionvisit") and user.township_id == self.reception_day.township_id:
            context.setdefault("visit_form", kwargs.get("visit_form") or ReceptionVisitForm())
        return context


class ReceptionVisitCreateView(ReceptionDayObjectMixin, TownshipMemberMixin, View):
    """POST from the reception day's page; errors re-render that page with what was typed."""

    permission_required = "deputies.add_receptionvisit"

    def post(self, request, pk):
        form = ReceptionVisitForm(request.POST)
        if form.is_valid():
            try:
                reception_visit_record(reception_day=self.reception_day, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("接待记录已保存。"))
                return redirect(self.reception_day.get_absolute_url() + "#visits")
        detail = ReceptionDayDetailView(request=request, kwargs=self.kwargs, args=())
        detail.object = self.reception_day
        context = detail.get_context_data(visit_form=form)
        return detail.render_to_response(context, status=200)


# --- trainings ----------------------------------------------------------------------------------


def _year_from(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


class TrainingListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    """The year's trainings, and the deputies who missed every one of them."""

    permission_required = "deputies.view_training"
    template_name = "deputies/activities/training_list.html"
    context_object_name = "trainings"
    paginate_by = 50

    def get_queryset(self):
        self.year = _year_from(self.request)
        return selectors.training_list(user=self.request.user, year=self.year)

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(year=self.year, prev_year=self.year - 1, next_year=self.year + 1, **kwargs)
        if user.township_id:
            context["missed_all"] = selectors.deputies_without_training(township_id=user.township_id, year=self.year)
        return context


class TrainingCreateView(RoleRequiredMixin, TownshipMemberMixin, ServiceFormMixin, FormView):
    permission_required = "deputies.add_training"
    form_class = TrainingForm
    template_name = "deputies/activities/training_form.html"

    def perform(self, form):
        return training_create(by=self.request.user, township=self.request.user.township, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("培训已登记，请勾选参训代表。"))
        return self.result.get_absolute_url()


class TrainingObjectMixin(RoleRequiredMixin):
    @cached_property
    def training(self):
        return get_visible_or_404(Training.objects.select_related("township"), self.request.user, pk=self.kwargs["pk"])


class TrainingDetailView(TrainingObjectMixin, DetailView):
    permission_required = "deputies.view_training"
    template_name = "deputies/activities/training_detail.html"
    context_object_name = "training"

    def get_object(self, queryset=None):
        return self.training

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        attended = set(self.training.attendees.values_list("pk", flat=True))
        candidates = list(attendance_candidates(self.training))
        context.update(
            attended=[d for d in candidates if d.pk in attended],
            absent=[d for d in candidates if d.pk not in attended],
            candidate_count=len(candidates),
        )
        if user.has_perm("deputies.change_training") and user.township_id == self.training.township_id:
            context["attendance_form"] = kwargs.get("attendance_form") or TrainingAttendanceForm(
                training=self.training, initial={"attendees": sorted(attended)}
            )
        return context


class TrainingAttendanceView(TrainingObjectMixin, TownshipMemberMixin, View):
    """POST the ticked checklist: the attendance becomes exactly the ticked deputies."""

    permission_required = "deputies.change_training"

    def post(self, request, pk):
        form = TrainingAttendanceForm(request.POST, training=self.training)
        if form.is_valid():
            try:
                training_set_attendance(
                    training=self.training, deputies=form.cleaned_data["attendees"], by=request.user
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("已保存签到：%(n)s 人参训。") % {"n": len(form.cleaned_data["attendees"])})
                return redirect(self.training.get_absolute_url())
        detail = TrainingDetailView(request=request, kwargs=self.kwargs, args=())
        detail.object = self.training
        return detail.render_to_response(detail.get_context_data(attendance_form=form))
