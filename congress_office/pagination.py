"""Pagination that costs the same on page 1 and on the last page, whatever the table's size.

- The count is bounded: at most `settings.LIST_COUNT_CAP` rows are counted (`SELECT COUNT(*)
  FROM (… LIMIT cap + 1)`); above it the list says 超过 N 件 and asks for a filter, so a county
  list of a million rows never counts them all.
- Pages run from 1 to what the bounded count allows; a page past the end (an old link, a hand-
  typed number) shows the last page instead of 404.
- Figures a row shows that would cost a subquery per row (the next deadline, an attachment
  count) are added to the page's rows only, in one query, by the view's `decorate_page(rows)`:
  a deep page does not compute them for every row it skips.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property

DEFAULT_COUNT_CAP = 10_000


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, decorate=None, cap=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = cap or getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP)
        self.decorate = decorate

    @cached_property
    def _bounded_count(self):
        rows = self.object_list
        if not hasattr(rows, "query"):
            return len(rows)
        # the order does not change a count; a LIMIT keeps it from reading the whole table
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self):
        return min(self._bounded_count, self.cap)

    @property
    def is_capped(self):
        """More rows match than were counted: the list shows the first `cap` of them."""
        return self._bounded_count > self.cap

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # past the last page: the last page (below 1: the first)
            return self.num_pages if int(number) > 1 else 1

    def _get_page(self, object_list, number, paginator):
        rows = list(object_list)
        if self.decorate is not None and rows:
            self.decorate(rows)
        return super()._get_page(rows, number, paginator)


class BoundedPaginationMixin:
    """For ListViews: the bounded paginator, and `decorate_page(rows)` for per-row figures
    computed for the shown page only."""

    paginator_class = BoundedPaginator

    def decorate_page(self, rows):
        """Add per-row figures to the page's rows (a list), in a fixed number of queries."""

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset, per_page, orphans, allow_empty_first_page, decorate=self.decorate_page, **kwargs
        )
