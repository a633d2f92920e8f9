"""{% home_section entry %}: one block of a role's home (congress_office.home)."""

from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_section(context, entry):
    section = entry["section"]
    flat = context.flatten()
    values = {
        "user": flat.get("user"),
        "perms": flat.get("perms"),
        "request": flat.get("request"),
        "today": flat.get("today"),
        "csrf_token": flat.get("csrf_token"),
        **section.context,
        "section": section,
        "key": entry["key"],
    }
    return get_template(section.template).render(values)
