"""The one search box (issue 14): what the apps' search kinds share.

Each app registers its kinds (petitions, suggestions, deputies, 收文, 发文, meetings) in
`registries.search_kinds`; the core's search page asks every kind the user may view for its
matches. Chinese is found inside words: 土地 finds 土地征收 and 关于土地征收的信访.

How (docs/architecture.md, 全局搜索): on PostgreSQL a text is matched through a GIN index on the
expression `search_bigrams(col1, col2, …)`, the upper-cased two-character pieces of the columns
(a SQL function the deputies' migration 0011_search_trgm creates). The query's own pieces must
all be in the row's (`@>`, served by the index), and the row is then checked with the plain
`icontains` of each column, so the result is exactly what icontains finds. pg_trgm was tried
first: its GIN index cannot narrow a two-character pattern (LIKE '%土地%' has no complete
trigram, the index scan returns every row), and two-character words are most Chinese queries.
On SQLite (the local default) the same condition is the plain icontains.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Func, Q, TextField

MIN_LENGTH = 2
MAX_LENGTH = 100
# rows a kind shows on the results page (查看全部 opens the rest)
ROWS_PER_KIND = 10
# matches counted per kind: above it the page says 超过 N 条 (a common word in a county's
# 300,000 petitions is never counted to the end)
COUNT_CAP = 1000


@dataclass(frozen=True)
class SearchRow:
    """One result: its text, the page it links to, a line of detail (state, date …)."""

    title: str
    url: str
    meta: str = ""


def meta_line(user, township, *parts, skip_empty=True):
    """A row's line of detail: `parts` joined with " · " (the empty ones left out unless
    `skip_empty` is off), led by the township's name for a county-wide user."""
    parts = [str(p) for p in parts if p or not skip_empty]
    if user.is_county_wide:
        parts.insert(0, township.name)
    return " · ".join(parts)


def list_url(name, **extra):
    """A kind's list_url: the list page `name` filtered with ?q= (and the `extra` parameters)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    def url(q):
        return f"{reverse(name)}?{urlencode({'q': q, **extra})}"

    return url


def register_kind(key, **kind):
    """Register the search kind `key`; `kind` holds the fields of registries.SearchKind."""
    from .registries import SearchKind, search_kinds

    search_kinds.register(key, SearchKind(**kind))


def bigrams(text):
    """The distinct upper-cased two-character pieces of `text`, none containing whitespace: what
    the SQL function search_bigrams() computes for a row (keep the two in step)."""
    text = (text or "").upper()
    return sorted({text[i : i + 2] for i in range(len(text) - 1) if not any(c.isspace() for c in text[i : i + 2])})


class SearchBigrams(Func):
    """search_bigrams(col, …): the expression the GIN indexes of the search are built on."""

    function = "search_bigrams"

    def __init__(self, *expressions):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(*expressions, output_field=ArrayField(TextField()))


def uses_bigram_index():
    return connection.vendor == "postgresql"


def text_matches(fields, q, *, indexed=True):
    """A condition: `q` occurs in one of `fields` (case-insensitive). With `indexed` on
    PostgreSQL it goes through the GIN index on search_bigrams(*fields), which the app's search
    migration creates for exactly these columns in this order."""
    contains = reduce(or_, (Q(**{f"{name}__icontains": q}) for name in fields))
    grams = bigrams(q)
    if not (indexed and grams and uses_bigram_index()):
        return contains
    from django.contrib.postgres.fields.array import ArrayContains

    return Q(ArrayContains(SearchBigrams(*fields), grams)) & contains


def clean_query(raw):
    """(query, error): the query stripped and checked against MIN_LENGTH / MAX_LENGTH."""
    from django.utils.translation import gettext as _

    q = " ".join((raw or "").split())
    if not q:
        return "", ""
    if len(q) < MIN_LENGTH:
        return q, _("请至少输入 %(n)s 个字（如“土地”、姓名或编号）。") % {"n": MIN_LENGTH}
    if len(q) > MAX_LENGTH:
        return q[:MAX_LENGTH], _("搜索内容最多 %(n)s 个字，请缩短后再试。") % {"n": MAX_LENGTH}
    return q, ""


def kinds_for(user):
    """The (key, SearchKind) the user may search, in order: a kind the user may not view is not
    searched at all."""
    from .registries import search_kinds

    allowed = [
        (key, kind)
        for key, kind in search_kinds.items()
        if (not kind.permission or user.has_perm(kind.permission)) and (kind.allowed is None or kind.allowed(user))
    ]
    return sorted(allowed, key=lambda pair: (pair[1].order, pair[0]))


def bounded_count(queryset, cap=COUNT_CAP):
    """(count, capped): at most `cap` rows counted, in one query."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


@dataclass
class KindResult:
    key: str
    title: str
    rows: list
    count: int
    capped: bool
    more_url: str


def search_all(user, q, *, limit=ROWS_PER_KIND):
    """Every kind the user may search, each with its count and first `limit` rows: two queries
    a kind, whatever the number of matches."""
    from django.urls import reverse
    from django.utils.http import urlencode

    results = []
    for key, kind in kinds_for(user):
        queryset = kind.search(user, q)
        count, capped = bounded_count(queryset)
        rows = [kind.row(obj, user) for obj in queryset[:limit]] if count else []
        more = kind.list_url(q) if kind.list_url else f"{reverse('core:search')}?{urlencode({'q': q, 'kind': key})}"
        results.append(KindResult(key, str(kind.title), rows, count, capped, more))
    return results
