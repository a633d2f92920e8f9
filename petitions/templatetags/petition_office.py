"""Small helpers of the office's petition templates."""

from django import template

from congress_office.registries import case_types

register = template.Library()

STATE_TONES = {
    "registered": "warning",
    "accepted": "info",
    "not_accepted": "secondary",
    "outside_remit": "warning",
    "transferred_out": "secondary",
    "assigned": "primary",
    "replied": "info",
    "reopened": "danger",
    "closed": "success",
    "reviewing": "warning",
    "rechecking": "warning",
    "final": "dark",
}


@register.filter
def petition_state(value):
    """The label of a petition state value ("accepted" → 已受理待交办)."""
    if not value:
        return ""
    return case_types["petitions.petition"].state_label(value)


@register.filter
def petition_state_tone(value):
    return STATE_TONES.get(value, "secondary")


@register.filter
def due_tone(due_date, today):
    """Colour of a due date: overdue red, within 3 days amber."""
    if not due_date:
        return "secondary"
    days = (due_date - today).days
    if days < 0:
        return "danger"
    if days <= 3:
        return "warning"
    return "body"


@register.filter
def rolled_from(deadline):
    """For a calendar-day deadline whose last day fell on a rest day: that day (the due date
    was moved to the next working day); otherwise None."""
    from datetime import timedelta

    from congress_office.models import DeadlineRule

    if deadline.rule != DeadlineRule.CALENDAR_DAYS:
        return None
    raw = deadline.start_date + timedelta(days=deadline.limit)
    return raw if raw != deadline.original_due_date else None
