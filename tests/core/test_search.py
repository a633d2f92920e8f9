"""The header's search box (issue 14 item 5): one results page over petitions, suggestions,
deputies, 收文, 发文 and meetings, each read through its visible_to; Chinese found inside
words; a phone or ID number through the keyed hashes; a fixed number of queries."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.roles import Role
from congress_office.search import MAX_LENGTH, bigrams, clean_query, kinds_for, text_matches
from deputies.suggestions import services as suggestion_services
from documents.choices import DocType
from documents.models import IncomingDocument, IssuingBody
from documents.services.incoming import incoming_receive, incoming_register
from documents.services.outgoing import outgoing_create
from meetings.choices import MeetingKind
from meetings.services import agenda_add, meeting_plan
from petitions.models import Petition
from petitions.search import petition_search

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import UserFactory
from ..petitions.factories import register_petition

URL = reverse("core:search")


def search(client, q, **params):
    return client.get(URL, {"q": q, **params})


def result(response, key):
    """The KindResult of `key` on the results page, or None when the kind was not searched."""
    assert response.status_code == 200
    if "results" not in response.context:
        return None
    return next((r for r in response.context["results"] if r.key == key), None)


def titles(response, key):
    found = result(response, key)
    return [row.title for row in found.rows] if found else []


# --- the pieces ---------------------------------------------------------------------------------


def test_bigrams_are_the_upper_cased_pairs_without_whitespace():
    assert sorted(bigrams("土地征收")) == bigrams("土地征收")
    assert set(bigrams("土地征收")) == {"土地", "地征", "征收"}
    assert set(bigrams("ab C")) == {"AB"}
    assert bigrams("土") == []


@pytest.mark.django_db
def test_the_sql_function_computes_what_python_does():
    """search_bigrams() (deputies 0011) and bigrams() agree, whitespace and case included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_bigrams(%s, %s, NULL)", ["关于土地 征收ab", "王大山"])
        (from_sql,) = cursor.fetchone()
    assert sorted(from_sql) == sorted(set(bigrams("关于土地 征收ab")) | set(bigrams("王大山")))


def test_query_length_limits():
    assert clean_query("  土地  ") == ("土地", "")
    q, error = clean_query("土")
    assert "至少输入 2 个字" in error
    q, error = clean_query("土" * (MAX_LENGTH + 1))
    assert len(q) == MAX_LENGTH and "最多 100 个字" in error
    assert clean_query("") == ("", "")


def test_the_fallback_is_a_plain_icontains():
    """On SQLite (or unindexed) the condition is the icontains of each column, nothing else."""
    condition = text_matches(("title", "petitioner_name"), "土地", indexed=False)
    assert str(condition) == "(OR: ('title__icontains', '土地'), ('petitioner_name__icontains', '土地'))"
    # on PostgreSQL two characters go through the bigram index; one has no bigram: icontains only
    assert "ArrayContains(SearchBigrams(F(title))" in str(text_matches(("title",), "土地"))
    assert "ArrayContains" not in str(text_matches(("title",), "土"))


@pytest.mark.django_db
def test_the_fallback_finds_inside_words_too(township, clerk):
    register_petition(township=township, by=clerk, title="关于土地征收的信访")
    register_petition(township=township, by=clerk, title="拆迁补偿问题", petitioner_name="李四")
    rows = Petition.objects.filter(text_matches(("title", "petitioner_name"), "土地", indexed=False))
    assert [p.title for p in rows] == ["关于土地征收的信访"]


# --- the page -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = search(client, "土地")
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_every_signed_in_page_has_the_search_box(client_for, clerk):
    response = client_for(clerk).get(reverse("core:home"))
    assert response.status_code == 200
    assert 'data-testid="header-search"' in response.content.decode()
    assert f'action="{URL}"' in response.content.decode()


@pytest.mark.django_db
def test_short_and_empty_queries_are_refused_with_a_hint(client_for, clerk):
    client = client_for(clerk)
    response = search(client, "土")
    assert response.status_code == 200 and "至少输入 2 个字" in response.content.decode()
    assert "results" not in response.context
    response = client.get(URL)
    assert 'data-testid="search-hint"' in response.content.decode()


@pytest.mark.django_db
def test_nothing_found_says_what_to_try(client_for, clerk):
    response = search(client_for(clerk), "无此内容")
    assert 'data-testid="search-empty"' in response.content.decode()
    assert "换一个词" in response.content.decode()


# --- petitions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_chinese_characters_find_petitions_inside_words(client_for, clerk, township):
    register_petition(township=township, by=clerk, title="土地征收")
    register_petition(township=township, by=clerk, title="关于土地征收的信访")
    register_petition(township=township, by=clerk, title="拆迁补偿问题", petitioner_name="李四")
    response = search(client_for(clerk), "土地")
    found = titles(response, "petitions")
    assert len(found) == 2 and all("土地征收" in t for t in found)
    assert result(response, "petitions").count == 2
    assert 'data-testid="search-kind-petitions"' in response.content.decode()


