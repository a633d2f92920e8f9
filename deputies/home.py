"""The deputies app's blocks of the role homes (congress_office.home): the deputy's own next
actions (记录履职活动, 提建议, activities returned for changes, coming reception days), the
clerk's activities to confirm, the chair's awards of the year. Each block reads a fixed number
of queries."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.home import TOP, QueueItem, member, queue_of
from congress_office.registries import HomeSection, home_sections
from congress_office.roles import Role

from .choices import ActivityStatus


def own_deputy(user):
    """The register entry linked to a deputy's account (cached on the user), or None."""
    from .suggestions.access import own_deputy as linked

    if not user.has_role(Role.DEPUTY) or user.township_id is None:
        return None
    return linked(user)


def deputy_actions_section(user):
    """The deputy's two big buttons (记录履职活动, 提建议) and their own 履职档案 (one query: the
    linked register entry)."""
    if not user.has_role(Role.DEPUTY) or user.township_id is None:
        return None
    deputy = own_deputy(user)
    year = timezone.localdate().year
    return HomeSection(
        title=_("我要办"),
        template="deputies/home/_deputy_actions.html",
        context={
            "can_log": user.has_perm("deputies.add_activity"),
            "can_suggest": user.has_perm("deputies.add_suggestion"),
            "record_url": reverse("deputies:record_detail", args=[deputy.pk, year])
            if deputy is not None and user.has_perm("deputies.view_record")
            else "",
            "year": year,
        },
        order=1,
        wide=True,
    )


def returned_activities_section(user):
    """A deputy's activities the office returned for changes (two queries); the count links to
    the activity list filtered the same way."""
    from .models import Activity

    if not member(user, Role.DEPUTY, "deputies.view_activity"):
        return None
    return queue_of(
        Activity.objects.visible_to(user).filter(status=ActivityStatus.RETURNED).order_by("-date", "-pk"),
        item=lambda a: QueueItem(
            title=a.title, url=a.get_absolute_url(), note=a.return_reason, badge=a.date.isoformat()
        ),
        title=_("退回修改的履职活动"),
        url=reverse("deputies:activity_list") + "?status=returned",
        empty=_("没有退回修改的履职活动。"),
        order=30,
        icon="bi-arrow-counterclockwise",
        tone="warning",
    )


def reception_days_section(user):
    """A deputy's coming reception days (接待选民日) from today (one query after the linked
    register entry)."""
    from .models import ReceptionDay

    deputy = own_deputy(user)
    if deputy is None:
        return None
    today = timezone.localdate()
    coming = list(
        ReceptionDay.objects.filter(deputies=deputy, date__gte=today)
        .select_related("district")
        .order_by("date", "pk")[:TOP]
    )
    return HomeSection(
        title=_("我的接待选民日"),
        template="deputies/home/_reception_days.html",
        context={"days": coming, "can_open": user.has_perm("deputies.view_receptionday")},
        order=50,
    )


def activities_to_confirm_section(user):
    """The clerk's 待确认: activities deputies logged and the office has not confirmed, oldest
    first (two queries)."""
    from .models import Activity

    if not member(user, Role.CLERK, "deputies.review_activity"):
        return None
    return queue_of(
        Activity.objects.visible_to(user).filter(status=ActivityStatus.SUBMITTED).order_by("date", "pk"),
        item=lambda a: QueueItem(
            title=a.title, url=a.get_absolute_url(), note=a.get_type_display(), badge=a.date.isoformat()
        ),
        title=_("待确认履职活动"),
        url=reverse("deputies:activity_list") + "?status=submitted",
        empty=_("没有待确认的履职活动。"),
        order=30,
        icon="bi-person-check",
        tone="warning",
    )


def award_year(today):
    """The year whose awards (评先评优) the presidium decides now: last year until the end of
    March, then this year."""
    return today.year - 1 if today.month <= 3 else today.year


def awards_section(user):
    """A chair's 评先评优: the awards confirmed for the year so far (one query), linking to the
    assessment page where the presidium confirms the proposed groups and deputies."""
    from .models import Award

    if not member(user, Role.CHAIR, "deputies.add_award"):
        return None
    year = award_year(timezone.localdate())
    confirmed = Award.objects.filter(township_id=user.township_id, year=year).count()
    return HomeSection(
        title=_("评先评优"),
        template="deputies/home/_awards.html",
        context={
            "year": year,
            "confirmed": confirmed,
            "url": reverse("deputies:assessment") + f"?year={year}",
        },
        order=40,
    )


def register():
    home_sections.register("deputies.deputy_actions", deputy_actions_section)
    home_sections.register("deputies.returned_activities", returned_activities_section)
    home_sections.register("deputies.reception_days", reception_days_section)
    home_sections.register("deputies.activities_to_confirm", activities_to_confirm_section)
    home_sections.register("deputies.awards", awards_section)
