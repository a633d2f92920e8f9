"""Reads of the handling panels on a petition's page: assignments and their clocks, supervision
notices, replies and ratings, leader instructions, 复查 / 复核, the completion report and
return visits (the page itself shows the timeline, from case_timeline). A fixed number of
queries whatever the number of rows; the petition itself was fetched through
`Petition.objects.visible_to(user)`."""

from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from congress_office.models import (
    AssignmentRole,
    CaseAssignment,
    CaseReply,
    CaseSupervision,
    Deadline,
    ExtensionRequest,
    ExtensionRequestState,
)
from congress_office.services.cases import case_may

from .choices import ReviewKind
from .models import CompletionReport, Petition
from .services.handling import handling_extensions


def _rows(model, petition):
    return model.objects.filter(item_type=ContentType.objects.get_for_model(Petition), item_id=petition.pk)


def petition_handling(*, petition, user):
    """Everything the handling panels show, as a dict for the template."""
    assignments = sorted(
        _rows(CaseAssignment, petition).select_related("unit", "deadline", "assigned_by"),
        key=lambda a: (a.round, a.role != AssignmentRole.LEAD, a.pk),  # each round: the lead unit first
    )
    rounds = [(number, list(rows)) for number, rows in groupby(assignments, key=lambda a: a.round)]
    review_deadlines = {
        d.kind.rsplit(".", 1)[1]: d
        for d in Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Petition),
            subject_id=petition.pk,
            kind__in=[f"{Petition.case_type_key}.{k}" for k in ReviewKind.values],
        ).order_by("pk")
    }
    reviews = list(petition.reviews.select_related("recorded_by").order_by("requested_on", "pk"))
    for review in reviews:
        review.deadline = review_deadlines.get(review.kind)
    requests = list(
        _rows(ExtensionRequest, petition)
        .exclude(state=ExtensionRequestState.APPROVED)  # an approved one shows as its extension
        .select_related("requested_by", "decided_by", "deadline")
        .order_by("requested_at", "pk")
    )
    pending = next((r for r in requests if r.is_pending), None)
    return {
        "rounds": rounds,
        "supervisions": list(
            _rows(CaseSupervision, petition).select_related("unit", "issued_by").order_by("issued_at")
        ),
        "replies": list(
            _rows(CaseReply, petition)
            .select_related("unit", "replied_by")
            .prefetch_related("ratings", "attachments")
            .order_by("round")
        ),
        "extensions": list(handling_extensions(petition).select_related("approver", "requested_by", "deadline")),
        # the request waiting for a chair, and the ones refused (with the chair's reason)
        "pending_extension": pending,
        "refused_extensions": [r for r in requests if not r.is_pending],
        "can_decide_extension": pending is not None and case_may(item=petition, action="approve_extension", by=user),
        "instructions": list(petition.instructions.select_related("leader").order_by("created_at")),
        "reviews": reviews,
        "completion_report": CompletionReport.objects.filter(petition=petition).select_related("filed_by").first(),
        "return_visits": list(petition.return_visits.select_related("visited_by").order_by("visited_on", "pk")),
        "can_print": user.has_perm("petitions.view_petition"),
        "today": timezone.localdate(),
    }