@pytest.mark.django_db
def test_petitions_by_petitioner_and_number(client_for, clerk, township):
    petition = register_petition(township=township, by=clerk, title="劳资纠纷", petitioner_name="欧阳修远")
    client = client_for(clerk)
    assert titles(search(client, "阳修"), "petitions") == [f"{petition.number} 劳资纠纷"]
    assert titles(search(client, f"{petition.year}-{petition.sequence}"), "petitions") == [
        f"{petition.number} 劳资纠纷"
    ]


@pytest.mark.django_db
def test_a_whole_phone_or_id_number_finds_the_petition_through_its_hash(client_for, clerk, township):
    register_petition(
        township=township, by=clerk, title="环境污染", phone="13911112222", id_number="11010519491231002X"
    )
    register_petition(township=township, by=clerk, title="村务公开", phone="13833334444", id_number="")
    client = client_for(clerk)
    assert [t.split(" ", 1)[1] for t in titles(search(client, "139 1111 2222"), "petitions")] == ["环境污染"]
    assert [t.split(" ", 1)[1] for t in titles(search(client, "11010519491231002x"), "petitions")] == ["环境污染"]
    # a part of a number is not searchable (it is encrypted), and no row is decrypted to try
    assert titles(search(client, "1391111"), "petitions") == []


@pytest.mark.django_db
def test_another_townships_petitions_are_not_found(client_for, clerk, other_township, other_clerk, township):
    register_petition(township=other_township, by=other_clerk, title="土地征收补偿", phone="13955556666")
    client = client_for(clerk)
    assert titles(search(client, "土地"), "petitions") == []
    assert titles(search(client, "13955556666"), "petitions") == []


@pytest.mark.django_db
def test_a_unit_handler_finds_only_the_petitions_of_their_unit(client_for, clerk, users, township):
    register_petition(township=township, by=clerk, title="土地征收补偿")
    response = search(client_for(users[Role.UNIT_HANDLER]), "土地")
    assert result(response, "petitions").count == 0  # searched (they may view petitions), none assigned


@pytest.mark.django_db
def test_a_county_account_does_not_search_petitions_at_all(client_for, users, clerk, township):
    """The county reads aggregates only: the petitions kind is not searched, not even counted."""
    register_petition(township=township, by=clerk, title="土地征收补偿")
    county = users[Role.COUNTY]
    assert "petitions" not in dict(kinds_for(county))
    response = search(client_for(county), "土地")
    assert result(response, "petitions") is None
    assert "土地征收补偿" not in response.content.decode()


# --- suggestions and deputies ---------------------------------------------------------------------


@pytest.fixture
def term(township):
    return TermFactory(township=township)


@pytest.mark.django_db
def test_a_deputy_finds_only_their_own_suggestions(client_for, users, township, term, clerk):
    deputy_user = users[Role.DEPUTY]
    DeputyFactory(term=term, name="张桂兰", user=deputy_user)
    other = UserFactory(username="dep2", township=township, roles=[Role.DEPUTY])
    DeputyFactory(term=term, name="李明", user=other)
    mine = suggestion_services.suggestion_submit(by=deputy_user, term=term, title="关于土地流转的建议", content="内容")
    suggestion_services.suggestion_submit(by=other, term=term, title="土地整治建议", content="内容")
    assert titles(search(client_for(deputy_user), "土地"), "suggestions") == [f"{mine.number} 关于土地流转的建议"]
    response = search(client_for(clerk), "土地")
    assert result(response, "suggestions").count == 2
    # by its number too
    assert titles(search(client_for(clerk), f"{mine.year}-{mine.sequence}"), "suggestions") == [
        f"{mine.number} 关于土地流转的建议"
    ]


@pytest.mark.django_db
def test_deputies_by_name_and_by_phone_through_the_hash(client_for, clerk, term, other_township):
    DeputyFactory(term=term, name="诸葛明亮", phone="13700001111", work_unit="东风村党支部书记")
    DeputyFactory(term=term, name="王五")
    DeputyFactory(term=TermFactory(township=other_township), name="诸葛孔明", phone="13700001111")
    client = client_for(clerk)
    assert titles(search(client, "诸葛"), "deputies") == ["诸葛明亮"]
    assert titles(search(client, "137-0000-1111"), "deputies") == ["诸葛明亮"]
    assert titles(search(client, "东风"), "deputies") == ["诸葛明亮"]


@pytest.mark.django_db
def test_a_deputy_finds_only_their_own_register_entry(client_for, users, term):
    DeputyFactory(term=term, name="张桂兰", user=users[Role.DEPUTY])
    DeputyFactory(term=term, name="张明")
    assert titles(search(client_for(users[Role.DEPUTY]), "张"), "deputies") == []  # one character: refused
    assert titles(search(client_for(users[Role.DEPUTY]), "张桂"), "deputies") == ["张桂兰"]
    assert titles(search(client_for(users[Role.DEPUTY]), "张明"), "deputies") == []


# --- documents ------------------------------------------------------------------------------------


@pytest.fixture
def body(township):
    return IssuingBody.objects.create(township=township, name="青山镇人民代表大会主席团", code="青人")


