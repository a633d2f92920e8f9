"""Disposal of archive items (鉴定 and 销毁): what is due, the appraisal (only due items of the
township; a kept item's period extended), the chair's approval making the 销毁清册 with a gapless
number, the carrying out that marks the items and deletes nothing, and the pages' permissions."""

import itertools
import threading
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from congress_office.models import Appraisal, AppraisalEntry, ArchiveItem, DestructionList, Fonds, Unit
from congress_office.roles import Role
from congress_office.services.archive import archive_code
from congress_office.services.archive_disposal import (
    appraisal_create,
    destruction_approve,
    destruction_carry_out,
    items_due,
)

_record_ids = itertools.count(1)


@pytest.fixture
def fonds(township):
    return Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")


@pytest.fixture
def other_fonds(other_township):
    return Fonds.objects.create(township=other_township, code="0456", name="白水乡人民代表大会")


@pytest.fixture
def make_item(clerk):
    """An archive item made directly (its record: a made-up Unit id, unique per item)."""
    content_type = ContentType.objects.get_for_model(Unit)
    sequences = itertools.count(1)

    def make(fonds, *, year=2015, retention="D10", title="年度工作总结", **kwargs):
        sequence = next(sequences)
        return ArchiveItem.objects.create(
            township=fonds.township,
            fonds=fonds,
            year=year,
            retention=retention,
            org_code="BGS",
            sequence=sequence,
            code=archive_code(fonds.code, year, retention, "BGS", sequence),
            kind="tests.disposal",
            item_type=content_type,
            item_id=next(_record_ids),
            title=title,
            responsible="办公室",
            date=date(year, 6, 1),
            archived_by=clerk,
            **kwargs,
        )

    return make


def appraise(township, by, decisions, **kwargs):
    values = {"held_on": timezone.localdate(), "panel": "张三、李四、王五", "opinion": "已过保管期限，无保存价值。"}
    values.update(kwargs)
    return appraisal_create(township=township, by=by, decisions=decisions, **values)


def this_year():
    return timezone.localdate().year


# --- what is due --------------------------------------------------------------------------------


def test_items_due(fonds, township, make_item):
    due = make_item(fonds, year=2015, retention="D10")  # kept until 2025
    not_yet = make_item(fonds, year=2016, retention="D10")  # kept until 2026
    old = make_item(fonds, year=1990, retention="D30")  # kept until 2020
    permanent = make_item(fonds, year=1950, retention="Y")
    extended = make_item(fonds, year=2010, retention="D10", extended_to=2030)
    assert set(items_due(township, year=2026)) == {due, old}
    assert permanent not in items_due(township, year=3000)
    assert set(items_due(township, year=2027)) == {due, old, not_yet}
    assert extended in items_due(township, year=2031)
    assert due.keep_until == 2025 and permanent.keep_until is None


def test_destroyed_and_pending_items_are_not_due(fonds, township, clerk, chair, make_item):
    pending, kept = make_item(fonds), make_item(fonds)
    appraisal = appraise(township, clerk, {pending.pk: ("destroy", None), kept.pk: ("keep", 10)})
    assert list(items_due(township, year=2026)) == []  # the one awaits the chair, the other is kept
    destruction_carry_out(destruction=destruction_approve(appraisal=appraisal, by=chair), by=clerk)
    assert list(items_due(township, year=3000)) == [kept]  # the destroyed one never again


# --- the appraisal --------------------------------------------------------------------------------


def test_an_appraisal_takes_only_due_items_of_the_township(
    fonds, other_fonds, township, clerk, users, other_clerk, make_item
):
    due = make_item(fonds)
    not_due = make_item(fonds, year=this_year() - 5)
    permanent = make_item(fonds, year=1950, retention="Y")
    foreign = make_item(other_fonds)
    with pytest.raises(ValidationError, match="只能鉴定本乡镇的档案"):
        appraise(township, clerk, {due.pk: ("destroy", None), foreign.pk: ("destroy", None)})
    with pytest.raises(ValidationError, match="尚未到期") as error:
        appraise(township, clerk, {due.pk: ("destroy", None), not_due.pk: ("destroy", None)})
    assert not_due.code in str(error.value)
    with pytest.raises(ValidationError, match="尚未到期"):
        appraise(township, clerk, {permanent.pk: ("destroy", None)})
    with pytest.raises(ValidationError, match="不存在"):
        appraise(township, clerk, {999999: ("destroy", None)})
    with pytest.raises(ValidationError, match="至少选择"):
        appraise(township, clerk, {})
    with pytest.raises(ValidationError, match="年限"):
        appraise(township, clerk, {due.pk: ("keep", 0)})
    with pytest.raises(ValidationError, match="只能是"):
        appraise(township, clerk, {due.pk: ("shred", None)})
    with pytest.raises(ValidationError) as error:
        appraise(township, clerk, {due.pk: ("destroy", None)}, panel=" ", opinion="")
    assert set(error.value.error_dict) == {"panel", "opinion"}
    with pytest.raises(PermissionDenied):
        appraise(township, users[Role.DEPUTY], {due.pk: ("destroy", None)})
    with pytest.raises(PermissionDenied):
        appraise(township, users[Role.CHAIR], {due.pk: ("destroy", None)})  # the chair approves, not appraises
    with pytest.raises(PermissionDenied):
        appraise(township, other_clerk, {due.pk: ("destroy", None)})
    assert not Appraisal.objects.exists() and not AppraisalEntry.objects.exists()
    # the auditor may appraise too
    appraisal = appraise(township, users[Role.AUDITOR], {due.pk: ("destroy", None)})
    assert appraisal.entries.get().item == due


