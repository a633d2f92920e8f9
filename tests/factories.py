"""factory_boy factories of the core; apps keep theirs in tests/<app>/factories.py."""

from datetime import date

import factory
from django.contrib.auth.models import Group

from congress_office.models import DeadlineRule, Township, Unit, UnitKind, User
from congress_office.services.deadlines import deadline_open

PASSWORD = "Test@2026pass"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"town{n}")
    name = factory.Sequence(lambda n: f"测试{n}镇")
    county = "示范县"
    agency_code = factory.Sequence(lambda n: f"测{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"承办单位{n}")
    kind = UnitKind.OFFICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    township = factory.SubFactory(TownshipFactory)
    must_change_password = False
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        self.save()


def make_deadline(
    *,
    township,
    title="督办事项",
    start=date(2026, 11, 2),
    rule=DeadlineRule.CALENDAR_DAYS,
    limit=15,
    unit=None,
    user=None,
    kind="core.general",
):
    return deadline_open(
        township=township,
        kind=kind,
        title=title,
        start_date=start,
        rule=rule,
        limit=limit,
        responsible_unit=unit,
        responsible_user=user,
    )


def make_archive_items(township, fonds, by, series, *, year=2026, title="测试文件{n}", responsible="办公室"):
    """Archive items straight into the table, `series` = [(retention, count), …], numbered from 1
    in each series; their kind has no section, so each renders the core's summary page (what a
    separate worker process can do, knowing none of a test's sections)."""
    from django.contrib.contenttypes.models import ContentType

    from congress_office.models import ArchiveItem, Township
    from congress_office.services.archive import archive_code

    kind = ContentType.objects.get_for_model(Township)
    rows, n = [], 0
    for retention, count in series:
        for sequence in range(1, count + 1):
            n += 1
            rows.append(
                ArchiveItem(
                    township=township,
                    fonds=fonds,
                    year=year,
                    retention=retention,
                    org_code="BGS",
                    sequence=sequence,
                    code=archive_code(fonds.code, year, retention, "BGS", sequence),
                    kind="tests.gone",
                    item_type=kind,
                    item_id=10_000 + n,
                    title=title.format(n=n),
                    responsible=responsible,
                    date=date(year, 1 + n % 12, 10),
                    archived_by=by,
                )
            )
    return ArchiveItem.objects.bulk_create(rows)