@pytest.mark.django_db
def test_incoming_and_outgoing_documents_by_title_and_number(client_for, clerk, township, body):
    received = incoming_receive(township=township, by=clerk, sender="县自然资源局", title="关于土地征收工作的通知")
    incoming_register(document=received, by=clerk, sender_number="县资〔2026〕8号", doc_type=DocType.NOTICE)
    outgoing_create(
        township=township, by=clerk, issuing_body=body, doc_type=DocType.REPORT, title="关于土地整治情况的报告"
    )
    client = client_for(clerk)
    response = search(client, "土地")
    assert [t.endswith("关于土地征收工作的通知") for t in titles(response, "incoming")] == [True]
    assert titles(response, "outgoing") == ["关于土地整治情况的报告"]
    assert len(titles(search(client, "县资〔2026〕8"), "incoming")) == 1
    assert len(titles(search(client, "自然资源"), "incoming")) == 1


@pytest.mark.django_db
def test_classified_documents_are_not_found_by_users_without_clearance(client_for, clerk, chair, township):
    clerk.clearance = 2
    clerk.save(update_fields=["clearance"])
    incoming_receive(township=township, by=clerk, sender="县委办", title="关于绝对机要土地事项的通知", secrecy="secret")
    response = search(client_for(chair), "机要")  # chair: clearance 0
    assert result(response, "incoming").count == 0
    assert "绝对机要" not in response.content.decode()
    assert result(search(client_for(clerk), "机要"), "incoming").count == 1
    assert IncomingDocument.objects.count() == 1


# --- meetings -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_meetings_by_their_title_and_agenda(client_for, clerk, township, term):
    DeputyFactory(term=term)
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), time(9)))
    meeting = meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=starts, place="三楼")
    agenda_add(meeting=meeting, by=clerk, title="审议关于土地利用规划的报告")
    client = client_for(clerk)
    assert titles(search(client, "土地"), "meetings") == [meeting.title]
    assert titles(search(client, "第一次会议"), "meetings") == [meeting.title]
    assert titles(search(client, "第十九届人民代表大会"), "meetings") == [meeting.title]
    assert titles(search(client, "主席团"), "meetings") == []
    assert titles(search(client, "第二次会议"), "meetings") == []
    response = search(client, "土地", kind="meetings")
    assert [row.title for row in response.context["rows"]] == [meeting.title]


@pytest.mark.django_db
def test_a_kind_the_user_may_not_search_is_404_on_its_own_page(client_for, users):
    assert search(client_for(users[Role.COUNTY]), "土地", kind="petitions").status_code == 404


# --- queries and the index ------------------------------------------------------------------------


def add_petitions(township, clerk, n):
    for i in range(n):
        register_petition(township=township, by=clerk, title=f"土地征收第{i}件", petitioner_name=f"人{i}", phone="")


@pytest.mark.django_db
def test_the_results_page_keeps_its_query_count(client_for, clerk, township, term, body, django_assert_num_queries):
    """With 2 and with 12 matches of every kind the page runs the same queries (two a kind)."""

    def add(n):
        add_petitions(township, clerk, n)
        for i in range(n):
            DeputyFactory(term=term, name=f"土地{i}号代表")
            outgoing_create(
                township=township, by=clerk, issuing_body=body, doc_type=DocType.REPORT, title=f"土地报告{i}"
            )
            incoming_receive(township=township, by=clerk, sender="县局", title=f"土地通知{i}")

    client = client_for(clerk)
    add(2)
    search(client, "土地")  # warm per-process caches
    with CaptureQueriesContext(connection) as few:
        response = search(client, "土地")
    assert result(response, "petitions").count == 2
    add(10)
    with django_assert_num_queries(len(few)):
        response = search(client, "土地")
    assert result(response, "petitions").count == 12 and len(result(response, "petitions").rows) == 10
    assert result(response, "outgoing").count == 12
    assert 'data-testid="search-more"' in response.content.decode()


@pytest.mark.django_db
def test_the_search_uses_the_bigram_index_at_scale(clerk, township):
    """A few thousand petitions: the two-character query is answered by the GIN index on
    search_bigrams() (pg_trgm's index cannot narrow a two-character pattern)."""
    register_petition(township=township, by=clerk, title="土地征收", phone="")
    template = Petition.objects.get()
    columns = [f.column for f in Petition._meta.concrete_fields if f.column not in ("id", "sequence", "title")]
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO petitions_petition ({names}, sequence, title) "
            f"SELECT {names}, 100 + g, CASE WHEN g %% 500 = 0 THEN '关于土地补偿' ELSE '道路修建' || g END "
            "FROM petitions_petition, generate_series(1, 3000) AS g WHERE id = %s",
            [template.pk],
        )
        cursor.execute("ANALYZE petitions_petition")
        cursor.execute("SET LOCAL enable_seqscan = off")
    queryset = petition_search(clerk, "土地")
    plan = queryset.explain()
    assert "petition_search_idx" in plan, plan
    assert queryset.count() == 1 + 6
