"""The print page of a register (registers.py): the sheet as it prints (Ctrl+P or 打印 prints
it without the menu, buttons or filters: static/css/print.css), its filters, and 导出PDF (a PDF
job of the same query)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from ..registers import print_limit, query_year, register_refusal, wants_full
from ..registries import print_registers


class RegisterPrintView(LoginRequiredMixin, TemplateView):
    """GET core:register_print <key>?<the list's query>: an unknown register is 404, a user
    without the register's permission (or a county account on a per-person register, or a
    township user asking for another township) 403; the rows are the builder's, read through
    what the user may see."""

    template_name = "registers/print.html"

    @cached_property
    def spec(self):
        spec = print_registers.get(self.kwargs["key"])
        if spec is None:
            raise Http404
        return spec

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refusal = register_refusal(self.spec, request.user, request.GET)
            if refusal:
                raise PermissionDenied(refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET
        spec, error, sheet = self.spec, "", None
        try:
            sheet = spec.build(self.request.user, query, limit=spec.print_rows or print_limit(), full=wants_full(query))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        list_query = query.copy()
        for name in ("full", "page"):
            list_query.pop(name, None)
        pdf_params = [(name, query.get(name)) for name in (*spec.params, "full") if query.get(name)]
        hidden = [(name, value) for name, values in query.lists() for value in values if name == "full"]
        years = sorted({timezone.localdate().year - n for n in range(0, 11)}, reverse=True)
        return super().get_context_data(
            spec=spec,
            sheet=sheet,
            error=error,
            list_url=(reverse(spec.list_url) + (f"?{list_query.urlencode()}" if list_query else ""))
            if spec.list_url
            else "",
            pdf_params=pdf_params,
            form_hidden=hidden,
            year=query_year(query),
            # the year select, unless the list's own filters have one
            years=years if "year" in spec.params and not self._filters_year(sheet) else (),
            full_query=self._with(query, full="1"),
            masked_query=self._with(query, full=None),
            landscape=spec.landscape,
            **kwargs,
        )

    @staticmethod
    def _filters_year(sheet):
        return sheet is not None and sheet.filterset is not None and "year" in sheet.filterset.form.fields

    @staticmethod
    def _with(query, **changes):
        query = query.copy()
        for name, value in changes.items():
            query.pop(name, None)
            if value is not None:
                query[name] = value
        return query.urlencode()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # the register may hold personal data in full: no shared or browser cache keeps a copy
        patch_cache_control(response, private=True, no_store=True)
        return response
