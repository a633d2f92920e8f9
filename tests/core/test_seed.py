import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from congress_office.management.commands.seed_demo import DEMO_PASSWORD
from congress_office.models import ArchiveItem, Deadline, Fonds, Reminder, Township, Unit, User
from congress_office.roles import Role
from congress_office.services.users import user_upsert

from ..demo_snapshot import seed_demo_once


def counts():
    return {
        "townships": Township.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "deadlines": Deadline.objects.count(),
        "reminders": Reminder.objects.count(),
        "archive_items": ArchiveItem.objects.count(),
    }


@pytest.mark.xdist_group("demo")  # with the demo-data modules, which seed once (tests/demo_snapshot.py)
def test_seed_demo_builds_two_townships_with_every_role_and_running_it_twice_duplicates_nothing(db):
    seed_demo_once()
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


DEMO_USERNAMES = ["admin", "county", "qs_clerk", "qs_chair", "qs_deputy", "bs_clerk", "bs_auditor"]


@override_settings(PRODUCTION=True)
def test_seed_demo_refuses_to_run_under_production_settings_without_force(db):
    """Production settings: no demo data (and no account with the published password) unless
    the operator says --force."""
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert counts() == {k: 0 for k in counts()}


@override_settings(PRODUCTION=True)
def test_seed_demo_with_force_in_production_gives_new_accounts_a_random_password_printed_once(db):
    # an account left from before (or made by hand) with the published password
    user_upsert(username="qs_clerk", password=DEMO_PASSWORD, roles=[Role.CLERK], must_change_password=False)
    out = StringIO()
    # the accounts come from the platform's part: the petitions are enough around it
    call_command("seed_demo", force=True, only=["petitions"], stdout=out)
    output = out.getvalue()
    assert DEMO_PASSWORD not in output
    password = re.search(r"随机密码（[^）]*）：(\S+)", output).group(1)
    assert output.count(password) == 1
    assert len(password) >= 16
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(password), username
        assert not user.check_password(DEMO_PASSWORD), username
        assert user.must_change_password, username  # a shared password is changed at first login

    # run again: nothing new, so no password printed and none changed
    again = StringIO()
    call_command("seed_demo", force=True, only=["petitions"], stdout=again)
    assert "没有新建账号" in again.getvalue()
    assert password not in again.getvalue() and DEMO_PASSWORD not in again.getvalue()
    assert User.objects.get(username="admin").check_password(password)


def test_seed_demo_only_some_apps_seeds_the_platform_and_those_apps_and_no_archive(db):
    """--only petitions (what scripts/two-nodes-check needs): every account and the petitions with
    their handling, no deputies, documents or archive."""
    from deputies.models import Deputy
    from documents.models import IncomingDocument
    from petitions.models import Petition

    call_command("seed_demo", only=["petitions"], verbosity=0)

    assert User.objects.filter(username="qs_clerk").exists()
    assert Petition.objects.filter(township__code="qingshan").count() >= 30
    assert Petition.objects.exclude(state="registered").exists()  # petitions.handling ran too
    assert not Deputy.objects.exists() and not IncomingDocument.objects.exists()
    assert not ArchiveItem.objects.exists()
