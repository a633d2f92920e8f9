"""Who may do what to a suggestion, and in which state: the one place these rules live.

Every service calls the matching `check_*` before it writes (and the core engine re-checks the
permission and state of its transitions); the detail page asks `allowed_actions` which forms
to offer, so a page never shows a button its service would refuse. A check raises
PermissionDenied for the wrong person and ValidationError (in Chinese) for the wrong state.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.models import AssignmentRole, CaseAssignment, CaseRating
from congress_office.registries import case_types
from congress_office.roles import Role
from congress_office.services.cases import passes

from .models import Suggestion, SuggestionState

HANDLING = (SuggestionState.ASSIGNED, SuggestionState.REOPENED)

# steps that are not transitions of the case type, and the states they may happen in
STEP_STATES = {
    "co_input": (HANDLING, gettext_lazy("协办意见")),
    "consult": (HANDLING, gettext_lazy("登记面商")),
    "rate": ((SuggestionState.REPLIED,), gettext_lazy("评价")),
}

ACTIONS = ("assign", "co_input", "consult", "reply", "extend", "supervise", "rate")


def _spec():
    return case_types[Suggestion.case_type_key]


def require_state(suggestion, action):
    """The suggestion's state allows `action`, or a ValidationError that names both."""
    spec = _spec()
    if action in spec.transitions:
        transition = spec.transitions[action]
        sources, label = transition.sources, transition.label
    else:
        sources, label = STEP_STATES[action]
    if suggestion.state not in sources:
        raise ValidationError(
            _("该建议当前为“%(state)s”，不能“%(action)s”。")
            % {"state": spec.state_label(suggestion.state), "action": label}
        )


def _township_member(user, suggestion):
    """Writes are for the suggestion's own township; county-wide accounts only read."""
    if not user.is_authenticated or user.township_id != suggestion.township_id:
        raise PermissionDenied(_("不能办理其他乡镇的代表建议。"))


def _perm(user, permission, message):
    if not user.has_perm(permission):
        raise PermissionDenied(message)


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


def is_lead_unit_handler(user, suggestion):
    return user.has_role(Role.UNIT_HANDLER) and user.unit_id is not None and user.unit_id == suggestion.lead_unit_id


def check_submit(user, township_id):
    _perm(user, "deputies.add_suggestion", _("您没有提交代表建议的权限。"))
    if user.township_id is None or user.township_id != township_id:
        raise PermissionDenied(_("只能在本乡镇提交代表建议。"))


def check_assign(user, suggestion):
    _perm(user, "deputies.assign_suggestion", _("只有人大办或主席团可以交办代表建议。"))
    _township_member(user, suggestion)
    require_state(suggestion, "assign")


def pending_co_units(suggestion):
    """Co-handling units of the current round that have not sent their opinion yet."""
    return [
        a.unit
        for a in CaseAssignment.objects.filter(
            item_type=_item_type(),
            item_id=suggestion.pk,
            round=suggestion.round,
            role=AssignmentRole.CO,
            input_at__isnull=True,
        ).select_related("unit")
    ]


def check_co_input(user, suggestion, unit=None):
    """A co-handling unit's handler sends their unit's opinion; the office may record it for a
    unit without an account (the unit it names; None until it has chosen one). Returns the unit
    the opinion is for."""
    _township_member(user, suggestion)
    if is_office(user):
        pass
    elif user.has_role(Role.UNIT_HANDLER) and user.unit_id:
        if unit is not None and unit.pk != user.unit_id:
            raise PermissionDenied(_("只能提交本单位的协办意见。"))
        unit = user.unit
        if not CaseAssignment.objects.filter(
            item_type=_item_type(),
            item_id=suggestion.pk,
            unit_id=unit.pk,
            role=AssignmentRole.CO,
        ).exists():
            raise PermissionDenied(_("本单位不是该建议的协办单位。"))
    else:
        raise PermissionDenied(_("只有协办单位或人大办可以提交协办意见。"))
    require_state(suggestion, "co_input")
    return unit


def check_consult(user, suggestion):
    """The face-to-face consultation is recorded by the lead unit's handler or the office."""
    _perm(user, "deputies.add_consultation", _("您没有登记面商情况的权限。"))
    _township_member(user, suggestion)
    if not (is_office(user) or is_lead_unit_handler(user, suggestion)):
        raise PermissionDenied(_("只有主办单位或人大办可以登记面商情况。"))
    require_state(suggestion, "consult")


