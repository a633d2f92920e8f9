"""The lookup behind the search-as-you-type filter fields (congress_office.widgets.LookupSelect):
GET lookup/<kind>/?q=… -> JSON [{id, text}], at most LIMIT rows the user may see, in one query."""

from functools import reduce
from operator import or_

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.views import View

from ..registries import lookup_kinds

LIMIT = 20


def lookup_rows(kind, user, q=""):
    """The [{id, text}] of the `kind` the user may see matching `q`; Http404 for an unknown
    kind or one the user may not look up."""
    spec = lookup_kinds.get(kind)
    if spec is None or (spec.allowed is not None and not spec.allowed(user)):
        raise Http404
    queryset = spec.queryset(user)
    q = q.strip()[:100]
    if q:
        if spec.search is not None:
            queryset = spec.search(queryset, q)
        else:
            queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": q}) for f in spec.search_fields)))
    text = spec.text or (lambda obj, user: str(obj))
    return [{"id": obj.pk, "text": text(obj, user)} for obj in queryset.order_by(*spec.ordering)[:LIMIT]]


class LookupView(LoginRequiredMixin, View):
    def get(self, request, kind):
        rows = lookup_rows(kind, request.user, request.GET.get("q", ""))
        response = JsonResponse(rows, safe=False)
        response["Cache-Control"] = "private, no-store"
        return response
