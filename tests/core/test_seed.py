from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from congress_office.models import ArchiveItem, Deadline, Fonds, Reminder, Township, Unit, User
from congress_office.roles import Role


def counts():
    return {
        "townships": Township.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "deadlines": Deadline.objects.count(),
        "reminders": Reminder.objects.count(),
        "archive_items": ArchiveItem.objects.count(),
    }


def test_seed_demo_builds_two_townships_with_every_role_and_running_it_twice_duplicates_nothing(db):
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert set(Township.objects.values_list("name", flat=True)) == {"青山镇", "白水乡"}
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    for township in Township.objects.all():
        assert Deadline.objects.filter(township=township).exists()
        assert User.objects.filter(township=township, groups__name=Role.CLERK).exists()
    qs_clerk = User.objects.get(username="qs_clerk")
    assert qs_clerk.check_password("Demo@2026")
    assert not qs_clerk.must_change_password
    # demo deadlines come in every state so the dashboards have something to show
    states = set(Deadline.objects.filter(township__code="qingshan").values_list("state", flat=True))
    assert {"met", "extended"} <= states and states & {"open", "overdue"}
    # each township's 全宗, and last year archived (this year is left for the auditor)
    assert dict(Fonds.objects.values_list("township__code", "code")) == {"qingshan": "0123", "baishui": "0124"}
    years = set(ArchiveItem.objects.values_list("year", flat=True))
    assert years == {timezone.localdate().year - 1}


def test_roles_are_groups_with_permissions_created_by_migration(db):
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(groups) >= set(Role.values)
    clerk = {f"{p.content_type.app_label}.{p.codename}" for p in groups[Role.CLERK].permissions.all()}
    chair = {f"{p.content_type.app_label}.{p.codename}" for p in groups[Role.CHAIR].permissions.all()}
    assert "core.add_deadline" in clerk and "core.approve_extension" not in clerk
    assert "core.approve_extension" in chair and "core.add_deadline" not in chair
    assert not groups[Role.COUNTY].permissions.filter(codename__startswith="add_").exists()