def test_keep_extends_the_period_and_the_item_leaves_the_due_list(fonds, township, clerk, make_item):
    item = make_item(fonds, year=2015, retention="D10")
    held_on = date(this_year(), 3, 1)
    appraisal = appraise(township, clerk, {item.pk: ("keep", 10)}, held_on=held_on)
    item.refresh_from_db()
    assert item.extended_to == held_on.year + 10 and item.keep_until == held_on.year + 10
    assert item.code == archive_code("0123", 2015, "D10", "BGS", item.sequence)  # the 档号 unchanged
    assert item not in items_due(township)
    entry = appraisal.entries.get()
    assert (entry.decision, entry.keep_years) == ("keep", 10)
    assert item in items_due(township, year=held_on.year + 11)  # due again when the extension ends
    with pytest.raises(ValidationError, match="本次鉴定没有需要销毁的档案"):
        destruction_approve(appraisal=appraisal, by=_chair_of(township))


def _chair_of(township):
    from congress_office.models import User

    return User.objects.with_role(Role.CHAIR).get(township=township)


# --- approval and numbering ---------------------------------------------------------------------


def test_approval_needs_the_chair_of_the_township(fonds, township, clerk, chair, users, other_chair, make_item):
    item = make_item(fonds)
    appraisal = appraise(township, clerk, {item.pk: ("destroy", None)})
    for user in (clerk, users[Role.AUDITOR], users[Role.DEPUTY], other_chair):
        with pytest.raises(PermissionDenied):
            destruction_approve(appraisal=appraisal, by=user)
    assert not DestructionList.objects.exists()
    destruction = destruction_approve(appraisal=appraisal, by=chair)
    assert destruction.approved_by == chair and destruction.appraisal == appraisal
    assert destruction.destroyed_at is None
    item.refresh_from_db()
    assert item.destruction is None  # approved, not yet destroyed
    with pytest.raises(ValidationError, match="不能重复批准"):
        destruction_approve(appraisal=appraisal, by=chair)


