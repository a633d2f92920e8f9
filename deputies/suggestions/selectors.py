"""Reads of suggestions: the list, one suggestion's page, the year report and the deputy's
record section. Fixed query counts whatever the number of rows."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from congress_office.cases import Satisfaction
from congress_office.models import (
    AssignmentRole,
    CaseAssignment,
    CaseRating,
    CaseReply,
    CaseSupervision,
    Deadline,
    DeadlineExtension,
    ExtensionRequest,
)
from congress_office.models.deadlines import PENDING_STATES
from congress_office.services.cases import case_timeline, pending_extension_request

from . import access
from .models import Consultation, Suggestion, SuggestionSigner, SuggestionState
from .services import categories, category_label

HANDLING_KINDS = [f"{Suggestion.case_type_key}.{c}" for c in ("handling", "handling_hard", "reopened")]
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


def _item_type():
    return ContentType.objects.get_for_model(Suggestion)


def _rows_of(model, item_type):
    return model.objects.filter(item_type=item_type, item_id=OuterRef("pk"))


def _count(queryset, count="pk"):
    subquery = queryset.order_by().values("item_id").annotate(n=Count(count)).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def category_label_expression(field_name="category"):
    """category code → "A类：已经解决或者基本解决" in SQL, from the configured labels."""
    whens = [When(**{field_name: code}, then=Value(category_label(code))) for code in categories()]
    return Case(*whens, default=Value(""), output_field=CharField())


def with_list_annotations(queryset, *, deputy=None):
    """Lead signer, number of signers, the current answer due date, the latest answer's
    category, and (for a deputy) whether they still have to rate the current answer."""
    item_type = _item_type()
    latest_reply = _rows_of(CaseReply, item_type).order_by("-round", "-pk")
    queryset = queryset.annotate(
        lead_name=Subquery(
            SuggestionSigner.objects.filter(suggestion=OuterRef("pk"), is_lead=True).values("deputy__name")[:1]
        ),
        signer_count=Coalesce(
            Subquery(
                SuggestionSigner.objects.filter(suggestion=OuterRef("pk"))
                .order_by()
                .values("suggestion")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        answer_due=Subquery(
            Deadline.objects.filter(
                subject_type=item_type,
                subject_id=OuterRef("pk"),
                kind__in=HANDLING_KINDS,
                state__in=PENDING_STATES,
            )
            .order_by("-pk")
            .values("due_date")[:1],
            output_field=DateField(),
        ),
        category=Subquery(latest_reply.values("result")[:1], output_field=CharField()),
    ).annotate(category_label=category_label_expression())
    if deputy is not None:
        queryset = queryset.annotate(
            i_signed=Exists(SuggestionSigner.objects.filter(suggestion=OuterRef("pk"), deputy=deputy)),
            i_rated=Exists(
                _rows_of(CaseRating, item_type).filter(
                    reply__round=OuterRef("round"), rater_key=access.rater_key(deputy)
                )
            ),
        )
    return queryset


def suggestion_list(*, user, filters=None):
    from .filters import SuggestionFilterSet

    qs = with_list_annotations(
        Suggestion.objects.visible_to(user).select_related("township", "lead_unit"),
        deputy=access.own_deputy(user),
    ).order_by("-year", "-sequence", "-pk")
    return SuggestionFilterSet(filters, queryset=qs, user=user)


def suggestion_get(*, user, pk):
    """One suggestion within what `user` may see (Suggestion.DoesNotExist otherwise)."""
    return (
        Suggestion.objects.visible_to(user).select_related("township", "term", "lead_unit", "submitted_by").get(pk=pk)
    )


@dataclass
class SuggestionPage:
    suggestion: Suggestion
    signers: list
    assignments: list  # CaseAssignment rows, each with .deadline (+ extensions)
    consultations: list
    replies: list  # CaseReply rows with .category_label and .rating_list
    supervisions: list
    timeline: list
    feedback: Deadline | None
    pending: list = field(default_factory=list)  # open deadlines (answer, co-input, feedback)
    extension_request: ExtensionRequest | None = None  # the request waiting for a chair

    @property
    def current_consultations(self):
        return [c for c in self.consultations if c.round == self.suggestion.round]

    @property
    def current_lead(self):
        """The lead unit's assignment of the current round (its deadline is the answer clock)."""
        leads = [a for a in self.assignments if a.role == AssignmentRole.LEAD and a.round == self.suggestion.round]
        return leads[-1] if leads else None

    @property
    def latest_reply(self):
        return self.replies[-1] if self.replies else None


