"""The deputy-group assessment (代表小组考评): configurable scoring of the year's record, the
ranking that proposes 先进代表小组 and 优秀代表, and the presidium's confirmation of awards."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.roles import Role
from deputies import selectors
from deputies.choices import ActivityType, DeputyStatus
from deputies.models import Award, GroupScoring, ReceptionDay
from deputies.services.awards import award_confirm, group_scoring_save

from .factories import ActivityFactory, DeputyFactory, DeputyGroupFactory, DistrictFactory, TrainingFactory

YEAR = 2026
URL = reverse("deputies:assessment") + f"?year={YEAR}"


def act(township, by, people, type=ActivityType.CONTACT_VOTERS, day=date(YEAR, 5, 1), **kw):
    return ActivityFactory(township=township, submitted_by=by, participants=people, type=type, date=day, **kw)


@pytest.fixture
def scene(township, term, clerk):
    """Two groups. 东风片: 甲 (inspection 3 + report 5 + training 2 = 10) and 乙 (contact 2):
    average 6. 河口片: 丙 (reception day 2 + contact 2 = 4), 丁 (nothing): average 2. 戊 has
    no group; 己 is terminated and does not count."""
    east = DeputyGroupFactory(term=term, name="东风片代表小组")
    river = DeputyGroupFactory(term=term, name="河口片代表小组")
    people = {
        "甲": DeputyFactory(term=term, group=east, name="甲"),
        "乙": DeputyFactory(term=term, group=east, name="乙"),
        "丙": DeputyFactory(term=term, group=river, name="丙"),
        "丁": DeputyFactory(term=term, group=river, name="丁"),
        "戊": DeputyFactory(term=term, name="戊"),
        "己": DeputyFactory(
            term=term,
            group=river,
            name="己",
            status=DeputyStatus.TERMINATED,
            status_reason="辞职",
            status_date=date(YEAR, 3, 1),
        ),
    }
    act(township, clerk, [people["甲"]], ActivityType.INSPECTION)
    act(township, clerk, [people["甲"]], ActivityType.REPORT)
    act(township, clerk, [people["乙"], people["丙"], people["己"]])
    act(township, clerk, [people["甲"]], ActivityType.RESEARCH, day=date(YEAR - 1, 12, 30))  # last year
    act(township, clerk, [people["乙"]], status="submitted")  # not confirmed
    TrainingFactory(township=township, date=date(YEAR, 6, 25)).attendees.set([people["甲"]])
    day = ReceptionDay.objects.create(
        township=township, district=DistrictFactory(term=term), date=date(YEAR, 4, 15), place="联络站"
    )
    day.deputies.set([people["丙"]])
    return {"east": east, "river": river, **people}


def scores(township):
    rows, _scoring = selectors.deputy_scores(township=township, year=YEAR)
    return {d.name: s for d, s in rows}


# --- scoring and ranking ------------------------------------------------------------------


def test_default_points_score_confirmed_activities_trainings_and_reception_days(scene, township):
    assert scores(township) == {"甲": 10, "乙": 2, "丙": 4, "丁": 0, "戊": 0}


def test_the_scoring_table_is_configurable(scene, township):
    GroupScoring.objects.create(
        township=township,
        year=YEAR,
        points={"inspection": 10, "contact": "0.5", "report": 1},
        training_points=Decimal("1.5"),
        reception_points=0,
    )

    assert scores(township) == {"甲": Decimal("12.5"), "乙": Decimal("0.5"), "丙": Decimal("0.5"), "丁": 0, "戊": 0}


def test_the_ranking_proposes_the_top_groups_and_deputies(scene, township):
    GroupScoring.objects.create(township=township, year=YEAR, excellent_groups=1, excellent_deputies=2)

    ranking = selectors.group_ranking(township=township, year=YEAR)

    assert [(g.name, avg, n, proposed) for g, avg, n, proposed in ranking["groups"]] == [
        ("东风片代表小组", Decimal("6.0"), 2, True),
        ("河口片代表小组", Decimal("2.0"), 2, False),
    ]
    assert [(d.name, s, proposed) for d, s, proposed in ranking["deputies"]] == [
        ("甲", 10, True),
        ("丙", 4, True),
        ("乙", 2, False),
        ("丁", 0, False),
        ("戊", 0, False),
    ]


def test_a_year_without_record_proposes_nobody(scene, township):
    ranking = selectors.group_ranking(township=township, year=YEAR + 1)

    assert not any(row[3] for row in ranking["groups"]) and not any(row[2] for row in ranking["deputies"])


# --- the scoring service ------------------------------------------------------------------


def scoring_kwargs(**overrides):
    return {
        "points": {value: 2 for value in ActivityType.values},
        "training_points": Decimal("3"),
        "reception_points": Decimal("1.5"),
        "excellent_groups": 3,
        "excellent_deputies": 6,
        **overrides,
    }


def test_the_office_sets_the_scoring_table(township, clerk):
    scoring = group_scoring_save(township=township, year=YEAR, by=clerk, **scoring_kwargs())
    again = group_scoring_save(
        township=township, year=YEAR, by=clerk, **scoring_kwargs(points={"inspection": Decimal("4.5")})
    )

    assert again.pk == scoring.pk and GroupScoring.objects.count() == 1
    again.refresh_from_db()
    assert again.points == {"inspection": 4.5} and again.training_points == 3 and again.excellent_deputies == 6


@pytest.mark.parametrize("who", ["chair", "other_clerk"])
def test_only_the_townships_office_sets_the_scoring_table(request, township, who):
    with pytest.raises(PermissionDenied):
        group_scoring_save(township=township, year=YEAR, by=request.getfixturevalue(who), **scoring_kwargs())


def test_the_scoring_table_rejects_negative_points_and_unknown_types(township, clerk):
    with pytest.raises(ValidationError, match="负数"):
        group_scoring_save(township=township, year=YEAR, by=clerk, **scoring_kwargs(training_points=Decimal(-1)))
    with pytest.raises(ValidationError, match="未知的活动类型"):
        group_scoring_save(township=township, year=YEAR, by=clerk, **scoring_kwargs(points={"bogus": 1}))


def test_the_scoring_table_is_locked_once_awards_are_confirmed(scene, township, clerk, chair):
    award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=scene["甲"], by=chair)

    with pytest.raises(ValidationError, match="已经确认"):
        group_scoring_save(township=township, year=YEAR, by=clerk, **scoring_kwargs())


# --- the award service --------------------------------------------------------------------


def test_the_chair_confirms_awards_with_the_rankings_score(scene, township, chair):
    group_award = award_confirm(township=township, year=YEAR, kind=Award.Kind.GROUP, target=scene["east"], by=chair)
    deputy_award = award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=scene["甲"], by=chair)

    assert (group_award.group, group_award.score, group_award.confirmed_by) == (scene["east"], Decimal("6.0"), chair)
    assert (deputy_award.deputy, deputy_award.score) == (scene["甲"], 10)
    assert group_award.history.count() == 1  # audited


def test_an_award_is_confirmed_once_per_year_and_kind(scene, township, chair):
    award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=scene["甲"], by=chair)

    with pytest.raises(ValidationError) as error:
        award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=scene["甲"], by=chair)

    assert error.value.messages == ["“甲”已被确认为2026年度优秀代表，不能重复确认。"]
    # another year is another award
    award_confirm(township=township, year=YEAR + 1, kind=Award.Kind.DEPUTY, target=scene["甲"], by=chair)
    assert Award.objects.filter(deputy=scene["甲"]).count() == 2


@pytest.mark.parametrize("who", ["clerk", "other_chair"])
def test_only_a_chair_of_the_township_confirms_awards(request, scene, township, who):
    with pytest.raises(PermissionDenied):
        award_confirm(
            township=township, year=YEAR, kind=Award.Kind.GROUP, target=scene["east"], by=request.getfixturevalue(who)
        )
    assert not Award.objects.exists()


def test_an_award_needs_a_target_of_the_township_and_of_the_year(scene, township, chair, other_deputy):
    with pytest.raises(ValidationError, match="本乡镇"):
        award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=other_deputy, by=chair)
    with pytest.raises(ValidationError, match="本乡镇"):  # kind and target do not match
        award_confirm(township=township, year=YEAR, kind=Award.Kind.GROUP, target=scene["甲"], by=chair)
    with pytest.raises(ValidationError, match="不在2026年度的考评范围内"):
        award_confirm(township=township, year=YEAR, kind=Award.Kind.DEPUTY, target=scene["己"], by=chair)
    assert not Award.objects.exists()


# --- the assessment page ------------------------------------------------------------------


def test_the_office_sees_the_scoring_table_and_the_ranking(client, clerk, scene):
    client.force_login(clerk)

    html = client.get(URL).content.decode()

    scoring = html.split('data-testid="scoring-table"')[1].split("</table>")[0]
    assert "视察" in scoring and "参加人大组织的代表培训（每次）" in scoring and "2 个" in scoring
    groups = html.split('data-testid="group-ranking"')[1].split("</table>")[0]
    assert groups.index("东风片代表小组") < groups.index("河口片代表小组")
    assert groups.count('data-proposed="1"') == 2  # default: two groups proposed
    deputies = html.split('data-testid="deputy-ranking"')[1].split("</table>")[0]
    assert deputies.count('data-proposed="1"') == 3  # five by default, but only three scored
    assert reverse("deputies:assessment_scoring", args=[YEAR]) in html
    assert reverse("deputies:award_confirm", args=[YEAR]) not in html  # a clerk does not confirm
    assert "table-responsive-stack" in html


def test_the_chair_sees_the_confirmation_buttons_but_not_the_scoring_edit(client, chair, scene):
    client.force_login(chair)

    html = client.get(URL).content.decode()

    assert reverse("deputies:award_confirm", args=[YEAR]) in html
    assert reverse("deputies:assessment_scoring", args=[YEAR]) not in html


@pytest.mark.parametrize(
    "role,status", [(Role.DEPUTY, 403), (Role.UNIT_HANDLER, 403), (Role.AUDITOR, 200), (Role.COUNTY, 200)]
)
def test_who_may_open_the_assessment(client, users, scene, role, status):
    client.force_login(users[role])

    response = client.get(URL)

    assert response.status_code == status
    if status == 200:  # read-only
        html = response.content.decode()
        assert reverse("deputies:award_confirm", args=[YEAR]) not in html
        assert reverse("deputies:assessment_scoring", args=[YEAR]) not in html


def test_anonymous_visitors_are_sent_to_login(client):
    for url in (URL, reverse("deputies:assessment_scoring", args=[YEAR])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("deputies:award_confirm", args=[YEAR]), {"kind": "group", "target": 1})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_townships_office_sees_its_own_ranking(client, other_clerk, scene):
    client.force_login(other_clerk)

    html = client.get(URL).content.decode()

    assert "东风片代表小组" not in html and "甲" not in html.split('data-testid="deputy-ranking"')[1]


def test_the_assessment_page_keeps_its_query_count(client, chair, township, term, clerk):
    def add(n):
        for _ in range(n):
            group = DeputyGroupFactory(term=term)
            members = [DeputyFactory(term=term, group=group) for _ in range(3)]
            act(township, clerk, members)
            TrainingFactory(township=township, date=date(YEAR, 6, 25)).attendees.set(members)
            Award.objects.create(
                township=township, year=YEAR, kind=Award.Kind.DEPUTY, deputy=members[0], confirmed_by=chair
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    client.force_login(chair)
    add(2)
    few = count()
    add(4)
    assert count() == few


# --- editing the scoring table ------------------------------------------------------------


def scoring_form(**overrides):
    data = {f"points_{value}": "2" for value in ActivityType.values}
    data.update(training_points="3", reception_points="1.5", excellent_groups="1", excellent_deputies="4")
    data.update(overrides)
    return data


def test_the_clerk_edits_the_scoring_table(client, clerk, township):
    url = reverse("deputies:assessment_scoring", args=[YEAR])
    client.force_login(clerk)

    form = client.get(url)
    response = client.post(url, scoring_form(points_inspection="6"))

    assert form.status_code == 200 and 'name="points_inspection"' in form.content.decode()
    assert response.status_code == 302 and response.url == URL
    scoring = GroupScoring.objects.get(township=township, year=YEAR)
    assert scoring.points["inspection"] == 6 and scoring.points["contact"] == 2 and scoring.excellent_groups == 1


def test_invalid_scoring_input_is_shown_on_the_form(client, clerk):
    client.force_login(clerk)

    response = client.post(reverse("deputies:assessment_scoring", args=[YEAR]), scoring_form(training_points="-1"))

    assert response.status_code == 200 and not GroupScoring.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_a_locked_scoring_table_shows_the_services_error(client, clerk, chair, scene, township):
    award_confirm(township=township, year=YEAR, kind=Award.Kind.GROUP, target=scene["east"], by=chair)
    client.force_login(clerk)

    response = client.post(reverse("deputies:assessment_scoring", args=[YEAR]), scoring_form())

    assert response.status_code == 200 and "计分办法不能再修改" in response.content.decode()
    assert not GroupScoring.objects.exists()


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_clerks_edit_the_scoring_table(client, users, role):
    client.force_login(users[role])

    assert client.post(reverse("deputies:assessment_scoring", args=[YEAR]), scoring_form()).status_code == 403
    assert not GroupScoring.objects.exists()


# --- confirming awards on the page --------------------------------------------------------


def confirm(client, kind, target):
    return client.post(reverse("deputies:award_confirm", args=[YEAR]), {"kind": kind, "target": target.pk}, follow=True)


def test_the_chair_confirms_a_proposed_group_and_sees_it_marked(client, chair, scene):
    client.force_login(chair)

    response = confirm(client, "group", scene["east"])

    html = response.content.decode()
    assert "已确认“东风片代表小组”为2026年度先进代表小组。" in html
    assert Award.objects.get().group == scene["east"]
    awards = html.split('data-testid="awards"')[1].split("</ul>")[0]
    assert "东风片代表小组" in awards


def test_confirming_twice_shows_the_chinese_error(client, chair, scene):
    client.force_login(chair)
    confirm(client, "deputy", scene["甲"])

    response = confirm(client, "deputy", scene["甲"])

    assert "“甲”已被确认为2026年度优秀代表，不能重复确认。" in response.content.decode()
    assert Award.objects.count() == 1


def test_a_target_of_another_township_is_not_found(client, chair, other_deputy):
    client.force_login(chair)

    response = confirm(client, "deputy", other_deputy)

    assert "找不到该代表小组或代表" in response.content.decode() and not Award.objects.exists()


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_the_presidium_confirms_awards(client, users, scene, role):
    client.force_login(users[role])
    data = {"kind": "group", "target": scene["east"].pk}

    response = client.post(reverse("deputies:award_confirm", args=[YEAR]), data)

    assert response.status_code == 403 and not Award.objects.exists()


def test_confirmation_is_post_only(client, chair):
    client.force_login(chair)

    assert client.get(reverse("deputies:award_confirm", args=[YEAR])).status_code == 405
