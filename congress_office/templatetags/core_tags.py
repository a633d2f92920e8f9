from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


STATE_TONES = {"open": "primary", "extended": "warning", "overdue": "danger", "met": "success"}


@register.filter
def state_tone(state):
    return STATE_TONES.get(state, "secondary")


@register.filter
def days_left(deadline, today):
    return (deadline.due_date - today).days


@register.filter
def absolute(value):
    return abs(value)
