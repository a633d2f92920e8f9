"""The printed outgoing document (GB/T 9704-2012), measured on the PDF the view returns: page
size, margins, the 22 × 28 grid, the red 标志 and separator, 版记 rules, page numbers, fonts;
and the view's access rules (other township, classification, permission, download)."""

import io
from collections import Counter
from datetime import date
from urllib.parse import unquote

import pdfplumber
import pytest
from django.urls import reverse

from congress_office.roles import Role
from documents import layout
from documents.choices import DocType, Secrecy, Urgency
from documents.models import OutgoingDocument
from documents.services import outgoing as out

from ..core.test_pdf import is_embedded, pdf_fonts, save_artifact

MM = 25.4 / 72  # PDF points → millimetres
TYPE_LEFT, TYPE_RIGHT = 28.0, 28.0 + 156.0
TYPE_TOP, TYPE_BOTTOM = 37.0, 37.0 + 225.0
PITCH, LINE = 156 / 28, 225 / 22

PARAGRAPHS = [
    "为切实做好镇第十九届人民代表大会第三次会议的各项筹备工作，确保会议开得隆重热烈、务实高效，"
    "经镇人大主席团研究，现就会议有关事项通知如下，请各村、社区和镇直各单位认真抓好落实。",
    "一、会议时间和地点",
    "会议定于十二月二十日上午八时三十分在镇政府三楼大会议室开幕，会期一天半。全体代表须提前十五分钟到会签到，"
    "因病因事不能参加会议的，须向镇人大主席团书面请假，未经批准不得缺席。列席人员按照通知要求准时到会。",
    "二、会议主要议程",
    "听取和审议镇人民政府工作报告，听取和审议镇人大主席团工作报告，审查和批准镇财政预算执行情况和预算草案的报告，"
    "票决产生本年度民生实事项目，选举产生镇人民代表大会专门委员会组成人员，依法补选镇人民代表大会代表。"
    "各代表小组要组织代表认真学习会议文件，深入选区广泛听取选民意见，做好提出议案和建议的各项准备工作。",
    "三、有关工作要求",
    "各代表小组组长要加强对本组代表的联系和服务，认真做好会前集中视察、会中分组审议和会后督促落实等工作，"
    "切实保证代表知情知政，依法履行代表职责。镇直各单位要按照职责分工，认真做好会务保障、安全保卫、"
    "宣传报道和后勤服务等工作，确保会议各项议程顺利进行。会议期间，全体代表和列席人员要严格遵守会议纪律，"
    "自觉维护会场秩序，不得随意走动，不得中途离会，手机一律关闭或者调至静音状态。",
    "代表在会议期间提出的议案和建议，由大会秘书处统一登记，会后及时交有关单位研究办理，"
    "承办单位要在规定期限内答复代表，并认真听取代表的意见，切实提高建议办理质量和代表满意程度。"
    "镇人大办公室要加强跟踪督办，对办理工作进展缓慢的单位及时督促，确保每一件建议都有回音、有着落。",
]
ATTACHMENTS = "会议日程安排\n代表分组名单及各代表小组讨论地点安排表（含列席人员名单和会务工作人员名单）"


def mm(value):
    return round(value * MM, 2)