def check_reply(user, suggestion):
    _perm(user, "deputies.reply_suggestion", _("您没有答复代表建议的权限。"))
    _township_member(user, suggestion)
    if not (is_office(user) or is_lead_unit_handler(user, suggestion)):
        raise PermissionDenied(_("只有主办单位可以答复。"))
    require_state(suggestion, "reply")


def check_extend(user, suggestion):
    _perm(user, "deputies.extend_suggestion", _("只有人大办或主席团可以延长办理期限。"))
    _township_member(user, suggestion)
    require_state(suggestion, "extend")


def check_supervise(user, suggestion):
    _perm(user, "deputies.supervise_suggestion", _("只有人大办或主席团可以督办。"))
    _township_member(user, suggestion)
    require_state(suggestion, "supervise")


def is_signer(suggestion, deputy):
    return deputy is not None and suggestion.signers.filter(deputy=deputy).exists()


def has_rated(suggestion, deputy):
    return CaseRating.objects.filter(
        item_type=_item_type(), item_id=suggestion.pk, reply__round=suggestion.round, rater_key=rater_key(deputy)
    ).exists()


def rater_key(deputy):
    return f"deputy:{deputy.pk}"


def _check_rates_for(user, deputy):
    """`user` may give `deputy`'s rating: their own (a deputy), or any signer's (the office,
    recording a rating handed in on paper by a deputy without an account)."""
    own = own_deputy(user)
    if own is not None and own.pk == deputy.pk:
        _perm(user, "deputies.rate_suggestion", _("您没有评价代表建议的权限。"))
    elif not (is_office(user) and user.has_perm("deputies.change_suggestion")):
        raise PermissionDenied(_("只有提出该建议的代表本人可以评价。"))


def check_rate(user, suggestion, deputy):
    """A signing deputy rates the answer themself; the office may record a signer's rating
    handed in on paper. Nobody else rates."""
    _township_member(user, suggestion)
    if deputy is None or not is_signer(suggestion, deputy):
        raise PermissionDenied(_("只有提出该建议的代表可以评价。"))
    _check_rates_for(user, deputy)
    require_state(suggestion, "rate")


def feedback_window_closed(suggestion, today=None):
    """The signers' feedback window (the "feedback" clock) has passed its due date."""
    from django.utils import timezone

    from congress_office.services.cases import case_pending_deadlines

    window = case_pending_deadlines(suggestion, ["feedback"]).order_by("-pk").first()
    return window is not None and (today or timezone.localdate()) > window.due_date


def raters_for(user, suggestion):
    """The signers whose rating of the current answer `user` may still give, while the
    feedback window is open (three queries)."""
    if suggestion.state != SuggestionState.REPLIED or user.township_id != suggestion.township_id:
        return []
    if feedback_window_closed(suggestion):
        return []
    rated = set(
        CaseRating.objects.filter(
            item_type=_item_type(),
            item_id=suggestion.pk,
            reply__round=suggestion.round,
        ).values_list("rater_key", flat=True)
    )
    return [
        s.deputy
        for s in suggestion.signers.select_related("deputy")
        if rater_key(s.deputy) not in rated and passes(_check_rates_for, user, s.deputy)
    ]


CHECKS = {
    "assign": check_assign,
    "consult": check_consult,
    "reply": check_reply,
    "extend": check_extend,
    "supervise": check_supervise,
}


def allowed_actions(user, suggestion):
    """The actions `user` may take on `suggestion` now: {action: detail}. For "co_input" the
    detail is the list of units the user may send an opinion for; for "rate" the signers the
    user may rate for."""
    allowed = {name: True for name, check in CHECKS.items() if passes(check, user, suggestion)}
    if suggestion.state in HANDLING and user.township_id == suggestion.township_id:
        units = pending_co_units(suggestion)
        if not is_office(user):
            units = [u for u in units if u.pk == user.unit_id and user.has_role(Role.UNIT_HANDLER)]
        if units:
            allowed["co_input"] = units
    raters = raters_for(user, suggestion)
    if raters:
        allowed["rate"] = raters
    return allowed


def _item_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Suggestion)
