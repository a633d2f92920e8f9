"""Reads of the petition office pages. Each returns a fixed number of queries whatever the
number of rows; every one starts from `Petition.objects.visible_to(user)`."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Subquery

from congress_office.models import Deadline

from .filters import PetitionFilterSet, pending_deadlines_of
from .models import Petition, Subject

# stable pages: several petitions arrive on the same day
PETITION_ORDER = ("-received_on", "-pk")


def petition_list(*, user, filters=None) -> PetitionFilterSet:
    """The petitions the user may see, filtered, newest first. A page of it gets each row's
    `next_due` from `attach_next_due`; an export iterating every row uses `with_next_due`."""
    qs = Petition.objects.visible_to(user).select_related("township", "subject").order_by(*PETITION_ORDER)
    return PetitionFilterSet(filters, queryset=qs, user=user)


def with_next_due(petitions):
    """Each row annotated with `next_due`, the earliest pending deadline (a subquery per row:
    for exports, which read every row anyway)."""
    return petitions.annotate(next_due=Subquery(pending_deadlines_of().order_by("due_date").values("due_date")[:1]))


def attach_next_due(petitions):
    """Set `next_due` on a page of petitions (a list) in one query."""
    due = dict(
        pending_deadlines_of([p.pk for p in petitions])
        .values("subject_id")
        .annotate(first=Min("due_date"))
        .values_list("subject_id", "first")
    )
    for petition in petitions:
        petition.next_due = due.get(petition.pk)


def petition_get(*, user, pk) -> Petition:
    """One petition within what the user may see (Petition.DoesNotExist otherwise)."""
    return (
        Petition.objects.visible_to(user)
        .select_related(
            "township", "subject", "lead_unit", "registered_by", "source_deputy", "leader_owner", "repeat_of__township"
        )
        .get(pk=pk)
    )


def petition_deadlines(petition):
    """Every deadline of the petition (acceptance, handling, review …), oldest first, with
    its extensions: two queries."""
    return list(
        Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Petition), subject_id=petition.pk)
        .select_related("responsible_unit")
        .prefetch_related("extensions__approver")
        .order_by("created_at", "pk")
    )


def petition_repeats(petition, *, user):
    """Later petitions recorded as repeats of this one."""
    return list(
        Petition.objects.visible_to(user)
        .filter(repeat_of=petition)
        .select_related("township")
        .order_by("received_on", "pk")
    )


def subject_list(*, user):
    return Subject.objects.visible_to(user).select_related("township").order_by("township__code", "name")