def lines_of(page, size=None):
    """The text lines of a page in millimetres: x0, x1, top, bottom, baseline (from the text
    matrix), the characters (no spaces) and their sizes; only lines of `size` pt when given."""
    height = page.height
    result = []
    for line in page.extract_text_lines(return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        sizes = {round(c["size"], 1) for c in chars}
        if size is not None and sizes != {size}:
            continue
        result.append(
            {
                "text": line["text"],
                "x0": mm(min(c["x0"] for c in chars)),
                "x1": mm(max(c["x1"] for c in chars)),
                "top": mm(min(c["top"] for c in chars)),
                "bottom": mm(max(c["bottom"] for c in chars)),
                "baseline": mm(height - chars[0]["matrix"][5]),
                "count": len(chars),
                "chars": chars,
            }
        )
    return result


def rects_of(page):
    return [
        {
            "x0": mm(r["x0"]),
            "width": mm(r["width"]),
            "top": mm(r["top"]),
            "bottom": mm(r["bottom"]),
            "height": round(r["height"] * MM, 3),
            "color": tuple(r.get("non_stroking_color") or ()),
        }
        for r in page.rects
    ]


def is_red(color):
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.2 and color[2] < 0.2


def is_black(color):
    return tuple(round(c, 2) for c in color) in {(0.0, 0.0, 0.0), (0.0,)}


def through_to_print(document, clerk, chair):
    out.outgoing_submit(document=document, by=clerk)
    out.outgoing_review(document=document, by=clerk, passed=True)
    out.outgoing_sign(document=document, by=chair, opinion="同意印发")
    out.outgoing_register(document=document, by=clerk)
    out.outgoing_print(document=document, by=clerk, copies=60, print_body="青山镇人大办公室")
    document.refresh_from_db()
    return document


@pytest.fixture
def notice(township, clerk, chair, body):
    """A numbered, printed 通知 long enough for three pages, with every element set."""
    document = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        copy_number="12",
        urgency=Urgency.URGENT,
        title="关于召开镇第十九届人民代表大会第三次会议的通知",
        main_recipients="各村（社区）、镇直各单位",
        body="\n".join(PARAGRAPHS * 2),
        attachments_note=ATTACHMENTS,
        signature="青山镇人大主席团",
        written_on=date(2026, 12, 1),
        cc_recipients="县人大常委会，镇党委",
    )
    # 附注: outgoing_create's own `note` argument is the version's 修改说明, so set the field here
    OutgoingDocument.objects.filter(pk=document.pk).update(note="联系人：王晓，电话：0512-12345678")
    document.refresh_from_db()
    return through_to_print(document, clerk, chair)


def fetch(client, user, document, **params):
    client.force_login(user)
    return client.get(reverse("documents:outgoing_pdf", args=[document.pk]), params)


@pytest.fixture
def notice_pdf(client, clerk, notice):
    response = fetch(client, clerk, notice)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    save_artifact("gbt9704_notice", response.content)
    return response.content


@pytest.fixture
def pages(notice_pdf):
    with pdfplumber.open(io.BytesIO(notice_pdf)) as pdf:
        yield pdf.pages


# --- the page and the type area ------------------------------------------------------------


def test_every_page_is_a4_and_the_text_stays_in_the_type_area(pages):
    assert len(pages) >= 3
    for page in pages:
        assert (mm(page.width), mm(page.height)) == pytest.approx((210, 297), abs=0.5)
        for line in lines_of(page):
            if line["text"].startswith("—"):  # the page number, below the type area
                continue
            assert line["top"] >= TYPE_TOP - 0.01, line["text"]
            assert line["bottom"] <= TYPE_BOTTOM + 0.01, line["text"]
            assert TYPE_LEFT - 0.01 <= line["x0"] and line["x1"] <= TYPE_RIGHT + 0.2, line["text"]


def test_body_lines_start_at_the_binding_margin_and_paragraphs_are_indented_two_characters(pages):
    body = [line for page in pages for line in lines_of(page, size=16.0)]
    starts = Counter(round(line["x0"], 0) for line in body)
    continuation = [line for line in body if line["x0"] < TYPE_LEFT + PITCH]
    indented = [line for line in body if abs(line["x0"] - (TYPE_LEFT + 2 * PITCH)) < 0.5]
    assert len(continuation) > 30 and len(indented) >= len(PARAGRAPHS) * 2, starts
    for line in continuation:
        assert line["x0"] == pytest.approx(TYPE_LEFT, abs=1.0), line["text"]


def test_the_first_line_of_page_one_is_at_or_below_the_top_margin(pages):
    first = min(lines_of(pages[0]), key=lambda line: line["top"])
    assert first["top"] >= TYPE_TOP
    assert first["text"] == "000012"  # 份号, six digits, top left
    assert first["x0"] == pytest.approx(TYPE_LEFT, abs=0.1)


