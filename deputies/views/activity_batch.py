"""批量确认 / 批量退回 of duty activities, from the reviewer's to-confirm list.

POST the ticked ids with the action: a confirmation page lists exactly what will happen (each
activity: deputies, date, title; those no longer waiting and those ignored said apart); POST it
again with step=execute: each activity goes through the single-item service and a summary says
what was done ("已确认 12 项；2 项已被他人处理，未改动"). Another township's ids are never
listed nor touched: the selection is the reviewer's own township's. At most MAX_BATCH per batch,
so the page's queries are fixed (the selection in two) and its size bounded."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.views.mixins import apply_validation_error

from .. import selectors
from ..choices import ActivityStatus
from ..forms.activity_batch import ActivityBatchForm
from ..services.activity_batch import MAX_BATCH, RETURN, activity_batch_review


def to_confirm_url():
    return reverse("deputies:activity_list") + "?status=" + ActivityStatus.SUBMITTED


class ActivityBatchView(TownshipMemberMixin, RoleRequiredMixin, View):
    permission_required = "deputies.review_activity"
    http_method_names = ["post"]

    def post(self, request):
        form = ActivityBatchForm(request.POST)
        if not form.is_valid() and ("ids" in form.errors or "action" in form.errors):
            for error in form.errors.get("ids", []) + form.errors.get("action", []):
                messages.error(request, error)
            return redirect(to_confirm_url())
        ids = form.cleaned_data["ids"]
        action = form.cleaned_data["action"]
        selection = selectors.activity_batch_selection(user=request.user, ids=ids)
        if request.POST.get("step") == "execute" and form.is_valid():
            try:
                outcome = activity_batch_review(
                    by=request.user,
                    activities=selection,
                    action=action,
                    reason=form.cleaned_data["reason"],
                    requested=len(ids),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return TemplateResponse(
                    request,
                    "deputies/activities/activity_batch_done.html",
                    {"outcome": outcome, "back": to_confirm_url()},
                )
        pending = [a for a in selection if a.status == ActivityStatus.SUBMITTED]
        context = {
            "form": form,
            "action": action,
            "is_return": action == RETURN,
            "pending": pending,
            "not_pending": [a for a in selection if a.status != ActivityStatus.SUBMITTED],
            "ignored": len(ids) - len(selection),
            "ids": ids,
            "max_batch": MAX_BATCH,
            "back": to_confirm_url(),
        }
        return TemplateResponse(request, "deputies/activities/activity_batch_confirm.html", context)
