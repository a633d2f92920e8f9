from django.contrib.auth.models import Group
from django.db import transaction

from ..models import User


def user_password_changed(*, user):
    """After the user set their own password, the first-login requirement is lifted."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


@transaction.atomic
def user_upsert(*, username, password, roles, township=None, unit=None, name="", email="", must_change_password=True):
    """Create or update an account with exactly `roles` (used by seed_demo and admins' scripts)."""
    user, created = User.objects.get_or_create(username=username)
    user.name, user.email, user.township, user.unit = name, email, township, unit
    user.is_staff = "admin" in roles
    if created:
        user.set_password(password)
        user.must_change_password = must_change_password
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user, created