def test_a_full_page_holds_22_lines_of_28_characters(pages):
    page = pages[1]  # a page of body text only
    body = lines_of(page, size=16.0)
    assert len(body) == 22
    baselines = [line["baseline"] for line in body]
    gaps = [b - a for a, b in zip(baselines, baselines[1:], strict=False)]
    assert gaps == pytest.approx([LINE] * 21, abs=0.05)
    # a line's slots: the characters plus the two of a paragraph's indent
    slots = Counter(round((line["x0"] - TYPE_LEFT) / PITCH) + line["count"] for line in body)
    assert max(slots) == 28, slots
    assert slots[28] >= 12, slots  # the others end a paragraph or keep a comma off a line start
    full = [line for line in body if line["count"] == 28]
    assert full
    for line in full:
        assert line["x0"] == pytest.approx(TYPE_LEFT, abs=0.1)
        assert line["x1"] == pytest.approx(TYPE_RIGHT, abs=0.2)
        starts = [c["x0"] * MM for c in line["chars"]]
        assert (starts[-1] - starts[0]) / 27 == pytest.approx(PITCH, abs=0.01)


def test_body_is_16pt_title_22pt(pages):
    sizes = Counter(round(c["size"], 1) for c in pages[1].chars if c["text"].strip())
    assert set(sizes) == {16.0, 14.0}  # body, page number
    title = [line for line in lines_of(pages[0], size=22.0)]
    # two lines broken between words, the first the longer (7.3.1)
    assert [line["text"] for line in title] == ["关于召开镇第十九届人民代表大会", "第三次会议的通知"]
    for line in title:  # centred in the type area
        assert (line["x0"] + line["x1"]) / 2 == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=1.0)


# --- 版头 ---------------------------------------------------------------------------------


def test_the_header_is_red_and_the_red_separator_lies_4mm_below_the_number(pages, notice):
    page = pages[0]
    lines = lines_of(page)
    marks = [line["text"] for line in lines if line["x0"] == pytest.approx(TYPE_LEFT, abs=0.1)][:2]
    assert marks == ["000012", "加急"]

    mark = next(line for line in lines if line["text"] == "青山镇人大主席团文件")
    assert all(is_red(tuple(c["non_stroking_color"])) for c in mark["chars"])
    assert (mark["x0"] + mark["x1"]) / 2 == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=1.5)

    number = next(line for line in lines if line["text"] == notice.number)
    assert number["text"].startswith("青人〔") and number["text"].endswith("〕1号")
    assert (number["x0"] + number["x1"]) / 2 == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=1.0)
    assert number["top"] - mark["bottom"] > 2 * LINE - 1  # two blank lines below the 标志

    red = [r for r in rects_of(page) if is_red(r["color"])]
    assert len(red) == 1
    rule = red[0]
    assert rule["x0"] == pytest.approx(TYPE_LEFT, abs=0.1) and rule["width"] == pytest.approx(156, abs=0.1)
    assert 0.3 <= rule["height"] <= 1.0
    # 4 mm below the number: its glyphs end a fraction of a millimetre below the baseline
    assert rule["top"] - number["baseline"] == pytest.approx(4.0, abs=0.6)


def test_an_upward_document_prints_the_signer_beside_the_number(client, township, clerk, chair, body):
    report = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.REQUEST,
        title="关于申请代表活动经费的请示",
        main_recipients="县人大常委会",
        body="因代表之家改造需要，特申请代表活动专项经费。\n妥否，请批示。",
        signature="青山镇人大主席团",
    )
    report = through_to_print(report, clerk, chair)

    with pdfplumber.open(io.BytesIO(fetch(client, clerk, report).content)) as pdf:
        lines = lines_of(pdf.pages[0])
    number = next(line for line in lines if report.number in line["text"])
    assert number["text"].replace(" ", "") == f"{report.number}签发人：{chair.display_name}"
    # the number one character in from the left, the signer one character in from the right
    assert number["x0"] == pytest.approx(TYPE_LEFT + PITCH, abs=0.3)
    assert number["x1"] == pytest.approx(TYPE_RIGHT - PITCH, abs=0.3)


# --- 主体 --------------------------------------------------------------------------------