def _event_detail(event):
    """One line of what a timeline step carried (units, dates, numbers, the category)."""
    data = event.data or {}
    if event.action in ("assign", "transfer"):
        text = _("主办：%(u)s") % {"u": data.get("lead_unit", "")}
        if data.get("co_units"):
            text += _("；协办：%(u)s") % {"u": "、".join(data["co_units"])}
        return text
    if event.action == "request_extension":
        return _("申请期限 %(a)s → %(b)s") % {"a": data.get("from"), "b": data.get("to")}
    if event.action in ("approve_extension", "extend"):  # "extend": a step recorded before requests
        return _("期限 %(a)s → %(b)s，批准人：%(who)s") % {
            "a": data.get("from"),
            "b": data.get("to"),
            "who": data.get("approver"),
        }
    if event.action == "supervise":
        return data.get("number", "")
    if event.action == "reply":
        return category_label(data.get("result", ""))
    if event.action == "consult":
        return _("%(d)s %(m)s；参加代表：%(who)s；单位人员：%(people)s") % {
            "d": data.get("held_on", ""),
            "m": data.get("method", ""),
            "who": "、".join(data.get("deputies", [])),
            "people": data.get("unit_people", ""),
        }
    if event.action == "co_input":
        return data.get("unit", "")
    if event.action == "submit":
        return _("%(number)s；提出代表：%(names)s") % {
            "number": data.get("number", ""),
            "names": "、".join(data.get("signers", [])),
        }
    return ""


EVENT_TONES = {"reopen": "danger", "close": "success", "refuse_extension": "danger"}


def suggestion_page(*, suggestion) -> SuggestionPage:
    """Everything the detail page shows, in a fixed number of queries."""
    from .services import feedback_deadline

    item_type = _item_type()
    rows = {"item_type": item_type, "item_id": suggestion.pk}
    ratings = Prefetch("ratings", queryset=CaseRating.objects.order_by("pk"), to_attr="rating_list")
    replies = list(
        CaseReply.objects.filter(**rows).select_related("unit", "replied_by").prefetch_related(ratings, "attachments")
    )
    by_rater = {}
    for reply in replies:
        reply.category_label = category_label(reply.result)
        for rating in reply.rating_list:
            rating.round = reply.round
            by_rater.setdefault(rating.rater_key, []).append(rating)
    signers = list(suggestion.signers.select_related("deputy__user"))
    for signer in signers:
        signer.rating_list = by_rater.get(access.rater_key(signer.deputy), [])
    timeline = case_timeline(suggestion)
    for event in timeline:
        event.detail = _event_detail(event)
        event.tone = EVENT_TONES.get(event.action, "")
    extensions = Prefetch(
        "deadline__extensions", queryset=DeadlineExtension.objects.select_related("approver").order_by("created_at")
    )
    return SuggestionPage(
        suggestion=suggestion,
        signers=signers,
        assignments=sorted(
            CaseAssignment.objects.filter(**rows).select_related("unit", "deadline").prefetch_related(extensions),
            key=lambda a: (a.round, a.role != AssignmentRole.LEAD, a.pk),  # each round's lead unit first
        ),
        consultations=list(
            Consultation.objects.filter(suggestion=suggestion)
            .select_related("unit", "recorded_by")
            .prefetch_related("deputies")
            .order_by("round", "held_on", "pk")
        ),
        replies=replies,
        supervisions=list(CaseSupervision.objects.filter(**rows).select_related("unit", "issued_by")),
        timeline=timeline,
        feedback=feedback_deadline(suggestion) if suggestion.state == SuggestionState.REPLIED else None,
        # the request waiting for a chair, while the suggestion is being handled (a refused one
        # is in the timeline, with the reason)
        extension_request=pending_extension_request(suggestion) if suggestion.state in access.HANDLING else None,
    )


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class YearReport:
    year: int
    rows: list
    total: int = 0
    answered: int = 0
    consulted: int = 0
    solved: int = 0
    ratings: int = 0  # ratings given (满意, 基本满意, 不满意): the denominator of 满意率
    satisfied: int = 0
    unrated: int = 0  # 未评价: the feedback window ended without a rating; not in the denominator
    resolved_categories: list = field(default_factory=list)  # the codes counted as 解决
    by_state: list = field(default_factory=list)  # [(label, count)]
    by_category: list = field(default_factory=list)  # [(label, count)]

    @property
    def resolved_label(self):
        """The categories counted as 解决, in words: “A类” or “A类、B类”."""
        return "、".join(_("%(code)s类") % {"code": code} for code in self.resolved_categories)

    @property
    def consultation_rate(self):
        """面商率: answered suggestions whose unit consulted the deputies before the first answer."""
        return _percent(self.consulted, self.answered)

    @property
    def solved_rate(self):
        """解决率: answered suggestions whose latest answer is in a category counted as solved
        (settings.SUGGESTION_RESOLVED_CATEGORIES, A by default)."""
        return _percent(self.solved, self.answered)

    @property
    def satisfaction_rate(self):
        """满意率: ratings that are 满意 or 基本满意, of the ratings given. 未评价 (recorded when a
        feedback window lapsed) is counted apart and is not in the denominator."""
        return _percent(self.satisfied, self.ratings)


