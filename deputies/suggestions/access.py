"""Which steps a user may take on a suggestion now, for the pages.

Who may take each step, and in which state, is declared once in the case type
(.case_type) and checked by the core's engine (congress_office.services.cases.case_check);
this module only asks it, and adds what is not a step of a case: submitting a new suggestion,
and the lists of units and signers a form offers.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.roles import Role
from congress_office.services.cases import case_check, case_may, feedback_window, pending_co_units, rated_keys

from .case_type import rater_key, remember_signers
from .models import SuggestionState

HANDLING = (SuggestionState.ASSIGNED, SuggestionState.REOPENED)

# the steps the detail page offers, in its order; "extend" is the request of an extension
ACTIONS = ("assign", "co_input", "consult", "reply", "extend", "decide_extension", "supervise", "rate")
STEP_OF_ACTION = {"extend": "request_extension", "decide_extension": "approve_extension"}


def is_office(user):
    return user.has_role(Role.CLERK)


def own_deputy(user):
    """The register entry linked to the account, or None."""
    from ..models import Deputy

    if not user.is_authenticated:
        return None
    cached = getattr(user, "_suggestion_deputy", False)
    if cached is False:
        cached = Deputy.objects.filter(user=user).first()
        user._suggestion_deputy = cached
    return cached


def check_submit(user, township_id):
    if not user.has_perm("deputies.add_suggestion"):
        raise PermissionDenied(_("您没有提交代表建议的权限。"))
    if user.township_id is None or user.township_id != township_id:
        raise PermissionDenied(_("只能在本乡镇提交代表建议。"))


def check(user, suggestion, action, **context):
    """The engine's check of the page's `action` (raises PermissionDenied / ValidationError)."""
    case_check(item=suggestion, action=STEP_OF_ACTION.get(action, action), by=user, **context)


def co_units_for(user, suggestion):
    """The co-handling units `user` may send an opinion for now: the office any that is still
    to send one, a unit handler their own."""
    if not case_may(item=suggestion, action="co_input", by=user):
        return []
    units = pending_co_units(suggestion)
    if not is_office(user):
        units = [u for u in units if u.pk == user.unit_id]
    return units


def raters_for(user, suggestion):
    """The signers whose rating of the current answer `user` may still give, while the
    feedback window is open."""
    if not case_may(item=suggestion, action="rate", by=user, deputy=own_deputy(user)) and not is_office(user):
        return []
    window = feedback_window(suggestion)
    if window is not None and timezone.localdate() > window.due_date:
        return []
    rated = rated_keys(suggestion)
    signers = list(suggestion.signers.select_related("deputy"))
    remember_signers(suggestion, signers)
    return [
        s.deputy
        for s in signers
        if rater_key(s.deputy) not in rated and case_may(item=suggestion, action="rate", by=user, deputy=s.deputy)
    ]


def allowed_actions(user, suggestion):
    """The actions `user` may take on `suggestion` now: {action: detail}. For "co_input" the
    detail is the list of units the user may send an opinion for; for "rate" the signers the
    user may rate for."""
    allowed = {
        name: True
        for name in ("assign", "consult", "reply", "extend", "decide_extension", "supervise")
        if case_may(item=suggestion, action=STEP_OF_ACTION.get(name, name), by=user)
    }
    units = co_units_for(user, suggestion)
    if units:
        allowed["co_input"] = units
    raters = raters_for(user, suggestion)
    if raters:
        allowed["rate"] = raters
    return allowed
