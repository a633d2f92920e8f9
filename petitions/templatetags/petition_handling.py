"""Tags of the handling partials that the petition's page includes (`_actions.html`,
`_panels.html`): they need only `petition` and `request.user` in the context."""

from django import template

from ..handling_selectors import petition_handling
from ..services.handling import petition_actions as actions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def petition_actions(context, petition):
    """The handling steps the current user may take on `petition` now."""
    return actions_for(petition, context["request"].user)


@register.simple_tag(takes_context=True)
def petition_handling_panels(context, petition):
    """What the handling panels show (assignments, notices, reviews, timeline …)."""
    return petition_handling(petition=petition, user=context["request"].user)


@register.filter
def deadline_tone(deadline, today):
    """Bootstrap colour of a deadline: met green, overdue red, due within 7 days amber."""
    if deadline is None:
        return "secondary"
    if deadline.state == "met":
        return "success"
    days = (deadline.due_date - today).days
    if days < 0:
        return "danger"
    if days <= 7:
        return "warning"
    return "primary"


@register.filter
def outcome_label(value):
    """支持 / 解释说明 / 不予支持 for a stored outcome code."""
    from ..choices import Outcome

    return Outcome(value).label if value in Outcome.values else value


@register.filter
def handling_state_label(petition):
    """The petition's state in words (待受理, 办理中, 复核终结 …)."""
    from congress_office.services.cases import case_type_of

    return case_type_of(petition).state_label(petition.state)


CLOSING_PUNCTUATION = "。！？；….!?"


@register.filter
def sentence(text):
    """Text quoted into a letter, ending with a full stop (“请求足额发放” → “请求足额发放。”)."""
    text = str(text or "").strip()
    return text if not text or text[-1] in CLOSING_PUNCTUATION else f"{text}。"
