"""Fixtures of the documents tests: an issuing body, a received and a registered incoming
document, a draft outgoing document, and a cleared chair."""

import pytest

from congress_office.roles import Role
from documents.choices import DocType
from documents.models import IssuingBody
from documents.services.incoming import incoming_receive, incoming_register
from documents.services.outgoing import outgoing_create


@pytest.fixture
def body(township):
    return IssuingBody.objects.create(
        township=township, name="青山镇人民代表大会主席团", code="青人", mark="青山镇人大主席团文件"
    )


@pytest.fixture
def other_body(other_township):
    return IssuingBody.objects.create(township=other_township, name="白水乡人大主席团", code="白人")


@pytest.fixture
def handler(users):
    return users[Role.UNIT_HANDLER]


@pytest.fixture
def received(township, clerk):
    return incoming_receive(
        township=township, by=clerk, sender="县人大常委会办公室", title="关于做好代表建议办理工作的通知"
    )


@pytest.fixture
def registered(received, clerk):
    return incoming_register(
        document=received, by=clerk, sender_number="县人办〔2026〕12号", doc_type=DocType.NOTICE, pages=3
    )


@pytest.fixture
def draft(township, clerk, body):
    return outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="关于召开镇第十九届人民代表大会第三次会议的通知",
        main_recipients="各村（社区）、镇直各单位",
        cc_recipients="县人大常委会",
        body="经镇人大主席团研究，定于2026年12月20日召开镇第十九届人民代表大会第三次会议。",
        signature="青山镇人大主席团",
    )
