"""The page of one handling step on one case, shared by every case type's action pages.

A subclass says which case (`get_case`), under what name its template expects it
(`case_context_name`), which engine `action` the page is for (or overrides `check`), its form and
`perform(form)`, the service call. GET refuses a step the case cannot take now with the reason
and back to the case's page; POST asks again before the form is validated, so a step taken
meanwhile by someone else is refused on the form and nothing typed is lost.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from ..services.cases import case_check, case_pending_deadlines, pending_extension_request
from .mixins import ServiceFormMixin, apply_validation_error


class CaseActionView(ServiceFormMixin, FormView):
    action = ""
    case_context_name = "case"
    heading = ""
    intro = ""
    submit_label = _("提交")
    submit_tone = "primary"
    # a JavaScript confirmation before submitting (irreversible steps also have a check box)
    confirm_message = ""
    success_message = _("已保存。")

    def get_case(self):
        raise NotImplementedError

    @cached_property
    def case(self):
        return self.get_case()

    def check(self):
        """PermissionDenied (403) or ValidationError (the reason) unless the step can be taken now."""
        case_check(item=self.case, action=self.action, by=self.request.user)

    def get(self, request, *args, **kwargs):
        try:
            self.check()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.case.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        try:
            self.check()
        except ValidationError as error:  # the state moved on: say why, change nothing
            form.is_valid()
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def info(self):
        """(label, value) rows shown above the form."""
        return []

    def current_deadline(self):
        return case_pending_deadlines(self.case).order_by("due_date").first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{self.case_context_name: self.case},
            heading=self.heading,
            intro=self.intro,
            info=self.info(),
            submit_label=self.submit_label,
            submit_tone=self.submit_tone,
            confirm_message=self.confirm_message,
            current_deadline=self.current_deadline(),
            **kwargs,
        )

    @staticmethod
    def values(form):
        """The form's values for the service (the confirmation box is the form's business)."""
        return {key: value for key, value in form.cleaned_data.items() if key != "confirm"}

    def get_success_url(self):
        messages.success(self.request, self.success_message)
        return self.case.get_absolute_url()


def extension_request_rows(item):
    """(label, value) rows of the case's pending extension request, for the page a chair decides
    it on; [] when there is none."""
    from django.utils.translation import gettext as _

    request = pending_extension_request(item)
    if request is None:
        return []
    return [
        (_("申请人"), request.requested_by.display_name),
        (_("申请时间"), date_format(timezone.localtime(request.requested_at), "SHORT_DATETIME_FORMAT")),
        (_("当前到期日"), date_format(request.deadline.due_date, "SHORT_DATE_FORMAT")),
        (_("申请延期至"), date_format(request.new_due_date, "SHORT_DATE_FORMAT")),
        (_("延期理由"), request.reason),
    ]
