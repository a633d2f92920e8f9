"""Gapless numbers per township and year (信访件, 代表建议, 督办单 …)."""

from django.db.models import Max

from ..models import Township


def next_sequence(*, queryset, township_id, year):
    """The next number after the highest `sequence` of `queryset` in the township and year.

    The township row is locked until the caller's transaction ends, so concurrent callers queue
    and a number is never issued twice nor skipped. Call inside `transaction.atomic()`.
    """
    Township.objects.select_for_update().filter(pk=township_id).values_list("pk", flat=True).get()
    last = queryset.filter(township_id=township_id, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1
