import pytest

from congress_office.roles import Role

from .factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory


@pytest.fixture
def term(township):
    return TermFactory(township=township)


@pytest.fixture
def other_term(other_township):
    return TermFactory(township=other_township)


@pytest.fixture
def district(term):
    return DistrictFactory(term=term, name="东风村选区", seats=3)


@pytest.fixture
def group(term):
    return DeputyGroupFactory(term=term, name="东风片代表小组")


@pytest.fixture
def deputy_user(users):
    return users[Role.DEPUTY]


@pytest.fixture
def deputy(term, district, group, deputy_user):
    """The deputy whose account is users[Role.DEPUTY]."""
    return DeputyFactory(term=term, district=district, group=group, name="张桂兰", user=deputy_user)


@pytest.fixture
def other_deputy(other_term):
    return DeputyFactory(term=other_term, name="吴德明")