def test_numbers_are_gapless_per_township_and_year(
    fonds, other_fonds, township, other_township, clerk, chair, other_clerk, other_chair, make_item
):
    year = this_year()
    numbers = []
    for _n in range(3):
        appraisal = appraise(township, clerk, {make_item(fonds).pk: ("destroy", None)})
        numbers.append(destruction_approve(appraisal=appraisal, by=chair).number)
    assert numbers == [f"0123-XH-{year}-{n:03d}" for n in (1, 2, 3)]
    other = appraise(other_township, other_clerk, {make_item(other_fonds).pk: ("destroy", None)})
    assert destruction_approve(appraisal=other, by=other_chair).number == f"0456-XH-{year}-001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_neither_skip_nor_repeat_a_number(role_groups, make_user):
    from ..factories import TownshipFactory

    town = TownshipFactory(code="qingshan", name="青山镇")
    fonds = Fonds.objects.create(township=town, code="0123", name="青山镇人民代表大会")
    clerk = make_user(Role.CLERK, town, username="c1")
    chairs = [make_user(Role.CHAIR, town, username=f"chair{n}") for n in range(4)]
    content_type = ContentType.objects.get_for_model(Unit)
    appraisals = []
    for n in range(4):
        item = ArchiveItem.objects.create(
            township=town,
            fonds=fonds,
            year=2015,
            retention="D10",
            org_code="BGS",
            sequence=n + 1,
            code=archive_code("0123", 2015, "D10", "BGS", n + 1),
            kind="tests.disposal",
            item_type=content_type,
            item_id=n + 1,
            title="总结",
            responsible="办公室",
            date=date(2015, 6, 1),
            archived_by=clerk,
        )
        appraisals.append(appraise(town, clerk, {item.pk: ("destroy", None)}))
    errors = []

    def run(appraisal, chair):
        try:
            destruction_approve(appraisal=appraisal, by=chair)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(appraisals, chairs, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(DestructionList.objects.values_list("number", flat=True))
    assert numbers == [f"0123-XH-{this_year()}-{n:03d}" for n in range(1, 5)]


# --- carrying out -------------------------------------------------------------------------------


def test_carrying_out_marks_the_items_and_deletes_only_their_stored_files(
    fonds, township, clerk, chair, other_clerk, make_item, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from congress_office.models import ArchiveFile
    from congress_office.services.archive_render import render_items

    destroyed, kept, untouched = make_item(fonds), make_item(fonds), make_item(fonds)
    render_items([destroyed, kept, untouched])
    gone = ArchiveFile.objects.get(item=destroyed).file.name
    assert default_storage.exists(gone)
    appraisal = appraise(township, clerk, {destroyed.pk: ("destroy", None), kept.pk: ("keep", 5)})
    destruction = destruction_approve(appraisal=appraisal, by=chair)
    count = ArchiveItem.objects.count()
    for user in (chair, other_clerk):
        with pytest.raises(PermissionDenied):
            destruction_carry_out(destruction=destruction, by=user)
    with django_capture_on_commit_callbacks(execute=True):
        destruction_carry_out(destruction=destruction, by=clerk)
    assert not ArchiveFile.objects.filter(item=destroyed).exists() and not default_storage.exists(gone)
    assert ArchiveFile.objects.filter(item__in=[kept, untouched]).count() == 2
    destruction.refresh_from_db()
    assert destruction.destroyed_by == clerk and destruction.destroyed_at is not None
    assert ArchiveItem.objects.count() == count  # the catalogue keeps every row
    assert list(ArchiveItem.objects.filter(destruction=destruction)) == [destroyed]
    for item in (kept, untouched):
        item.refresh_from_db()
        assert item.destruction is None
    assert Appraisal.objects.filter(pk=appraisal.pk).exists() and appraisal.entries.count() == 2
    with pytest.raises(ValidationError, match="不能重复登记"):
        destruction_carry_out(destruction=destruction, by=clerk)


# --- the pages ----------------------------------------------------------------------------------


def test_who_may_open_the_pages(fonds, township, clerk, chair, users, other_clerk, make_item, client_for):
    item = make_item(fonds)
    appraisal = appraise(township, clerk, {item.pk: ("destroy", None)})
    destruction = destruction_approve(appraisal=appraisal, by=chair)
    pages = [
        reverse("core:archive_due"),
        reverse("core:archive_appraisal_detail", args=[appraisal.pk]),
        reverse("core:archive_destruction_detail", args=[destruction.pk]),
    ]
    for role in (Role.DEPUTY, Role.UNIT_HANDLER, Role.COUNTY):
        client = client_for(users[role])
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
    client = client_for(users[Role.DEPUTY])
    assert (
        client.post(reverse("core:archive_appraisal_approve", args=[appraisal.pk]), {"confirm": "on"}).status_code
        == 403
    )
    assert client.post(reverse("core:archive_appraisal_new"), {}).status_code == 403
    # another township's records are not found
    client = client_for(other_clerk)
    assert client.get(pages[1]).status_code == 404
    assert client.get(pages[2]).status_code == 404
    assert (
        client.post(reverse("core:archive_destruction_carry_out", args=[destruction.pk]), {"confirm": "on"}).status_code
        == 404
    )
    # a clerk may not approve
    client = client_for(clerk)
    assert (
        client.post(reverse("core:archive_appraisal_approve", args=[appraisal.pk]), {"confirm": "on"}).status_code
        == 403
    )
    for url in pages:
        assert client_for(clerk).get(url).status_code == 200
        assert client_for(chair).get(url).status_code == 200


def test_the_due_page_empty_state(fonds, clerk, chair, make_item, client_for):
    make_item(fonds, year=1950, retention="Y")
    for user in (clerk, chair):
        response = client_for(user).get(reverse("core:archive_due"))
        assert response.status_code == 200
        assert "没有到期的档案" in response.content.decode()


def test_appraise_review_confirm_approve_and_carry_out_through_the_pages(fonds, clerk, chair, make_item, client_for):
    destroy = make_item(fonds, title="2015年度会务通知")
    keep = make_item(fonds, title="2015年度代表名册")
    make_item(fonds, year=1950, retention="Y", title="1950年度永久卷")
    client = client_for(clerk)
    page = client.get(reverse("core:archive_due")).content.decode()
    assert "2015年度会务通知" in page and "1950年度永久卷" not in page and 'data-testid="appraisal-form"' in page
    # the chair sees the list, without the form
    chair_page = client_for(chair).get(reverse("core:archive_due")).content.decode()
    assert "2015年度会务通知" in chair_page and 'data-testid="appraisal-form"' not in chair_page
    client = client_for(clerk)
    data = {
        "held_on": timezone.localdate().isoformat(),
        "panel": "张三、李四",
        "opinion": "会务通知无保存价值，同意销毁；代表名册延长保管。",
        f"pick_{destroy.pk}": "on",
        f"decision_{destroy.pk}": "destroy",
        f"pick_{keep.pk}": "on",
        f"decision_{keep.pk}": "keep",
        "step": "review",
    }
    url = reverse("core:archive_appraisal_new")
    # a kept item needs its years
    response = client.post(url, data)
    assert response.status_code == 200 and "延长保管的年限" in response.content.decode()
    data[f"keep_years_{keep.pk}"] = "10"
    # nothing chosen
    nothing = {k: v for k, v in data.items() if not k.startswith("pick_")}
    assert "请至少选择一件" in client.post(url, nothing).content.decode()
    # the review step records nothing
    response = client.post(url, data)
    page = response.content.decode()
    assert 'data-testid="review-form"' in page and page.count('data-testid="review-row"') == 2
    assert not Appraisal.objects.exists()
    # confirming without the tick shows the review again
    response = client.post(url, {**data, "step": "confirm"})
    assert 'data-testid="review-form"' in response.content.decode() and "请勾选确认" in response.content.decode()
    assert not Appraisal.objects.exists()
    # back to the form keeps what was typed
    response = client.post(url, {**data, "step": "edit"})
    assert 'data-testid="appraisal-form"' in response.content.decode() and "张三、李四" in response.content.decode()
    response = client.post(url, {**data, "step": "confirm", "confirm": "on"})
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:archive_appraisal_detail", args=[appraisal.pk])
    keep.refresh_from_db()
    assert keep.extended_to == timezone.localdate().year + 10
    # the record: the clerk sees no approve button, the chair does
    detail = reverse("core:archive_appraisal_detail", args=[appraisal.pk])
    assert 'data-testid="approve-card"' not in client.get(detail).content.decode()
    client = client_for(chair)
    page = client.get(detail).content.decode()
    assert 'data-testid="approve-card"' in page and page.count('data-testid="entry"') == 2
    approve = reverse("core:archive_appraisal_approve", args=[appraisal.pk])
    client.post(approve, {})  # not confirmed
    assert not DestructionList.objects.exists()
    response = client.post(approve, {"confirm": "on"})
    destruction = DestructionList.objects.get()
    assert response.url == reverse("core:archive_destruction_detail", args=[destruction.pk])
    page = client.get(response.url).content.decode()
    assert destruction.number in page and page.count('data-testid="destruction-item"') == 1
    assert "2015年度会务通知" in page and 'data-testid="carry-out-card"' not in page  # chairs do not carry out
    # carried out by the clerk
    client = client_for(clerk)
    page = client.get(response.url).content.decode()
    assert 'data-testid="carry-out-card"' in page
    carry_out = reverse("core:archive_destruction_carry_out", args=[destruction.pk])
    client.post(carry_out, {})  # not confirmed
    destruction.refresh_from_db()
    assert destruction.destroyed_at is None
    count = ArchiveItem.objects.count()
    client.post(carry_out, {"confirm": "on"})
    destruction.refresh_from_db()
    destroy.refresh_from_db()
    assert destruction.destroyed_by == clerk and destroy.destruction == destruction
    assert ArchiveItem.objects.count() == count
    page = client.get(response.url).content.decode()
    assert 'data-testid="carry-out-card"' not in page and clerk.display_name in page
    assert "已销毁" in client.get(detail).content.decode()
    due = client.get(reverse("core:archive_due")).content.decode()
    assert destruction.number in due and "没有到期的档案" in due


def test_the_chairs_home_shows_the_destructions_waiting_for_approval(
    fonds, township, clerk, chair, make_item, client_for
):
    from django.urls import reverse

    from congress_office.views.archive_disposal import destruction_card

    assert destruction_card(chair) is None  # nothing waiting: no card
    appraisal = appraise(township, clerk, {make_item(fonds).pk: ("destroy", None)})
    card = destruction_card(chair)
    assert (card.value, card.url) == (1, reverse("core:archive_due"))
    assert destruction_card(clerk) is None  # the chairs approve
    assert "档案销毁待批准" in client_for(chair).get(reverse("core:home")).content.decode()
    destruction_approve(appraisal=appraisal, by=chair)
    assert destruction_card(chair) is None
