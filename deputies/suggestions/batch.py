"""批量交办: the clerk assigns the ticked suggestions (e.g. every 待交办 suggestion of one session)
to one lead unit, optionally with co-handling units, each through suggestion_assign (its checks,
clocks, notifications and timeline) in its own transaction (congress_office.views.batch)."""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.access import TownshipMemberMixin
from congress_office.views.batch import BatchItem, BatchView, objects_by_ids

from . import access, services
from .forms import AssignForm
from .models import Suggestion


class BatchAssignForm(AssignForm):
    """The assignment form of one suggestion, for a selection of one township's suggestions."""

    def __init__(self, *args, township_id, **kwargs):
        super().__init__(*args, suggestion=SimpleNamespace(township_id=township_id), **kwargs)


class SuggestionBatchAssignView(TownshipMemberMixin, BatchView):
    permission_required = "deputies.assign_suggestion"
    title = gettext_lazy("批量交办代表建议")
    intro = gettext_lazy("所选建议交办给同一主办单位（可同时指定协办单位）；已交办或不能交办的建议将跳过。")
    confirm_label = gettext_lazy("确认交办")
    form_class = BatchAssignForm

    def get_back_url(self):
        return reverse("deputies:suggestion_list") + "?state=registered"

    def get_form_kwargs(self):
        return {"township_id": self.request.user.township_id}

    def get_objects(self, ids):
        user = self.request.user
        suggestions = (
            Suggestion.objects.visible_to(user).filter(township_id=user.township_id).select_related("township")
        )
        return objects_by_ids(suggestions, ids)

    def plan(self, objects, options):
        user = self.request.user
        items = []
        for suggestion in objects:
            skip = ""
            try:
                access.check(user, suggestion, "assign")
            except (ValidationError, PermissionDenied) as error:
                messages = getattr(error, "messages", None) or [str(error) or _("您无权交办此建议。")]
                skip = "；".join(messages)
            if options:
                action = _("交办给 %(unit)s") % {"unit": options["lead_unit"]}
                co_units = options.get("co_units") or []
                if co_units:
                    action += _("，协办：%(units)s") % {"units": "、".join(str(unit) for unit in co_units)}
            else:
                action = suggestion.state_label
            items.append(
                BatchItem(
                    key=str(suggestion.pk),
                    label=str(suggestion),
                    action=action,
                    skip=skip,
                    url=suggestion.get_absolute_url(),
                    detail=suggestion.session,
                    payload=suggestion,
                )
            )
        return items

    def perform(self, item, options):
        services.suggestion_assign(
            suggestion=item.payload,
            by=self.request.user,
            lead_unit=options["lead_unit"],
            co_units=options.get("co_units") or [],
            note=options.get("note", ""),
        )
        return item.action
