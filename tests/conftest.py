import os

import pytest
from django.conf import settings

from congress_office.roles import Role

from .factories import TownshipFactory, UnitFactory, UserFactory


def pytest_configure(config):
    # In CI (and scripts/test) the real services are required: fail loudly, never skip.
    if os.environ.get("REQUIRE_SERVICES"):
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"REQUIRE_SERVICES is set but the database is {engine}; set DATABASE_URL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES is set but REDIS_URL is not")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the product's default language: a request that switched to English
    leaves English active in the thread, which would leak into the next test's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def township(db):
    return TownshipFactory(code="qingshan", name="青山镇", agency_code="青人")


@pytest.fixture
def other_township(db):
    return TownshipFactory(code="baishui", name="白水乡", agency_code="白人")


@pytest.fixture
def unit(township):
    return UnitFactory(township=township, name="自然资源所")


@pytest.fixture
def other_unit(other_township):
    return UnitFactory(township=other_township, name="财政所")


@pytest.fixture
def make_user(db):
    def make(role, township=None, **kwargs):
        return UserFactory(roles=[role] if role else [], township=township, **kwargs)

    return make


@pytest.fixture
def users(township, unit, make_user):
    """One user of each role in the first township (county and admin are county-wide)."""
    return {
        Role.CLERK: make_user(Role.CLERK, township, username="clerk"),
        Role.CHAIR: make_user(Role.CHAIR, township, username="chair"),
        Role.DEPUTY: make_user(Role.DEPUTY, township, username="deputy"),
        Role.UNIT_HANDLER: make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit),
        Role.AUDITOR: make_user(Role.AUDITOR, township, username="auditor"),
        Role.COUNTY: make_user(Role.COUNTY, None, username="county"),
        Role.ADMIN: make_user(Role.ADMIN, None, username="admin", is_staff=True),
    }


@pytest.fixture
def clerk(users):
    return users[Role.CLERK]


@pytest.fixture
def chair(users):
    return users[Role.CHAIR]


@pytest.fixture
def other_clerk(other_township, make_user):
    return make_user(Role.CLERK, other_township, username="other_clerk")


@pytest.fixture
def other_chair(other_township, make_user):
    return make_user(Role.CHAIR, other_township, username="other_chair")


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client, logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
