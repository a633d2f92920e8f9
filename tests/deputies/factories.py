from datetime import date

import factory

from deputies.choices import ActivityStatus, ActivityType, Gender
from deputies.models import Activity, Deputy, DeputyGroup, District, Term, Training
from tests.factories import TownshipFactory


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("township", "number")

    township = factory.SubFactory(TownshipFactory)
    number = 19
    start_date = date(2026, 1, 10)
    end_date = date(2031, 1, 10)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    township = factory.SelfAttribute("term.township")
    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"第{n + 1}选区")
    seats = 3


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    township = factory.SelfAttribute("term.township")
    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"第{n + 1}代表小组")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    term = factory.SubFactory(TermFactory)
    township = factory.SelfAttribute("term.township")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Gender.FEMALE
    birth_date = date(1975, 3, 8)
    district = None
    group = None


class ActivityFactory(factory.django.DjangoModelFactory):
    """Creates rows directly (for lists and records); workflow tests use the services."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    type = ActivityType.CONTACT_VOTERS
    date = date(2026, 6, 15)
    place = "村委会"
    title = factory.Sequence(lambda n: f"联系选民活动{n}")
    summary = "走访选民，听取意见建议。"
    status = ActivityStatus.CONFIRMED
    submitted_by = factory.SubFactory("tests.factories.UserFactory", township=factory.SelfAttribute("..township"))

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if extracted:
            self.participants.set(extracted)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    township = factory.SubFactory(TownshipFactory)
    title = factory.Sequence(lambda n: f"代表履职培训{n}")
    date = date(2026, 7, 10)