def test_recipients_attachments_signature_date_and_note(pages):
    text = [line for page in pages for line in lines_of(page)]
    texts = [line["text"].replace(" ", "") for line in text]
    recipients = text[texts.index("各村（社区）、镇直各单位：")]
    assert recipients["x0"] == pytest.approx(TYPE_LEFT, abs=0.1)  # 顶格

    first = next(line for line in text if line["text"].startswith("附件："))
    assert first["text"].replace(" ", "") == "附件：1.会议日程安排"
    assert first["x0"] == pytest.approx(TYPE_LEFT + 2 * PITCH, abs=0.3)
    second = next(line for line in text if line["text"].startswith("2."))
    assert second["x0"] == pytest.approx(TYPE_LEFT + 5 * PITCH, abs=0.3)  # under the 1.
    wrapped = text[text.index(second) + 1]
    assert wrapped["x0"] == pytest.approx(TYPE_LEFT + 6 * PITCH, abs=0.3)  # under the name

    signature = text[texts.index("青山镇人大主席团")]
    written = text[texts.index("2026年12月1日")]
    # unsealed (7.3.5.2): the date starts two characters right of the signature, and the longer
    # of the two ends two characters from the right
    assert written["x0"] == pytest.approx(signature["x0"] + 2 * PITCH, abs=0.3)
    assert max(signature["x1"], written["x1"]) == pytest.approx(TYPE_RIGHT - 2 * PITCH, abs=0.3)
    assert written["baseline"] - signature["baseline"] == pytest.approx(LINE, abs=0.05)
    note = text[texts.index("（联系人：王晓，电话：0512-12345678）")]
    assert note["x0"] == pytest.approx(TYPE_LEFT + 2 * PITCH, abs=0.3)


def test_a_sealed_document_dates_four_characters_from_the_right_under_a_centred_signature(client, clerk, chair, notice):
    out.outgoing_seal(document=notice, by=clerk, seal="青山镇人大主席团印章", count=60)
    notice.refresh_from_db()
    with pdfplumber.open(io.BytesIO(fetch(client, clerk, notice).content)) as pdf:
        text = [line for page in pdf.pages for line in lines_of(page)]
    signature = next(line for line in text if line["text"] == "青山镇人大主席团")
    written = next(line for line in text if line["text"] == "2026年12月1日")
    assert written["x1"] == pytest.approx(TYPE_RIGHT - 4 * PITCH, abs=0.3)
    centre = (written["x0"] + written["x1"]) / 2
    assert (signature["x0"] + signature["x1"]) / 2 == pytest.approx(centre, abs=0.3)


# --- 版记 and page numbers ---------------------------------------------------------------


def test_the_record_sits_at_the_foot_of_the_last_page_between_its_rules(pages, notice):
    last = pages[-1]
    rules = sorted((r for r in rects_of(last) if is_black(r["color"])), key=lambda r: r["top"])
    assert [r["height"] for r in rules] == pytest.approx([0.35, 0.25, 0.35], abs=0.02)
    for rule in rules:
        assert rule["x0"] == pytest.approx(TYPE_LEFT, abs=0.1) and rule["width"] == pytest.approx(156, abs=0.1)
    assert rules[-1]["bottom"] == pytest.approx(TYPE_BOTTOM, abs=0.3)  # the last rule on the type area's edge

    record = {line["text"].replace(" ", ""): line for line in lines_of(last, size=14.0)}
    cc = record["抄送：县人大常委会，镇党委。"]
    issued = record[f"青山镇人大办公室{layout.chinese_date(notice.printed_on)}印发"]
    assert rules[0]["bottom"] < cc["top"] and cc["bottom"] < rules[1]["top"]
    assert rules[1]["bottom"] < issued["top"] and issued["bottom"] < rules[2]["top"]
    char14 = 14 * MM
    assert cc["x0"] == pytest.approx(TYPE_LEFT + char14, abs=0.3)  # one character in
    assert issued["x0"] == pytest.approx(TYPE_LEFT + char14, abs=0.3)
    assert issued["x1"] == pytest.approx(TYPE_RIGHT - char14, abs=0.3)
    # and nowhere else
    for page in pages[:-1]:
        assert not [r for r in rects_of(page) if is_black(r["color"])]
        assert "抄送" not in page.extract_text()


