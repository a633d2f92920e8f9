"""The results page of the header's search box: every kind the user may search, grouped, each
with its count and first rows (two queries a kind); ?kind= narrows it to one kind, a page at a
time, for kinds whose list cannot take the query."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from ..pagination import BoundedPaginator
from ..search import COUNT_CAP, MAX_LENGTH, clean_query, kinds_for, search_all

PER_PAGE = 30


class SearchView(LoginRequiredMixin, TemplateView):
    template_name = "core/search.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        q, error = clean_query(self.request.GET.get("q", ""))
        kinds = kinds_for(user)
        context = {"q": q, "error": error, "max_length": MAX_LENGTH, "searchable": [str(k.title) for _, k in kinds]}
        key = self.request.GET.get("kind", "")
        if key:
            kind = dict(kinds).get(key)
            if kind is None:
                raise Http404
            context["kind_key"], context["kind_title"] = key, kind.title
        if not q or error:
            return super().get_context_data(**context, **kwargs)
        if key:
            paginator = BoundedPaginator(kind.search(user, q), PER_PAGE, cap=COUNT_CAP)
            page = paginator.get_page(self.request.GET.get("page"))
            context.update(page_obj=page, paginator=paginator, rows=[kind.row(obj, user) for obj in page.object_list])
        else:
            results = search_all(user, q)
            context.update(results=results, total=sum(r.count for r in results))
        return super().get_context_data(**context, **kwargs)
