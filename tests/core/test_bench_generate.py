"""The county benchmark's generators (issue 12) at a tiny scale: every sampled clone has the rows
of the service-made record it was cloned from, the numbers are gapless and unique, no template
text is left in the clones, and the measurement catalogue finds its records."""

import pytest
from django.db import connection
from django.db.models import Count, Max

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the generators write with COPY")

SCALE = 0.001


def test_generators_at_a_tiny_scale(db):
    """One test: the generation is most of its time (about half a minute)."""
    from congress_office.bench.generate import generate
    from congress_office.bench.generate_more import generate_more

    main = generate(SCALE)
    more = generate_more(SCALE)
    _clones_match_their_templates(main, more)
    _numbers_and_texts()
    _measurement_catalogue_finds_the_records()
    _deputies_phones_encrypted()


def _deputies_phones_encrypted():
    """The deputies' phones are stored encrypted, each findable through its phone_hash."""
    from deputies.models import Deputy, deputy_phone_hash

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM deputies_deputy")
        stored = cursor.fetchall()
    assert stored and all(phone.startswith("gAAAAA") and len(digest) == 64 for phone, digest in stored)
    deputy = Deputy.objects.order_by("pk").first()
    assert len(deputy.phone) == 11 and deputy.phone_hash == deputy_phone_hash(deputy.phone)


def _clones_match_their_templates(main, more):
    assert main["verified"]["ok"] == main["verified"]["checked"] > 0
    verified = more["verified"]
    assert verified["mismatches"] == []
    # every path of 收文 and 发文 is cloned at least once, so each of their templates is checked
    assert verified["checked"] >= 34
    counts = more["counts"]
    for label in (
        "documents.IncomingDocument",
        "documents.OutgoingDocument",
        "documents.Circulation",
        "meetings.Meeting",
        "meetings.Attendance",
        "meetings.Vote",
        "assessments.AssessmentPlan",
        "assessments.Score",
        "assessments.EvaluationAnswer",
        "core.ArchiveItem",
    ):
        assert counts.get(label, 0) > 0, label


def _numbers_and_texts():
    from congress_office.bench.generate_more import SHARED_FILE, generate_more
    from congress_office.models import ArchiveItem, CaseEvent, Township
    from documents.models import IncomingDocument, IncomingFile, OutgoingDocument, VoidedNumber
    from meetings.models import Meeting

    # 收文号 gapless per township and year
    for row in (
        IncomingDocument.objects.filter(sequence__isnull=False)
        .values("township", "year")
        .annotate(n=Count("pk"), top=Max("sequence"))
    ):
        assert row["n"] == row["top"], row
    # 发文字号 unique (the constraint) and gapless once the voided numbers are counted
    for row in (
        OutgoingDocument.objects.filter(sequence__isnull=False)
        .values("issuing_body", "year")
        .annotate(n=Count("pk"), top=Max("sequence"))
    ):
        voided = VoidedNumber.objects.filter(issuing_body=row["issuing_body"], year=row["year"]).count()
        assert row["n"] + voided == row["top"], row
    # 会次 per term: 1 … n
    for row in (
        Meeting.objects.filter(kind="presidium").values("township", "term").annotate(n=Count("pk"), top=Max("ordinal"))
    ):
        assert row["n"] == row["top"], row
    # no placeholder nor scratch name left; every scan is the one stored file
    assert not CaseEvent.objects.filter(note__contains="⟦").exists()
    assert not IncomingDocument.objects.filter(title__contains="⟦").exists()
    assert not OutgoingDocument.objects.filter(body__contains="模板").exists()
    assert set(IncomingFile.objects.values_list("file", flat=True)) == {SHARED_FILE}
    # the archive: the past years' 档号 gapless per series
    for row in ArchiveItem.objects.values("fonds", "year", "retention", "org_code").annotate(
        n=Count("pk"), top=Max("sequence")
    ):
        assert row["n"] == row["top"], row
    assert Township.objects.filter(code__regex=r"^bench\d+$").count() == 2
    with pytest.raises(RuntimeError):  # a second run is refused
        generate_more(SCALE)


def _measurement_catalogue_finds_the_records():
    from congress_office.bench.measure import build_cases
    from congress_office.models import Township

    cases = build_cases(Township.objects.get(code="bench01"))
    names = {c.name for c in cases}
    for name in ("收文详情", "发文详情", "会议详情 人代会", "考核方案详情", "考核 民主测评结果", "档案 上一年"):
        assert name in names
