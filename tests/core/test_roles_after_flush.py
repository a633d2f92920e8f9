"""The role groups survive a transactional test's flush (post_migrate restores them), so a test
that runs after one still gets users with permissions."""

import pytest
from django.contrib.auth.models import Group

from congress_office.roles import Role

pytestmark = pytest.mark.xdist_group("flush-probe")


@pytest.mark.django_db(transaction=True)
def test_first_transactional_test_flushes_at_its_end(make_user, township):
    assert make_user(Role.CLERK, township).has_perm("core.add_deadline")


@pytest.mark.django_db(transaction=True)
def test_role_groups_are_back_after_the_flush(make_user, township):
    assert set(Role.values) <= set(Group.objects.values_list("name", flat=True))
    clerk = make_user(Role.CLERK, township)
    assert clerk.has_perm("core.add_deadline") and clerk.has_perm("petitions.register_petition")
