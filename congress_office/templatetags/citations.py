"""{% record_links record as links %}: what a record cites or is cited by in the other apps.

Every provider of the core's `record_links` registry is asked (documents lists the documents a
petition or a suggestion cites, and on a document the records citing it); each returns only what
the user may see, in a fixed number of queries, so a page's query count does not grow with them.
"""

from django import template

from ..registries import record_links as providers

register = template.Library()


@register.simple_tag(takes_context=True)
def record_links(context, record):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if record is None or user is None or not user.is_authenticated:
        return []
    links = []
    for provider in providers.values():
        links.extend(provider(record, user) or ())
    return links
