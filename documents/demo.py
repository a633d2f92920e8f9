# ruff: noqa: E501  (the demo tables: Chinese titles and opinions, one document per entry)
"""Demo documents, run by `seed_demo` for each township after the petitions' demo (registered in
plugins).

青山镇: its three issuing bodies (青人 主席团, 青人大 人民代表大会, 青人办 人大办公室); a year of
收文 from the county and the township's own bodies in every state — received, registered,
returned (one archived), checked, proposed, instructed, assigned (some in time, some overdue and
one supervised, one extended), closed and archived — with circulation whose read receipts are
partly outstanding; 发文 of this year in every state from draft to dispatched (most archived), their
发文字号 gapless per 机关代字 (one number voided and logged); one 机密 收文 that only the cleared chair
李建国 (qs_chair, clearance 2) sees, and a few links between petitions, suggestions and the
documents that answer or transferred them. 白水乡 gets a few of each.

Everything goes through the services, as the users would, so every step has its timeline; the
services stamp "now", so each step is then put where it happened (office hours of the day the
table says). The classified letter is signed for by the clerk with a clearance given for those
steps only: afterwards nobody but the chair is cleared.

Idempotent: issuing bodies are created when missing; a township that has incoming (outgoing)
documents already gets no new ones.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from congress_office.models import (
    CaseAssignment,
    CaseEvent,
    CaseReply,
    CaseSupervision,
    Deadline,
    DeadlineExtension,
    ExtensionRequest,
    Notification,
    Unit,
)
from congress_office.services.cases import case_approve_extension, case_request_extension

from .choices import DocType, IncomingState, Secrecy, Urgency
from .models import (
    Circulation,
    Dispatch,
    DocumentCitation,
    DraftVersion,
    IncomingDocument,
    IssuingBody,
    OutgoingDocument,
    SealLog,
    VoidedNumber,
)
from .services import citations
from .services import incoming as inc
from .services import outgoing as out

T = DocType

BODIES = {
    "qingshan": [
        ("青山镇人民代表大会主席团", "青人", "青山镇人民代表大会主席团文件"),
        ("青山镇人民代表大会", "青人大", "青山镇人民代表大会文件"),
        ("青山镇人大办公室", "青人办", "青山镇人大办公室文件"),
    ],
    "baishui": [
        ("白水乡人民代表大会主席团", "白人", "白水乡人民代表大会主席团文件"),
        ("白水乡人大办公室", "白人办", "白水乡人大办公室文件"),
    ],
}

COUNTY_CONGRESS = "示范县人大常委会办公室"
COUNTY_PARTY = "中共示范县委办公室"
COUNTY_GOV = "示范县人民政府办公室"
COUNTY_PETITIONS = "示范县信访局"
COUNTY_LIAISON = "示范县人大常委会选举任免联络工作委员会"
TOWN_PARTY = "中共青山镇委员会"
TOWN_GOV = "青山镇人民政府"
CIVIL = "示范县民政局"
FINANCE = "示范县财政局"


@dataclass
class In:
    days_ago: int
    sender: str
    sender_number: str
    title: str
    doc_type: str
    fate: str  # received registered returned returned_archived checked proposed instructed
    #            assigned overdue supervised extended closed archived
    unit: str = ""
    urgency: str = ""
    readers: tuple = ("chair", "vicechair")  # circulated to (after 批办)
    unread: tuple = ()  # of those, who has not opened it yet
    pages: int = 2
    copies: int = 1
    secrecy: str = ""
    reason: str = ""  # 退文理由
    result: str = ""
    handling_days: int = 6  # from 交办 to 办结


QINGSHAN_IN = [
    In(
        358,
        COUNTY_CONGRESS,
        "县人办〔2025〕41号",
        "关于做好2026年度代表建议征集工作的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        result="已在镇人代会前完成代表建议征集，共征集建议15件，已报县人大常委会办公室。",
    ),
    In(
        345,
        COUNTY_PARTY,
        "县委办发〔2025〕63号",
        "关于做好岁末年初安全生产工作的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        urgency=Urgency.URGENT,
        result="已组织人大代表参加安全生产检查4次，情况已书面报告。",
    ),
    In(
        330,
        COUNTY_CONGRESS,
        "县人办〔2026〕2号",
        "关于召开乡镇人民代表大会会议有关事项的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        readers=("chair", "vicechair", "auditor"),
        result="镇第十九届人大第五次会议已于1月中旬召开，会议情况已报告县人大常委会。",
    ),
    In(
        318,
        COUNTY_LIAISON,
        "县人选联〔2026〕3号",
        "关于做好乡镇人大主席团成员联系代表工作的意见",
        T.OPINION,
        "archived",
        "党政办公室",
        result="已制定2026年主席团成员联系代表工作安排并印发。",
    ),
    In(
        300,
        COUNTY_GOV,
        "县政办发〔2026〕8号",
        "关于印发2026年民生实事项目实施方案的通知",
        T.NOTICE,
        "archived",
        "财政所",
        result="已将镇民生实事项目纳入代表视察计划，实施情况按季度报告。",
    ),
    In(
        288,
        CIVIL,
        "县民发〔2026〕11号",
        "关于开展农村低保专项治理的通知",
        T.NOTICE,
        "archived",
        "社会事务办公室",
        result="已组织代表对低保评定开展监督，发现问题2件已整改。",
    ),
    In(
        270,
        COUNTY_PETITIONS,
        "县信转〔2026〕17号",
        "关于转送群众信访事项的函",
        T.LETTER,
        "archived",
        "自然资源所",
        result="经自然资源所核查，相关土地补偿款已足额发放，已书面答复信访人。",
    ),
    In(
        255,
        TOWN_PARTY,
        "青发〔2026〕5号",
        "关于印发《青山镇2026年工作要点》的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        readers=("chair", "vicechair", "auditor"),
        result="已将人大工作任务分解落实到主席团成员。",
    ),
    In(
        240,
        COUNTY_CONGRESS,
        "县人办〔2026〕19号",
        "关于开展代表履职培训的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        result="已组织38名代表参加县人大常委会举办的履职培训。",
    ),
    In(
        225,
        FINANCE,
        "县财预〔2026〕22号",
        "关于报送乡镇财政预算执行情况的通知",
        T.NOTICE,
        "archived",
        "财政所",
        urgency=Urgency.URGENT,
        result="上半年预算执行情况已报县财政局，并提交镇人大主席团审议。",
    ),
    In(
        210,
        COUNTY_CONGRESS,
        "县人办〔2026〕27号",
        "关于开展“人大代表活动月”活动的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        result="活动月期间组织代表视察3次、接待选民126人次。",
    ),
    In(
        198,
        COUNTY_PETITIONS,
        "县信转〔2026〕33号",
        "关于转送东风村村民联名信的函",
        T.LETTER,
        "archived",
        "东风村村民委员会",
        result="村委会已召开村民代表会议研究，答复意见已送达联名群众。",
    ),
    In(
        180,
        COUNTY_GOV,
        "县政办函〔2026〕41号",
        "关于征求县城至青山镇公路改造方案意见的函",
        T.LETTER,
        "archived",
        "农业农村办公室",
        result="已汇总代表意见7条报县政府办公室。",
    ),
    In(
        165,
        TOWN_GOV,
        "青政发〔2026〕14号",
        "关于青山镇上半年民生实事项目进展情况的报告",
        T.REPORT,
        "archived",
        "财政所",
        readers=("chair", "vicechair", "auditor"),
        result="主席团已听取报告并组织代表视察，审议意见已交镇政府。",
    ),
    In(
        150,
        COUNTY_CONGRESS,
        "县人办〔2026〕35号",
        "关于报送乡镇人大工作信息的通知",
        T.NOTICE,
        "returned_archived",
        reason="来文要求报送的是县直单位信息，与乡镇人大无关，经电话联系县人大常委会办公室确认后退回。",
    ),
    In(
        140,
        COUNTY_PARTY,
        "县委办发〔2026〕51号",
        "关于做好防汛救灾工作的紧急通知",
        T.NOTICE,
        "closed",
        "党政办公室",
        urgency=Urgency.VERY_URGENT,
        handling_days=1,
        result="已通知各村代表参与防汛值守，汛情信息每日报镇防汛办。",
    ),
    In(
        128,
        CIVIL,
        "县民函〔2026〕9号",
        "关于核实高龄津贴发放情况的函",
        T.LETTER,
        "closed",
        "社会事务办公室",
        result="已核实全镇高龄老人412人津贴发放情况，停发的3人已恢复。",
    ),
    In(
        115,
        COUNTY_LIAISON,
        "县人选联〔2026〕12号",
        "关于做好代表向选民述职工作的通知",
        T.NOTICE,
        "closed",
        "党政办公室",
        result="已制定代表述职工作方案，年底前完成全部代表述职。",
    ),
    In(
        100,
        COUNTY_PETITIONS,
        "县信转〔2026〕58号",
        "关于转送村卫生室无医生坐诊问题信访事项的函",
        T.LETTER,
        "closed",
        "社会事务办公室",
        result="镇卫生院已安排医生定期到村卫生室坐诊，处理情况已反馈县信访局。",
    ),
    In(
        82,
        COUNTY_PETITIONS,
        "县信转〔2026〕66号",
        "关于转送东风村林地占用问题信访事项的函",
        T.LETTER,
        "closed",
        "自然资源所",
        result="已按信访件登记，交自然资源所办理，办理结果将按期反馈县信访局。",
    ),
    In(
        37,
        COUNTY_PETITIONS,
        "县信转〔2026〕78号",
        "关于转送养殖场污染问题信访事项的函",
        T.LETTER,
        "closed",
        "生态环境办公室",
        handling_days=2,
        result="已按信访件登记，交生态环境办公室办理，办理结果将按期反馈县信访局。",
    ),
    In(
        90,
        COUNTY_CONGRESS,
        "县人办〔2026〕44号",
        "关于开展乡镇人大代表建议办理情况督查的通知",
        T.NOTICE,
        "closed",
        "党政办公室",
        readers=("chair", "vicechair", "auditor"),
        unread=("auditor",),
        result="已开展代表建议办理情况督查，督查报告已报县人大常委会办公室。",
    ),
    In(
        80,
        FINANCE,
        "县财农〔2026〕31号",
        "关于下达高标准农田建设补助资金的通知",
        T.NOTICE,
        "closed",
        "农业农村办公室",
        result="补助资金已按项目进度拨付，代表已参与项目验收。",
    ),
    In(
        70,
        TOWN_GOV,
        "青政函〔2026〕22号",
        "关于提请审议镇财政预算调整方案的函",
        T.LETTER,
        "closed",
        "财政所",
        result="已提交主席团会议审议，审议意见已反馈镇政府。",
    ),
    In(
        62,
        COUNTY_GOV,
        "县政办发〔2026〕66号",
        "关于开展农村人居环境整治“回头看”的通知",
        T.NOTICE,
        "closed",
        "生态环境办公室",
        result="已组织代表参与“回头看”检查，发现问题12处，已交镇政府整改。",
    ),
    In(
        55,
        COUNTY_CONGRESS,
        "县人办〔2026〕51号",
        "关于做好乡镇人大换届选举准备工作的通知",
        T.NOTICE,
        "closed",
        "党政办公室",
        readers=("chair", "vicechair", "auditor"),
        unread=("vicechair",),
        result="已成立换届选举工作领导小组，选区划分方案正在拟定。",
    ),
    In(
        43,
        COUNTY_PETITIONS,
        "县信转〔2026〕72号",
        "关于转送砖厂粉尘污染问题信访事项的函",
        T.LETTER,
        "closed",
        "生态环境办公室",
        handling_days=3,
        result="已按信访件登记，交生态环境办公室办理，已督促砖厂安装喷淋降尘设施。",
    ),
    In(
        60,
        COUNTY_PARTY,
        "县委办发〔2026〕70号",
        "关于开展基层减负专项检查的通知",
        T.NOTICE,
        "overdue",
        "党政办公室",
        result="",
    ),
    In(
        42,
        COUNTY_CONGRESS,
        "县人办〔2026〕55号",
        "关于报送代表小组活动开展情况的通知",
        T.NOTICE,
        "supervised",
        "党政办公室",
        unread=("vicechair",),
    ),
    In(30, CIVIL, "县民发〔2026〕40号", "关于开展特困人员供养情况排查的通知", T.NOTICE, "overdue", "社会事务办公室"),
    In(
        40,
        COUNTY_PETITIONS,
        "县信转〔2026〕80号",
        "关于转送村道修缮问题信访事项的函",
        T.LETTER,
        "returned",
        reason="该事项已由县交通运输局直接受理办理，按规定不再重复交办，退回县信访局。",
    ),
    In(
        18,
        COUNTY_GOV,
        "县政办函〔2026〕77号",
        "关于征求2027年县级民生实事候选项目意见的函",
        T.LETTER,
        "extended",
        "财政所",
    ),
    In(
        9,
        COUNTY_LIAISON,
        "县人选联〔2026〕19号",
        "关于做好年度代表履职档案整理工作的通知",
        T.NOTICE,
        "assigned",
        "党政办公室",
        unread=("vicechair",),
    ),
    In(
        7,
        COUNTY_PETITIONS,
        "县信转〔2026〕91号",
        "关于转送河口社区夜间施工噪声问题信访事项的函",
        T.LETTER,
        "assigned",
        "自然资源所",
        urgency=Urgency.URGENT,
        unread=("chair",),
    ),
    In(
        6,
        FINANCE,
        "县财预〔2026〕48号",
        "关于编制2027年乡镇财政预算的通知",
        T.NOTICE,
        "assigned",
        "财政所",
        readers=("chair", "vicechair", "auditor"),
        unread=("chair", "auditor"),
    ),
    In(
        6,
        COUNTY_CONGRESS,
        "县人办〔2026〕61号",
        "关于召开全县乡镇人大工作座谈会的通知",
        T.NOTICE,
        "instructed",
        readers=(),
    ),
    In(5, TOWN_PARTY, "青发〔2026〕21号", "关于做好年终考核工作的通知", T.NOTICE, "instructed", readers=()),
    In(4, COUNTY_PARTY, "县委办发〔2026〕82号", "关于做好冬季森林防火工作的通知", T.NOTICE, "proposed"),
    In(3, TOWN_GOV, "青政发〔2026〕30号", "关于2026年度民生实事项目完成情况的报告", T.REPORT, "proposed"),
    In(3, COUNTY_CONGRESS, "县人办〔2026〕63号", "关于开展2026年度代表述职评议的通知", T.NOTICE, "checked"),
    In(2, CIVIL, "县民函〔2026〕15号", "关于核对农村留守老人关爱服务台账的函", T.LETTER, "checked"),
    In(2, COUNTY_GOV, "县政办发〔2026〕90号", "关于做好岁末年初保供稳价工作的通知", T.NOTICE, "registered"),
    In(1, COUNTY_LIAISON, "县人选联〔2026〕22号", "关于报送2027年度代表活动计划的通知", T.NOTICE, "registered"),
    In(1, COUNTY_PETITIONS, "县信转〔2026〕97号", "关于转送集贸市场管理问题信访事项的函", T.LETTER, "received"),
    In(0, COUNTY_CONGRESS, "", "关于做好2027年乡镇人民代表大会会议筹备工作的通知", T.NOTICE, "received"),
]

# the classified letter: 机密, proposed by the office, awaiting the cleared chair's 批办
CLASSIFIED = In(
    5,
    COUNTY_PARTY,
    "县委办密〔2026〕7号",
    "关于做好重要会议期间安全稳定工作的通知",
    T.NOTICE,
    "proposed",
    secrecy=Secrecy.CONFIDENTIAL,
    pages=4,
    readers=(),
)

BAISHUI_IN = [
    In(
        120,
        "示范县人大常委会办公室",
        "县人办〔2026〕44号",
        "关于开展乡镇人大代表建议办理情况督查的通知",
        T.NOTICE,
        "archived",
        "党政办公室",
        readers=("chair",),
        result="督查报告已报县人大常委会办公室。",
    ),
    In(
        50,
        "示范县财政局",
        "县财预〔2026〕37号",
        "关于报送乡镇财政预算执行情况的通知",
        T.NOTICE,
        "closed",
        "财政所",
        readers=("chair", "auditor"),
        result="预算执行情况已报县财政局。",
    ),
    In(
        12,
        "示范县信访局",
        "县信转〔2026〕86号",
        "关于转送水库移民后扶资金问题信访事项的函",
        T.LETTER,
        "assigned",
        "财政所",
        readers=("chair", "auditor"),
        unread=("auditor",),
    ),
    In(3, "示范县人大常委会办公室", "县人办〔2026〕63号", "关于开展2026年度代表述职评议的通知", T.NOTICE, "proposed"),
    In(1, "中共示范县委办公室", "县委办发〔2026〕82号", "关于做好冬季森林防火工作的通知", T.NOTICE, "received"),
]


@dataclass
class Out:
    days_ago: int  # drafted this many days before today (scaled into this year)
    code: str  # 机关代字 of the issuing body
    doc_type: str
    title: str
    main: str
    fate: str  # draft returned reviewing signing resign signed numbered printed sealed dispatched
    #            archived voided (numbered, voided, numbered again, dispatched)
    cc: str = ""
    signer: str = "chair"
    body: str = ""


QINGSHAN_OUT = [
    Out(
        330,
        "青人",
        T.DECISION,
        "关于召开青山镇第十九届人民代表大会第五次会议的决定",
        "各村（社区）、镇直各单位",
        "archived",
        "县人大常委会",
    ),
    Out(
        326,
        "青人大",
        T.RESOLUTION,
        "青山镇第十九届人民代表大会第五次会议关于镇人民政府工作报告的决议",
        "镇人民政府",
        "archived",
        "县人大常委会",
    ),
    Out(
        326,
        "青人大",
        T.RESOLUTION,
        "青山镇第十九届人民代表大会第五次会议关于2026年财政预算的决议",
        "镇人民政府",
        "archived",
        "县人大常委会、县财政局",
    ),
    Out(
        325,
        "青人大",
        T.RESOLUTION,
        "青山镇第十九届人民代表大会第五次会议关于2026年民生实事项目的决议",
        "镇人民政府",
        "archived",
        "县人大常委会",
    ),
    Out(322, "青人", T.REPORT, "关于青山镇第十九届人民代表大会第五次会议召开情况的报告", "县人大常委会", "archived"),
    Out(
        300,
        "青人",
        T.NOTICE,
        "关于印发《2026年主席团成员联系代表工作安排》的通知",
        "各代表小组",
        "archived",
        "县人大常委会选举任免联络工作委员会",
    ),
    Out(
        290,
        "青人办",
        T.NOTICE,
        "关于开展2026年第一季度代表小组活动的通知",
        "各代表小组",
        "archived",
        signer="vicechair",
    ),
    Out(
        270,
        "青人",
        T.OPINION,
        "关于加强代表建议办理工作的意见",
        "镇人民政府、镇直各单位",
        "archived",
        "县人大常委会选举任免联络工作委员会",
    ),
    Out(
        250,
        "青人办",
        T.LETTER,
        "关于商请提供2025年度代表建议办理情况的函",
        "镇人民政府办公室",
        "archived",
        signer="vicechair",
    ),
    Out(240, "青人", T.REQUEST, "关于调整部分代表小组设置的请示", "县人大常委会", "archived"),
    Out(
        220,
        "青人办",
        T.NOTICE,
        "关于组织代表参加2026年上半年履职培训的通知",
        "各代表小组",
        "archived",
        "县人大常委会选举任免联络工作委员会",
        signer="vicechair",
    ),
    Out(200, "青人", T.CIRCULAR, "关于2026年上半年代表履职情况的通报", "全体镇人大代表", "archived", "县人大常委会"),
    Out(190, "青人", T.DECISION, "关于开展农村饮水安全工作专题调研的决定", "镇人民政府", "dispatched"),
    Out(125, "青人办", T.LETTER, "关于转交群众来信的函", "镇自然资源所", "archived", signer="vicechair"),
    Out(170, "青人", T.REPORT, "关于开展代表集中视察活动情况的报告", "县人大常委会", "dispatched"),
    Out(160, "青人办", T.NOTICE, "关于开展代表接待选民日活动的通知", "各代表联络站", "dispatched", signer="vicechair"),
    Out(150, "青人", T.REPLY, "关于同意东风片代表小组调整活动计划的批复", "东风片代表小组", "voided"),
    Out(
        130,
        "青人大",
        T.DECISION,
        "青山镇人民代表大会关于接受代表辞职的决定",
        "各村（社区）",
        "dispatched",
        "县人大常委会",
    ),
    Out(120, "青人", T.OPINION, "关于民生实事项目实施情况的审议意见", "镇人民政府", "dispatched", "县人大常委会"),
    Out(
        100,
        "青人办",
        T.NOTICE,
        "关于报送第三季度代表活动开展情况的通知",
        "各代表小组",
        "dispatched",
        signer="vicechair",
    ),
    Out(80, "青人", T.MINUTES, "青山镇人大主席团第十二次会议纪要", "主席团成员", "dispatched", "中共青山镇委员会"),
    Out(60, "青人办", T.LETTER, "关于代表建议办理情况答复的函", "张桂兰等代表", "sealed", signer="vicechair"),
    Out(
        45,
        "青人",
        T.NOTICE,
        "关于召开青山镇第十九届人民代表大会第七次会议的通知",
        "全体镇人大代表",
        "sealed",
        "县人大常委会",
    ),
    Out(
        40,
        "青人大",
        T.DECISION,
        "青山镇人民代表大会关于补选镇人民代表大会代表的决定",
        "各选区",
        "printed",
        "县人大常委会",
    ),
    Out(35, "青人办", T.NOTICE, "关于做好2026年度代表述职工作的通知", "各代表小组", "printed", signer="vicechair"),
    Out(30, "青人", T.REPORT, "关于青山镇2026年度人大工作情况的报告", "县人大常委会", "numbered"),
    Out(
        25,
        "青人办",
        T.LETTER,
        "关于征求2027年民生实事项目意见的函",
        "各村（社区）、镇直各单位",
        "numbered",
        signer="vicechair",
    ),
    Out(20, "青人", T.DECISION, "关于开展2026年度代表述职评议的决定", "全体镇人大代表", "signed"),
    Out(18, "青人办", T.NOTICE, "关于做好代表履职档案整理工作的通知", "各代表小组", "signed", signer="vicechair"),
    Out(15, "青人", T.OPINION, "关于进一步规范代表联络站建设的意见", "各代表联络站", "resign"),
    Out(12, "青人", T.REQUEST, "关于召开青山镇第十九届人民代表大会第七次会议的请示", "县人大常委会", "signing"),
    Out(10, "青人办", T.CIRCULAR, "关于代表建议办理情况的通报", "全体镇人大代表", "reviewing"),
    Out(8, "青人", T.NOTICE, "关于做好2027年代表活动计划编制工作的通知", "各代表小组", "reviewing"),
    Out(6, "青人办", T.LETTER, "关于商请协助开展代表视察的函", "镇人民政府办公室", "returned"),
    Out(4, "青人", T.REPORT, "关于代表小组活动开展情况的报告", "县人大常委会", "draft"),
    Out(2, "青人办", T.NOTICE, "关于开展岁末年初走访慰问困难群众的通知", "各代表小组", "draft"),
]

BAISHUI_OUT = [
    Out(200, "白人", T.NOTICE, "关于开展代表小组活动的通知", "各代表小组", "archived", "县人大常委会"),
    Out(90, "白人办", T.LETTER, "关于商请提供代表建议办理情况的函", "乡人民政府办公室", "dispatched"),
    Out(20, "白人", T.REPORT, "关于白水乡2026年度人大工作情况的报告", "县人大常委会", "signing"),
    Out(3, "白人办", T.NOTICE, "关于做好年度代表述职工作的通知", "各代表小组", "draft"),
]

DONE = ("closed", "archived")
HANDLED = ("assigned", "overdue", "supervised", "extended", *DONE)
INSTRUCTED = ("instructed", *HANDLED)
PROPOSED = ("proposed", *INSTRUCTED)
CHECKED = ("checked", *PROPOSED)


def body_text(item, township):
    """A plausible body: what, and what the recipients should do (the 主送 line is the layout's,
    from main_recipients: the body does not repeat it)."""
    subject = item.title.removeprefix("关于").removesuffix("的通知").removesuffix("的函")
    return (
        f"根据工作安排，现就{subject}有关事项{DocType(item.doc_type).label}如下。\n"
        f"一、高度重视，加强组织领导，明确专人负责。\n"
        f"二、结合实际，认真抓好落实，确保各项工作按时完成。\n"
        f"三、请于规定时间内将有关情况报{township.name}人大办公室。"
    )


class Clock:
    """Where each step happened: office hours of the planned day, never in the future, always
    after the previous step."""

    def __init__(self, today):
        self.zone = timezone.get_current_timezone()
        self.now = timezone.now() - timedelta(minutes=30)
        self.today = today
        self.last = None

    def start(self, day, hour=9, minute=0):
        self.last = None
        return self.at(day, hour, minute)

    def at(self, day, hour=9, minute=0):
        moment = datetime.combine(min(day, self.today), time(hour, minute), self.zone)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=20)
        moment = min(moment, self.now)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(seconds=30)
        self.last = moment
        return moment


class Stamps:
    """Record the wall-clock start of each service step and the moment it stands for; `apply`
    then moves every timestamp the steps wrote (the timeline, clocks, circulation, seal log …)
    to its moment, with one UPDATE per table and field."""

    def __init__(self, document):
        self.document = document
        self.steps = []  # (wall-clock start, moment)

    def step(self, moment, call, *args, **kwargs):
        self.steps.append((timezone.now(), moment))
        return call(*args, **kwargs)

    def _targets(self):
        doc = self.document
        item = {"item_type": ContentType.objects.get_for_model(doc), "item_id": doc.pk}
        subject = {"subject_type": item["item_type"], "subject_id": doc.pk}
        rows = [
            (CaseEvent.objects.filter(**item), ("at",)),
            (Notification.objects.filter(url=doc.get_absolute_url()), ("created_at",)),
            (type(doc).history.model.objects.filter(id=doc.pk), ("history_date",)),
            (DocumentCitation.objects.of_document(doc), ("created_at",)),
        ]
        if isinstance(doc, IncomingDocument):
            rows += [
                (IncomingDocument.objects.filter(pk=doc.pk), ("closed_at", "archived_at")),
                (CaseAssignment.objects.filter(**item), ("assigned_at",)),
                (CaseReply.objects.filter(**item), ("replied_at",)),
                (CaseSupervision.objects.filter(**item), ("issued_at",)),
                (ExtensionRequest.objects.filter(**item), ("requested_at", "decided_at")),
                (Deadline.objects.filter(**subject), ("created_at", "met_at")),
                (
                    DeadlineExtension.objects.filter(
                        deadline__subject_type=item["item_type"], deadline__subject_id=doc.pk
                    ),
                    ("created_at",),
                ),
                (Circulation.objects.filter(document=doc), ("sent_at", "read_at")),
            ]
        else:
            rows += [
                (OutgoingDocument.objects.filter(pk=doc.pk), ("drafted_at", "dispatched_at", "archived_at")),
                (DraftVersion.objects.filter(document=doc), ("saved_at",)),
                (SealLog.objects.filter(document=doc), ("used_at",)),
                (Dispatch.objects.filter(document=doc), ("sent_at",)),
                (VoidedNumber.objects.filter(document=doc), ("voided_at",)),
            ]
        return rows

    def apply(self):
        if not self.steps:
            return
        first = self.steps[0][0]
        latest_first = list(reversed(self.steps))
        for queryset, fields in self._targets():
            for name in fields:
                moved = Case(
                    *[When(**{f"{name}__gte": started}, then=Value(moment)) for started, moment in latest_first],
                    default=F(name),
                )
                queryset.filter(**{f"{name}__gte": first}).update(**{name: moved})
        doc = self.document
        if isinstance(doc, IncomingDocument):
            # a read receipt meets its reading clock "today": on the day it was read instead
            Deadline.objects.filter(
                subject_type=ContentType.objects.get_for_model(doc), subject_id=doc.pk, met_at__isnull=False
            ).update(met_on=TruncDate("met_at", tzinfo=timezone.get_current_timezone()))
        # what the users were told weeks ago they have long seen
        week_ago = timezone.now() - timedelta(days=7)
        Notification.objects.filter(url=doc.get_absolute_url(), created_at__lt=week_ago, read_at__isnull=True).update(
            read_at=F("created_at") + timedelta(hours=2)
        )


class Seeder:
    def __init__(self, *, township, users, today):
        self.township, self.users, self.today = township, users, today
        self.clerk, self.chair = users["clerk"], users["chair"]
        self.units = {u.name: u for u in Unit.objects.filter(township=township)}
        self.bodies = {}

    # --- issuing bodies and clearance -------------------------------------------------------------

    def ensure_bodies(self):
        created = 0
        for order, (name, code, mark) in enumerate(BODIES.get(self.township.code, []), start=1):
            body, was_created = IssuingBody.objects.get_or_create(
                township=self.township, code=code, defaults={"name": name, "mark": mark, "order": order}
            )
            self.bodies[code] = body
            created += was_created
        return created

    def clear_chair(self):
        """The chair 李建国 is cleared for 机密 (2); nobody else in the demo is."""
        if self.chair.clearance != 2:
            self.chair.clearance = 2
            self.chair.save(update_fields=["clearance"])

    def user(self, key):
        return self.users.get(key)

    def handler(self, unit):
        unit_user = self.users.get("unit")
        if unit_user is not None and unit_user.unit_id == unit.pk:
            return unit_user
        return self.clerk

    # --- incoming ---------------------------------------------------------------------------------

    def incoming(self, item, *, by=None):
        by = by or self.clerk
        clock = Clock(self.today)
        day = self.today - timedelta(days=item.days_ago)
        received_at = clock.start(day, 8 + item.days_ago % 3, 10 * (item.days_ago % 5))
        started = timezone.now()
        doc = inc.incoming_receive(
            township=self.township,
            by=by,
            sender=item.sender,
            title=item.title,
            received_at=received_at,
            urgency=item.urgency,
            secrecy=item.secrecy,
        )
        stamps = Stamps(doc)
        stamps.steps.append((started, received_at))
        fate = item.fate
        if fate != "received":
            stamps.step(
                clock.at(day, 10, 30),
                inc.incoming_register,
                document=doc,
                by=by,
                sender_number=item.sender_number,
                doc_type=item.doc_type,
                copies=item.copies,
                pages=item.pages,
                secrecy=item.secrecy,
            )
        if fate in ("returned", "returned_archived"):
            stamps.step(
                clock.at(day + timedelta(days=1), 9, 30), inc.incoming_return, document=doc, by=by, reason=item.reason
            )
            if fate == "returned_archived":
                stamps.step(clock.at(day + timedelta(days=20), 16), inc.incoming_archive, document=doc, by=by)
        if fate in CHECKED:
            stamps.step(clock.at(day, 15), inc.incoming_check, document=doc, by=by, note="来文齐全，属本机关办理。")
        unit = self.units.get(item.unit)
        if fate in PROPOSED:
            proposal = (
                f"拟请{self.chair.display_name}主席阅示，交{unit.name}办理。"
                if unit
                else f"拟请{self.chair.display_name}主席阅示。"
            )
            stamps.step(
                clock.at(day + timedelta(days=1), 9), inc.incoming_propose, document=doc, by=by, proposal=proposal
            )
        if fate in INSTRUCTED:
            instruction = f"同意，请{unit.name}抓紧办理，按时反馈。" if unit else "同意拟办意见，请人大办跟进。"
            stamps.step(
                clock.at(day + timedelta(days=2), 8, 40),
                inc.incoming_instruct,
                document=doc,
                by=self.chair,
                instruction=instruction,
            )
        if fate in HANDLED:
            assigned_at = clock.at(day + timedelta(days=2), 10)
            stamps.step(
                assigned_at,
                inc.incoming_assign,
                document=doc,
                by=by,
                lead_unit=unit,
                start=assigned_at.date(),
                note="请按来文要求办理，办结后书面反馈。",
            )
        readers = [self.user(key) for key in item.readers if self.user(key) is not None] if fate in INSTRUCTED else []
        if readers:
            sent = clock.at(day + timedelta(days=2), 11)
            stamps.step(sent, inc.incoming_circulate, document=doc, by=by, readers=readers, start=sent.date())
            for n, key in enumerate(item.readers):
                reader = self.user(key)
                if reader is None or key in item.unread:
                    continue
                stamps.step(
                    clock.at(day + timedelta(days=3), 9 + n, 15), inc.incoming_mark_read, document=doc, by=reader
                )
        if fate == "supervised":
            stamps.step(
                clock.at(day + timedelta(days=20), 9),
                inc.incoming_supervise,
                document=doc,
                by=self.chair,
                content="该件已超过办理时限，请于本周内办结并书面反馈。",
                reply_by=self.today + timedelta(days=5),
            )
        if fate == "extended":
            stamps.step(
                clock.at(day + timedelta(days=7), 10),
                case_request_extension,
                item=doc,
                by=self.handler(unit),
                reason="需征求各村（社区）意见后汇总，申请延长5个工作日。",
                extra=5,
            )
            stamps.step(
                clock.at(day + timedelta(days=8), 9), case_approve_extension, item=doc, by=self.chair, note="同意延期。"
            )
        if fate in DONE:
            closed = clock.at(day + timedelta(days=2 + item.handling_days), 16)
            stamps.step(
                closed, inc.incoming_close, document=doc, by=self.handler(unit), result=item.result, on=closed.date()
            )
        if fate == "archived":
            stamps.step(
                clock.at(day + timedelta(days=2 + item.handling_days + 5), 15),
                inc.incoming_archive,
                document=doc,
                by=by,
            )
        stamps.apply()
        return doc

    def classified(self, item):
        """The 机密 letter: the clerk signs for it with a clearance for these steps only."""
        clerk = self.clerk
        before = clerk.clearance
        clerk.clearance = 2
        try:
            return self.incoming(item)
        finally:
            clerk.clearance = before
            clerk.save(update_fields=["clearance"])

    # --- outgoing ---------------------------------------------------------------------------------

    def outgoing(self, item, day):
        clerk, signer = self.clerk, self.user(item.signer) or self.chair
        body = self.bodies[item.code]
        clock = Clock(self.today)
        sign_day = min(day + timedelta(days=4), self.today)
        created = clock.start(day, 9, 30)
        started = timezone.now()
        doc = out.outgoing_create(
            township=self.township,
            by=clerk,
            issuing_body=body,
            doc_type=item.doc_type,
            title=item.title,
            main_recipients=item.main,
            cc_recipients=item.cc,
            body=item.body or body_text(item, self.township),
            signature=body.name,
            written_on=sign_day if item.fate not in ("draft", "returned", "reviewing") else None,
            secrecy="",
        )
        stamps = Stamps(doc)
        stamps.steps.append((started, created))
        doc.drafted_at = created
        OutgoingDocument.objects.filter(pk=doc.pk).update(drafted_at=created)
        fate = item.fate
        if fate == "draft":
            stamps.apply()
            return doc
        stamps.step(clock.at(day, 14), out.outgoing_submit, document=doc, by=clerk)
        if fate == "returned" or item.days_ago % 4 == 0:
            stamps.step(
                clock.at(day + timedelta(days=1), 9),
                out.outgoing_review,
                document=doc,
                by=clerk,
                passed=False,
                comment="请核对主送机关，并将第二项表述改得更具体。",
            )
            if fate == "returned":
                stamps.apply()
                return doc
            stamps.step(
                clock.at(day + timedelta(days=1), 11),
                out.outgoing_save_draft,
                document=doc,
                by=clerk,
                body=doc.body.replace("认真抓好落实", "细化工作措施，认真抓好落实"),
                note="按核稿意见修改",
            )
            stamps.step(clock.at(day + timedelta(days=1), 14), out.outgoing_submit, document=doc, by=clerk)
        if fate == "reviewing":
            stamps.apply()
            return doc
        stamps.step(
            clock.at(day + timedelta(days=2), 10),
            out.outgoing_review,
            document=doc,
            by=clerk,
            passed=True,
            comment="文字规范，同意送签。",
        )
        if fate == "signing":
            stamps.apply()
            return doc
        signed = clock.at(sign_day, 9)
        stamps.step(signed, out.outgoing_sign, document=doc, by=signer, opinion="同意印发。", on=signed.date())
        if fate == "resign":  # a substantive change after signing goes back to the signer
            stamps.step(
                clock.at(sign_day, 15),
                out.outgoing_save_draft,
                document=doc,
                by=clerk,
                body=doc.body + "\n四、各代表联络站应于每月第一周公布代表接待安排。",
                note="根据主席团会议意见增加第四项",
            )
            stamps.apply()
            return doc
        if fate == "signed":
            stamps.apply()
            return doc
        stamps.step(clock.at(sign_day, 10), out.outgoing_register, document=doc, by=clerk)
        if fate == "voided":
            stamps.step(
                clock.at(sign_day, 11),
                out.outgoing_void_number,
                document=doc,
                by=clerk,
                reason="登记后发现附件未随文，撤回补正，原文号作废。",
            )
            stamps.step(clock.at(sign_day, 15), out.outgoing_register, document=doc, by=clerk)
        if fate == "numbered":
            stamps.apply()
            return doc
        printed = clock.at(sign_day + timedelta(days=1), 9)
        copies = 30 if "代表" in item.main else 5
        stamps.step(printed, out.outgoing_print, document=doc, by=clerk, copies=copies, printed_on=printed.date())
        if fate == "printed":
            stamps.apply()
            return doc
        stamps.step(
            clock.at(sign_day + timedelta(days=1), 10),
            out.outgoing_seal,
            document=doc,
            by=clerk,
            seal=f"{body.name}印章",
            count=copies,
        )
        if fate == "sealed":
            stamps.apply()
            return doc
        stamps.step(clock.at(sign_day + timedelta(days=1), 14), out.outgoing_dispatch, document=doc, by=clerk)
        if fate == "archived":
            stamps.step(clock.at(sign_day + timedelta(days=15), 16), out.outgoing_archive, document=doc, by=clerk)
        stamps.apply()
        return doc

    def outgoing_day(self, item):
        """The day it was drafted: the table's days ago, squeezed into this year (every 发文字号
        is of the year it is registered in)."""
        first = self.today.replace(month=1, day=1)
        span = (self.today - first).days
        return self.today - timedelta(days=round(item.days_ago * min(span, 330) / 330))

    # --- citations --------------------------------------------------------------------------------

    def cite(self, document, record, relation, moment):
        if document is None or record is None:
            return None
        stamps = Stamps(document)
        citation = stamps.step(
            moment, citations.citation_add, document=document, record=record, by=self.clerk, relation=relation
        )
        stamps.apply()
        return citation

    def link_demo_records(self, incoming, outgoing):
        """A petition transferred by the county's 函 and one answered by the office's 转办函; a
        suggestion whose answer went out as the office's 函."""
        from deputies.suggestions.models import Suggestion
        from petitions.models import Petition

        links = 0
        by_title = {d.title: d for d in [*incoming, *outgoing]}
        petitions = {p.title: p for p in Petition.objects.filter(township=self.township)}
        pairs = [
            ("关于转送养殖场污染问题信访事项的函", petitions.get("养殖场污水直排河道"), "转办函"),
            ("关于转送砖厂粉尘污染问题信访事项的函", petitions.get("砖厂粉尘污染"), "转办函"),
            ("关于转送东风村林地占用问题信访事项的函", petitions.get("东风村林地被占用未签协议"), "转办函"),
            ("关于转交群众来信的函", petitions.get("东风村征地补偿款分配不公"), "交办函"),
        ]
        suggestion = (
            Suggestion.objects.filter(township=self.township, state__in=("replied", "closed")).order_by("pk").first()
        )
        pairs.append(("关于代表建议办理情况答复的函", suggestion, "答复函"))
        for title, record, relation in pairs:
            document = by_title.get(title)
            if document is None:
                continue
            # linked when the office dealt with it: a few days after receipt or drafting
            since = document.received_at if isinstance(document, IncomingDocument) else document.drafted_at
            moment = min(since + timedelta(days=3), timezone.now() - timedelta(minutes=20))
            if self.cite(document, record, relation, moment):
                links += 1
        return links