def resolved_categories():
    """The answer categories counted as 解决 in 解决率, read when used."""
    return [str(code) for code in settings.SUGGESTION_RESOLVED_CATEGORIES]


def suggestion_year_report(*, user, year) -> YearReport:
    """The year's suggestions (by the year of submission) that `user` may see, and the rates
    reported to the session. Two queries: the annotated rows, and their signers."""
    item_type = _item_type()
    replies = _rows_of(CaseReply, item_type)
    first_reply = replies.order_by("round", "pk")
    ratings = _rows_of(CaseRating, item_type)
    consulted_before = Consultation.objects.filter(
        suggestion=OuterRef("pk"),
        round=1,
        recorded_at__lte=OuterRef("first_replied_at"),
    )
    rows = list(
        with_list_annotations(Suggestion.objects.visible_to(user).filter(year=year))
        .select_related("township", "lead_unit")
        .annotate(first_replied_at=Subquery(first_reply.values("replied_at")[:1]))
        .annotate(
            consulted_before=Exists(consulted_before),
            rating_count=_count(ratings.exclude(satisfaction=Satisfaction.UNRATED)),
            satisfied_count=_count(ratings.filter(satisfaction__in=SATISFIED)),
            unsatisfied_count=_count(ratings.filter(satisfaction=Satisfaction.UNSATISFIED)),
            unrated_count=_count(ratings.filter(satisfaction=Satisfaction.UNRATED)),
        )
        .prefetch_related(Prefetch("signers", queryset=SuggestionSigner.objects.select_related("deputy")))
        .order_by("township__code", "sequence")
    )
    resolved = resolved_categories()
    report = YearReport(year=year, rows=rows, total=len(rows), resolved_categories=resolved)
    for row in rows:
        if row.first_replied_at is None:
            continue
        report.answered += 1
        report.consulted += row.consulted_before
        report.solved += row.category in resolved
    report.ratings = sum(r.rating_count for r in rows)
    report.satisfied = sum(r.satisfied_count for r in rows)
    report.unrated = sum(r.unrated_count for r in rows)
    states = {value: 0 for value in SuggestionState.values}
    cats = {code: 0 for code in categories()}
    for row in rows:
        states[row.state] = states.get(row.state, 0) + 1
        if row.category in cats:
            cats[row.category] += 1
    report.by_state = [(SuggestionState(v).label, n) for v, n in states.items()]
    report.by_category = [(category_label(code), n) for code, n in cats.items()]
    return report


def deputy_suggestion_rows(deputy, year):
    """The deputy's record section: the suggestions they signed in `year` (one query)."""
    queryset = (
        with_list_annotations(Suggestion.objects.filter(signers__deputy=deputy, year=year))
        .annotate(
            is_lead=Exists(SuggestionSigner.objects.filter(suggestion=OuterRef("pk"), deputy=deputy, is_lead=True))
        )
        .order_by("submitted_at", "pk")
    )
    rows = []
    for s in queryset:
        role = "领衔" if s.is_lead else "联名"
        parts = [str(SuggestionState(s.state).label)]
        parts.append(s.category_label or "未答复")
        rows.append(
            {
                "date": s.submitted_at.date() if s.submitted_at else None,
                "text": f"{s.number} {s.title}（{role}；{'；'.join(parts)}）",
                "url": s.get_absolute_url(),
            }
        )
    return rows


def awaiting_assignment_count(user):
    return Suggestion.objects.visible_to(user).filter(state=SuggestionState.REGISTERED).count()


def awaiting_my_rating_count(user, deputy):
    item_type = _item_type()
    rated = CaseRating.objects.filter(
        item_type=item_type, item_id=OuterRef("pk"), reply__round=OuterRef("round"), rater_key=access.rater_key(deputy)
    )
    return (
        Suggestion.objects.filter(signers__deputy=deputy, state=SuggestionState.REPLIED).filter(~Exists(rated)).count()
    )


def unit_open_count(user):
    handled = Q(state__in=[SuggestionState.ASSIGNED, SuggestionState.REOPENED])
    return Suggestion.objects.visible_to(user).filter(handled).count()


__all__ = [
    "SuggestionPage",
    "YearReport",
    "awaiting_assignment_count",
    "awaiting_my_rating_count",
    "deputy_suggestion_rows",
    "suggestion_get",
    "suggestion_list",
    "suggestion_page",
    "suggestion_year_report",
    "unit_open_count",
    "with_list_annotations",
]