def test_page_numbers_alternate_sides_7mm_below_the_type_area(pages):
    for index, page in enumerate(pages, start=1):
        numbers = [line for line in lines_of(page, size=14.0) if line["text"].startswith("—")]
        assert [line["text"] for line in numbers] == [f"— {index} —"]
        number = numbers[0]
        dash = number["chars"][0]
        assert dash["text"] == "—"
        assert 4 <= number["top"] - TYPE_BOTTOM <= 10
        # the dash sits in the middle of its em box: about 7 mm below the type area
        assert (dash["top"] + dash["bottom"]) / 2 * MM == pytest.approx(TYPE_BOTTOM + 7, abs=1.5)
        char14 = 14 * MM
        if index % 2:
            assert number["x0"] > 105 and number["x1"] == pytest.approx(TYPE_RIGHT - char14, abs=0.3)
        else:
            assert number["x1"] < 105 and number["x0"] == pytest.approx(TYPE_LEFT + char14, abs=0.3)


def test_the_fonts_are_embedded(notice_pdf):
    fonts = pdf_fonts(notice_pdf)
    assert fonts
    assert [f.get("/BaseFont") for f in fonts if not is_embedded(f)] == []


# --- drafts and the text preparation ------------------------------------------------------


def test_a_draft_prints_as_a_specimen_with_a_blank_number(client, clerk, draft):
    with pdfplumber.open(io.BytesIO(fetch(client, clerk, draft).content)) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        chars = {c["text"] for c in page.chars}
    assert {"样", "稿"} <= chars  # the rotated, pale specimen mark
    assert "青人〔" in text and "〕" in text
    assert "关于召开镇第十九届人民代表大会第三次会议" in text.replace("\n", "")


def test_text_preparation():
    assert layout.chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert layout.attachment_names("附件：1. 会议日程。\n\n2、代表名单；") == ["会议日程", "代表名单"]
    assert layout.recipients_line("各村、镇直各单位:") == "各村、镇直各单位："
    assert layout.cc_line("县人大常委会，镇党委。\n县政府办") == "县人大常委会，镇党委，县政府办。"
    assert layout.note_line("(此件公开发布)") == "（此件公开发布）"
    assert layout.copy_number_text("7") == "000007"
    paragraphs = layout.body_paragraphs("一、总体要求\r\n\r\n（一）工作目标\n\u3000\u3000正文。")
    assert [(p.text, p.level) for p in paragraphs] == [("一、总体要求", "h1"), ("（一）工作目标", "h2"), ("正文。", "")]
    assert layout.title_lines("关于申请代表活动经费的请示") == ["关于申请代表活动经费的请示"]
    assert layout.title_lines("关于做好2026年度代表建议、批评和意见交办工作的通知") == [
        "关于做好2026年度代表建议、",
        "批评和意见交办工作的通知",
    ]
    assert layout.pdf_filename(type("D", (), {"number": "青人〔2026〕3号", "title": "关于A/B的函"})) == (
        "青人〔2026〕3号 关于A B的函.pdf"
    )
    assert layout.LETTER_SPACING < 0 and 28 * (16 * MM + layout.LETTER_SPACING) < 156


# --- the view ----------------------------------------------------------------------------


def test_inline_by_default_and_an_attachment_with_a_chinese_name_on_download(client, clerk, notice):
    inline = fetch(client, clerk, notice)
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["Cache-Control"] == "private, no-store"
    download = fetch(client, clerk, notice, download="1")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == f"{notice.number} {notice.title}.pdf"
    assert download.content.startswith(b"%PDF")


def test_another_townships_user_gets_404(client, other_clerk, notice):
    assert fetch(client, other_clerk, notice).status_code == 404


def test_a_classified_document_is_404_for_an_uncleared_user(client, township, clerk, chair, body):
    clerk.clearance = 1
    clerk.save()
    secret = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="关于做好换届选举有关工作的通知",
        body="正文。",
        secrecy=Secrecy.SECRET,
        secrecy_years=5,
        copy_number="3",
    )
    assert fetch(client, chair, secret).status_code == 404  # chair.clearance == 0
    response = fetch(client, clerk, secret)
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        marks = [line["text"] for line in lines_of(pdf.pages[0]) if line["x0"] == pytest.approx(TYPE_LEFT, abs=0.1)]
    assert marks[:2] == ["000003", "秘密★5年"]


def test_permission_and_login(client, users, notice):
    url = reverse("documents:outgoing_pdf", args=[notice.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(users[Role.UNIT_HANDLER])  # no documents.view_outgoingdocument
    assert client.get(url).status_code == 403
    client.force_login(users[Role.CLERK])
    assert client.post(url).status_code == 405