def seed(*, township, users, today, stdout):
    """Create the documents of `township` (青山镇 and 白水乡; others get none)."""
    if township.code not in BODIES:
        return
    seeder = Seeder(township=township, users=users, today=today)
    bodies = seeder.ensure_bodies()
    qingshan = township.code == "qingshan"
    if qingshan:
        seeder.clear_chair()
    made_in, made_out = [], []
    if not IncomingDocument.objects.filter(township=township).exists():
        table = QINGSHAN_IN if qingshan else BAISHUI_IN
        # oldest first, so that every 收文号 follows the order of receipt
        if qingshan:
            table = [*table, CLASSIFIED]
        for item in sorted(table, key=lambda i: -i.days_ago):
            made_in.append(seeder.classified(item) if item is CLASSIFIED else seeder.incoming(item))
    if not OutgoingDocument.objects.filter(township=township).exists():
        table = QINGSHAN_OUT if qingshan else BAISHUI_OUT
        for item in sorted(table, key=lambda i: -i.days_ago):
            made_out.append(seeder.outgoing(item, seeder.outgoing_day(item)))
    links = seeder.link_demo_records(made_in, made_out) if qingshan and made_in and made_out else 0
    if bodies or made_in or made_out:
        handling = sum(1 for d in made_in if d.state == IncomingState.ASSIGNED)
        stdout.write(
            f"公文演示数据：{township.name} 发文机关 {bodies} 个、收文 {len(made_in)} 件（承办中 {handling} 件）、"
            f"发文 {len(made_out)} 件、关联 {links} 条"
            + ("；机密收文仅 qs_chair（李建国，涉密等级“可阅机密”）可见。" if qingshan and made_in else "。")
        )
