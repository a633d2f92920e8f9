# ruff: noqa: E501  (the vocabulary: Chinese titles, opinions and texts, one entry a line)
"""The county-scale data set, second part (issue 12, item 5): documents (公文), meetings (会议),
assessments (考核) and the archive (档案) for the bench townships that `generate.generate()` made.

At scale 1.0, over 2017–2026 in the 30 bench townships: ~500,000 documents — 收文 ~60 % (signed
for, registered with the 收文号 gapless per township and year, checked, proposed, instructed,
assigned to a unit on the handling clock by urgency, circulated to the chairs and the auditor with
read receipts, supervised or extended now and then, closed and, past the first months, archived;
the last days' in every open state; a few 秘密 ones, registered by a cleared clerk), 发文 ~40 %
(drafted, reviewed — some returned and redrafted —, signed by the chair or the vice-chair,
numbered 机关代字〔YYYY〕N号 per issuing body and year, one in a hundred with a voided and logged
number, printed, sealed, dispatched to its 主送 and 抄送 bodies and archived; the last days' in
every open state); about 40 meetings per township-year (two 人代会 sessions and sometimes a 临时会议,
the rest 主席团会议): agenda, every member's attendance row (the notice, sign-in at the hall, an
approved leave, an absence), votes against the majority of all deputies with the present members
frozen, at sessions two motions (one listed and passed, one not listed) and the budget's
resolution carried through the documents app to its archived 发文, at a quarter of the presidium
meetings a 审议意见 handed to a unit on its clock, answered and rated; the next days' meetings
notified or planned; one assessment plan per township-year (copied from the year before: two
assessment types, six weighted indicators, two teams and five cadres, the four quarters scored
and confirmed, an approved correction, the grades under the 优秀 quota, inspection scores, and
the democratic evaluation: the deputies in office and 20 party delegates, a drawn sample, one
code each, 12 ballots); this year's plan with three quarters confirmed, a correction waiting for
a chair and its evaluation being prepared. Then the archive: every past year's records of every
section (收文, 发文, 会议, 考核结果, petitions, suggestions, 履职档案) become archive items with their
档号, as 整理归档 (`archive_assign`) numbers them, each township with its 全宗; the items' files are
not rendered (rendered_at is empty: rendering is bench_archive's subject).

Method, as `generate.py`: one template per lifecycle path (and per number of deputies in office
where attendance rows, frozen member lists or the evaluation's population depend on it) made by
the real services in a scratch township, clock frozen at each step, inside a transaction that is
rolled back; each template's rows are compiled into recipes (`generate.Template`) and cloned in
bulk with COPY (`generate.Table`), one transaction per township, with fresh ids, remapped
references (users, units, deputies — also in the JSON lists of deputy ids —, issuing bodies,
terms), shifted dates, recomputed due dates, and renumbered 收文号, 发文字号 (and voided numbers),
会次, 督办 notices; ballot codes get fresh hashes, evaluations fresh salts. Every file field of
every clone (scans of 收文) names one small stored PDF, `SHARED_FILE`. `verify_more()` compares,
per template, the rows per table (and the states) of the service-made record with one clone's.

Not generated: history tables, notifications (as in generate.py), meeting checklists, livelihood
projects, targets (三级建档), citations between documents and cases.

Runs on a database the main generator filled (`bench_county --generate-more`), or at the end of
`--generate`. Refused when the bench townships already have documents.
"""

import io
import queue
import random
import secrets
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone as dj_timezone

from congress_office.models import (
    ArchiveItem,
    CaseAssignment,
    CaseEvent,
    CaseRating,
    CaseReply,
    CaseSupervision,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    ExtensionRequest,
    Fonds,
    OrgCode,
    Township,
    Unit,
    User,
)
from congress_office.roles import Role
from congress_office.workdays import WorkCalendar
from deputies.choices import DeputyStatus, Gender
from deputies.models import Deputy, Term

from . import generate as g
from .generate import K_CONST, K_JSON, K_PK, Clone, Table, Template, _aware, _copy_text, _Rollback, frozen

BENCH_CODE_RE = r"^bench\d+$"
DOCUMENTS = 500_000  # at scale 1.0, the county's ten years
INCOMING_SHARE = 0.6
MEETINGS_PER_YEAR = 40  # per township at scale 1.0
MAX_DEPUTIES = 60  # in the scratch township (the largest township has 54)
SHARED_FILE = "bench/shared-scan.pdf"
# a valid one-page PDF: every clone's scan is this one stored file
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class BenchDataMissing(RuntimeError):
    pass


class MoreDataExists(RuntimeError):
    pass


# --- vocabulary ---------------------------------------------------------------------------------

COUNTY = "基准县"
SENDERS = [  # (来文机关, 字号 prefix, weight); {t} the township, {a} its one-character abbreviation
    (f"{COUNTY}人大常委会办公室", "县人办", 20),
    (f"中共{COUNTY}委办公室", "县委办发", 14),
    (f"{COUNTY}人民政府办公室", "县政办发", 14),
    (f"{COUNTY}信访局", "县信转", 8),
    (f"{COUNTY}人大常委会选举任免联络工作委员会", "县人选联", 8),
    (f"{COUNTY}财政局", "县财预", 6),
    (f"{COUNTY}民政局", "县民发", 5),
    (f"{COUNTY}农业农村局", "县农发", 4),
    (f"{COUNTY}自然资源局", "县自然资发", 3),
    ("中共{t}委员会", "{a}发", 10),
    ("{t}人民政府", "{a}政发", 8),
]
INCOMING_TITLES = [  # (title, 文种)
    ("关于做好年度代表建议征集工作的通知", "notice"),
    ("关于召开乡镇人民代表大会会议有关事项的通知", "notice"),
    ("关于做好主席团成员联系代表工作的意见", "opinion"),
    ("关于印发民生实事项目实施方案的通知", "notice"),
    ("关于开展农村低保专项治理的通知", "notice"),
    ("关于转送群众信访事项的函", "letter"),
    ("关于开展代表履职培训的通知", "notice"),
    ("关于报送乡镇财政预算执行情况的通知", "notice"),
    ("关于开展“人大代表活动月”活动的通知", "notice"),
    ("关于征求公路改造方案意见的函", "letter"),
    ("关于上半年民生实事项目进展情况的报告", "report"),
    ("关于报送乡镇人大工作信息的通知", "notice"),
    ("关于做好防汛救灾工作的紧急通知", "notice"),
    ("关于核实高龄津贴发放情况的函", "letter"),
    ("关于做好代表向选民述职工作的通知", "notice"),
    ("关于开展代表建议办理情况督查的通知", "notice"),
    ("关于下达高标准农田建设补助资金的通知", "notice"),
    ("关于提请审议财政预算调整方案的函", "letter"),
    ("关于开展农村人居环境整治“回头看”的通知", "notice"),
    ("关于做好安全生产工作的通知", "notice"),
    ("关于开展基层减负专项检查的通知", "notice"),
    ("关于报送代表小组活动开展情况的通知", "notice"),
    ("关于开展特困人员供养情况排查的通知", "notice"),
    ("关于做好代表履职档案整理工作的通知", "notice"),
    ("关于做好冬季森林防火工作的通知", "notice"),
    ("关于印发年度工作要点的通知", "notice"),
    ("关于做好年终考核工作的通知", "notice"),
    ("关于开展法律法规实施情况检查的通知", "notice"),
    ("关于进一步加强代表联络站建设的意见", "opinion"),
    ("关于全县乡镇人大工作情况的通报", "circular"),
]
OUTGOING_TITLES = [  # (title, 文种, 主送, 抄送)
    ("关于开展季度代表小组活动的通知", "notice", "各代表小组", "县人大常委会选举任免联络工作委员会"),
    ("关于印发主席团成员联系代表工作安排的通知", "notice", "各代表小组", "县人大常委会"),
    ("关于加强代表建议办理工作的意见", "opinion", "镇人民政府", "县人大常委会"),
    ("关于商请提供代表建议办理情况的函", "letter", "镇人民政府办公室", ""),
    ("关于调整部分代表小组设置的请示", "request", "县人大常委会", ""),
    ("关于组织代表参加履职培训的通知", "notice", "各代表小组", "县人大常委会选举任免联络工作委员会"),
    ("关于上半年代表履职情况的通报", "circular", "全体代表", "县人大常委会"),
    ("关于开展农村饮水安全工作专题调研的决定", "decision", "镇人民政府", ""),
    ("关于转交群众来信的函", "letter", "镇自然资源所", ""),
    ("关于开展代表集中视察活动情况的报告", "report", "县人大常委会", ""),
    ("关于开展代表接待选民日活动的通知", "notice", "各代表联络站", ""),
    ("关于民生实事项目实施情况的审议意见", "opinion", "镇人民政府", "县人大常委会"),
    ("关于报送季度代表活动开展情况的通知", "notice", "各代表小组", ""),
    ("关于代表建议办理情况答复的函", "letter", "有关代表", ""),
    ("关于召开人民代表大会会议的通知", "notice", "全体代表", "县人大常委会"),
    ("关于做好年度代表述职工作的通知", "notice", "各代表小组", ""),
    ("关于年度人大工作情况的报告", "report", "县人大常委会", ""),
    ("关于征求民生实事项目意见的函", "letter", "各村（社区）、镇直各单位", ""),
    ("关于开展年度代表述职评议的决定", "decision", "全体代表", "县人大常委会"),
    ("关于进一步规范代表联络站建设的意见", "opinion", "各代表联络站", ""),
]
PLACES = ["镇政府三楼会议室", "镇人大办公室", "镇政府一楼大会议室", "镇便民服务中心会议室"]
SESSION_AGENDA = [
    ("听取和审议镇人民政府工作报告", "镇长", True),
    ("审查和批准本年度镇财政预算", "财政所所长", True),
    ("听取和审议镇人大主席团工作报告", "镇人大主席", True),
]
SESSION_AGENDA_2 = [
    ("听取和审议镇人民政府上半年工作情况报告", "镇长", False),
    ("听取和审议上半年财政预算执行情况报告", "财政所所长", True),
    ("审议代表议案", "镇人大主席", False),
]
PRESIDIUM_AGENDA = [
    ("研究代表活动计划", "镇人大主席", True),
    ("听取镇人民政府专项工作情况汇报", "副镇长", False),
]
ASSESSMENT_TYPES = {
    "经济发展类": [("财政收入", 40, "一般公共预算收入增长5%左右"), ("项目建设", 30, "完成年度重点项目投资"),
                ("安全生产", 30, "不发生较大以上安全事故")],
    "社会管理类": [("信访维稳", 40, "信访事项按期办结"), ("民生实事", 30, "年度民生实事项目按计划推进"),
                ("基层治理", 30, "村（社区）治理体系健全")],
}  # fmt: skip
ASSESSMENT_SUBJECTS = [  # (kind, name, position, type, performance)
    ("team", "东片区领导班子", "", "经济发展类", 0.9),
    ("team", "西片区领导班子", "", "社会管理类", 0.8),
    ("cadre", "模板干部甲", "党委副书记、镇长", "经济发展类", 0.96),
    ("cadre", "模板干部乙", "副镇长", "经济发展类", 0.9),
    ("cadre", "模板干部丙", "副镇长", "社会管理类", 0.82),
    ("cadre", "模板干部丁", "党委委员、组织委员", "社会管理类", 0.88),
    ("cadre", "模板干部戊", "武装部长", "社会管理类", 0.7),
]
CADRE_TOKENS = {"模板干部甲": "cadre0", "模板干部乙": "cadre1", "模板干部丙": "cadre2", "模板干部丁": "cadre3",
                "模板干部戊": "cadre4"}  # fmt: skip
POOLS = {
    "d_proposal": ["拟请主席阅示，交承办单位办理。", "拟请主席阅示，由人大办跟进落实。", "拟送主席团成员传阅，交有关单位办理。"],
    "d_instruction": ["同意，请抓紧办理，按时反馈。", "同意拟办意见，请人大办跟进。", "请认真研究落实，及时报告办理情况。"],
    "d_assignnote": ["请按来文要求办理，办结后书面反馈。", "请于规定时限内办结并报送办理结果。"],
    "d_result": ["已按来文要求组织落实，情况已书面报告。", "已组织代表开展视察，发现问题已交有关单位整改。",
                 "已召开专题会议研究部署，办理情况已报送来文单位。", "相关数据已核实汇总并按时报送。"],
    "d_return": ["来文要求报送的是县直单位信息，与乡镇人大无关，经电话确认后退回。", "该事项已由县直部门直接受理，按规定不再重复交办，予以退回。"],
    "d_supervise": ["该件已超过办理时限，请于本周内办结并书面反馈。", "请加快办理进度，按期反馈办理结果。"],
    "d_extreason": ["需征求各村（社区）意见后汇总，申请延长5个工作日。", "涉及多个单位协调，申请延期办理。"],
    "o_body": [
        "根据工作安排，现就有关事项通知如下。\n一、高度重视，加强组织领导，明确专人负责。\n二、结合实际，认真抓好落实，确保各项工作按时完成。\n三、请于规定时间内将有关情况报镇人大办公室。",
        "为进一步做好代表工作，经研究，现提出如下意见。\n一、提高认识，切实增强做好代表工作的责任感。\n二、突出重点，认真组织代表开展闭会期间活动。\n三、加强保障，为代表依法履职创造良好条件。",
        "现将有关情况报告如下。\n一、基本情况。\n二、主要做法和成效。\n三、存在的问题和下一步打算。\n特此报告。",
    ],
    "o_revision": ["四、各代表小组要及时总结，按时报送活动情况。", "（按核稿意见补充了工作要求）"],
    "o_addition": ["四、各代表联络站应于每月第一周公布代表接待安排。"],
    "o_review_comment": ["请核对主送机关，并将第二项表述改得更具体。", "请补充工作时限，规范文种用语。"],
    "m_minutes": ["会议审议通过了各项议程，对下一步工作作出了部署。", "会议听取了有关情况汇报，研究通过了相关事项。"],
    "m_leave": ["外出务工，不能按时返回", "因病住院", "参加县里培训"],
    "m_motion1": ["关于整治集镇主街排水沟的议案", "关于在偏远村设立便民服务点的议案", "关于加快农村公路提质改造的议案"],
    "m_motion1_content": ["群众反映强烈，建议列入下半年重点工程，由镇人民政府组织实施。"],
    "m_motion2": ["关于提请审议镇财政预算调整方案的议案", "关于提请审议镇国民经济和社会发展计划的议案"],
    "m_motion2_content": ["根据工作需要，镇人民政府提请本次会议审议。"],
    "m_notlist": ["该事项属于镇人民政府日常工作范围，不列入本次会议议程，交镇人民政府研究办理。"],
    "m_decision": ["主席团第三次会议决定召开临时会议，审议补选代表有关事项。"],
    "m_op_title": ["关于农村饮水安全工作的审议意见", "关于民生实事项目实施情况的审议意见", "关于农村人居环境整治的审议意见"],
    "m_op_content": ["建议镇人民政府抓紧推进整改落实，并向主席团报告落实情况。"],
    "m_op_note": ["请于两个月内反馈落实情况。"],
    "m_op_reply": ["已制定整改方案，相关工程已完工，落实情况已向主席团书面报告。"],
    "a_evidence": ["按季度实绩报告核定", "依据季度工作台账核定"],
    "a_correction": ["二季度信访积案化解数据补报", "项目建设投资额统计口径更正"],
}  # fmt: skip


def _cn_day(day):
    return f"{day.year}年{day.month}月{day.day}日"


def meeting_title(town_name, term_number, kind, ordinal):
    """Meeting.title, without a Meeting instance."""
    from meetings.models import chinese_number as _cn

    if kind == "presidium":
        return f"{town_name}第{_cn(term_number)}届人民代表大会主席团第{_cn(ordinal)}次会议"
    return f"{town_name}第{_cn(term_number)}届人民代表大会第{_cn(ordinal)}次会议"


class Tokens(dict):
    """A clone's tokens; a pool name not set yet is drawn from POOLS (once per clone)."""

    rng = random.Random(0)

    def get(self, key, default=None):
        if key in self:
            return self[key]
        if key in POOLS:
            value = self[key] = self.rng.choice(POOLS[key])
            return value
        return default


def shared_file():
    """The one stored PDF every clone's scan points at (written once)."""
    if not default_storage.exists(SHARED_FILE):
        default_storage.save(SHARED_FILE, ContentFile(PDF_BYTES))
    return SHARED_FILE


# --- tables -------------------------------------------------------------------------------------


class Writer:
    """COPY and commit each township's rows in a connection of its own (a thread), while the
    main connection clones the next township; at most one township waits in the queue."""

    def __init__(self):
        self.jobs = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self._run, name="bench-writer", daemon=True)
        self.thread.start()

    def _run(self):
        try:  # `connection` is this thread's own
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
            while True:
                job = self.jobs.get()
                try:
                    if job is None:
                        return
                    if self.error is None:
                        with transaction.atomic(), connection.cursor() as cursor:
                            for sql, buffer in job:
                                cursor.copy_expert(sql, buffer)
                except BaseException as error:  # reported to the main thread, the queue drained
                    self.error = error
                finally:
                    self.jobs.task_done()
        finally:
            connection.close()

    def _check(self):
        if self.error is not None:
            raise RuntimeError(f"bench writer: {self.error!r}") from self.error

    def submit(self, tables):
        """Hand over every table's pending lines (as Table.flush would write them)."""
        job = []
        for table in tables.values():
            if not table.lines:
                continue
            columns = ", ".join(f'"{f.column}"' for f in table.fields)
            job.append((f'COPY "{table.table}" ({columns}) FROM STDIN', io.StringIO("\n".join(table.lines) + "\n")))
            table.written += len(table.lines)
            table.lines = []
        self._check()
        while True:
            try:
                self.jobs.put(job, timeout=5)
                return
            except queue.Full:
                self._check()

    def wait(self):
        """Until every job handed over is committed."""
        self.jobs.join()
        self._check()

    def close(self):
        self.jobs.put(None)
        self.thread.join()


class UuidTable(Table):
    """A table with random UUID keys (the evaluation's codes, ballots and answers)."""

    def __init__(self, model):  # noqa: D107 (no MAX(id) on a uuid column)
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.table = model._meta.db_table
        self.encrypted = {}
        self.lines = []
        self.written = 0

    def take_id(self):
        return uuid.uuid4()

    def reset_sequence(self):
        pass


def _models():
    from assessments.models import (
        AssessmentPlan,
        AssessmentType,
        BallotCode,
        CodeEnvelope,
        Evaluation,
        EvaluationAnswer,
        EvaluationPerson,
        EvaluationQuestion,
        EvaluationResponse,
        Indicator,
        Inspection,
        QuarterLock,
        Score,
        ScoreCorrection,
    )
    from assessments.models import Subject as AssessmentSubject
    from documents.models import (
        Circulation,
        Dispatch,
        DraftVersion,
        IncomingDocument,
        IncomingFile,
        OutgoingDocument,
        SealLog,
        VoidedNumber,
    )
    from meetings.models import (
        AgendaItem,
        Attendance,
        Ballot,
        DeliberationOpinion,
        Meeting,
        MeetingDocument,
        Motion,
        MotionSigner,
        Observer,
        Vote,
    )

    case_rows = [Deadline, DeadlineExtension, ExtensionRequest, CaseSupervision, CaseAssignment, CaseReply]
    case_rows += [CaseRating, CaseEvent]
    outgoing = [OutgoingDocument, DraftVersion, VoidedNumber, SealLog, Dispatch]
    return {
        "incoming": [IncomingDocument, IncomingFile, Circulation, *case_rows],
        "outgoing": [*outgoing, *case_rows],
        "meeting": [
            Meeting,
            Meeting.proposers.through,
            AgendaItem,
            Attendance,
            Motion,
            MotionSigner,
            Vote,
            Ballot,
            Observer,
            MeetingDocument,
            DeliberationOpinion,
            *outgoing,
            *case_rows,
        ],
        "plan": [
            AssessmentPlan,
            AssessmentType,
            Indicator,
            AssessmentSubject,
            QuarterLock,
            Score,
            ScoreCorrection,
            Inspection,
            Evaluation,
            EvaluationQuestion,
            EvaluationPerson,
            CodeEnvelope,
            BallotCode,
            EvaluationResponse,
            EvaluationAnswer,
        ],
    }


def _data_keys():
    from documents.models import SealLog

    return {**g.DATA_ID_KEYS, "log_id": SealLog}


def _is_uuid(model):
    return model._meta.pk.get_internal_type() == "UUIDField"


def _capture(tracked, before):
    """The rows each tracked table got since `before` (int keys) or that belong to the captured
    evaluations (uuid keys), in key order."""
    from assessments.models import EvaluationAnswer

    rows = {}
    for model in tracked:
        names = [f.attname for f in model._meta.concrete_fields]
        if _is_uuid(model):
            continue
        rows[model] = list(model.objects.filter(pk__gt=before[model]).order_by("pk").values(*names))
    evaluations = [r["id"] for m, model_rows in rows.items() if m.__name__ == "Evaluation" for r in model_rows]
    for model in tracked:
        if not _is_uuid(model):
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        if model is EvaluationAnswer:
            qs = model.objects.filter(response__evaluation_id__in=evaluations)
        else:
            qs = model.objects.filter(evaluation_id__in=evaluations)
        rows[model] = list(qs.order_by("pk").values(*names))
    return rows


def _max_pk(model):
    return model.objects.aggregate(m=Max("pk"))["m"] or 0


# --- the scratch township and the steps ---------------------------------------------------------


class MoreScratch(g.Scratch):
    """The main generator's scratch township, with a vice-chair, an auditor, 60 deputies (the
    first 7 of the presidium) and the three issuing bodies."""

    def __init__(self):
        from documents.models import IssuingBody

        super().__init__()
        groups = {grp.name: grp for grp in Group.objects.all()}

        def user(key, name, role):
            account = User.objects.create(username=f"bench-template-{key}", name=name, township=self.township)
            account.groups.add(groups[role])
            return account

        self.vicechair = user("vicechair", "模板副主席", Role.CHAIR)
        self.auditor = user("auditor", "模板审计员", Role.AUDITOR)
        more = [
            Deputy(township=self.township, term=self.term, name=f"模板代表{i:03d}", gender=Gender.MALE)
            for i in range(len(self.deputies), MAX_DEPUTIES)
        ]
        Deputy.objects.bulk_create(more)
        self.deputies += more
        Deputy.objects.filter(pk__in=[d.pk for d in self.deputies[:7]]).update(is_presidium=True)
        self.bodies = {
            "zx": IssuingBody.objects.create(
                township=self.township,
                name="模板镇人民代表大会主席团",
                code="模人",
                mark="模板镇人民代表大会主席团文件",
            ),
            "rd": IssuingBody.objects.create(
                township=self.township, name="模板镇人民代表大会", code="模人大", mark="模板镇人民代表大会文件"
            ),
            "bgs": IssuingBody.objects.create(
                township=self.township, name="模板镇人大办公室", code="模人办", mark="模板镇人大办公室文件"
            ),
        }

    def ctx_map(self):
        from documents.models import IssuingBody

        mapping = super().ctx_map()
        mapping[(User, self.vicechair.pk)] = "u_vicechair"
        mapping[(User, self.auditor.pk)] = "u_auditor"
        for key, body in self.bodies.items():
            mapping[(IssuingBody, body.pk)] = f"body_{key}"
        return mapping

    def tokens(self):
        tokens = super().tokens()
        tokens.update({"模板副主席": "u_vicechair_name", "模板审计员": "u_auditor_name", "模板镇": "town_name"})
        for key, body in self.bodies.items():
            tokens[body.name] = f"body_{key}_name"
        return tokens

    def size(self, n, presidium=7):
        """n deputies in office (the others' seats vacant), `presidium` of them on the presidium."""
        ids = [d.pk for d in self.deputies]
        Deputy.objects.filter(pk__in=ids[:n]).update(status=DeputyStatus.ACTIVE, status_reason="", status_date=None)
        Deputy.objects.filter(pk__in=ids[n:]).update(
            status=DeputyStatus.TERMINATED, status_reason="辞职", status_date=date(2000, 6, 1)
        )
        Deputy.objects.filter(pk__in=ids[:presidium]).update(is_presidium=True)
        Deputy.objects.filter(pk__in=ids[presidium:]).update(is_presidium=False)


class Stepper:
    """The clock of one template: each step at a day offset and an hour, strictly after the last."""

    def __init__(self, base):
        self.base, self.last = base, None

    def at(self, offset, hour=9, minute=0):
        moment = _aware(self.base + timedelta(days=offset), hour, minute)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(seconds=20)
        self.last = self.moment = moment
        return frozen(moment)

    def day(self, offset):
        return self.base + timedelta(days=offset)


def _pdf_upload():
    return SimpleUploadedFile("扫描件.pdf", PDF_BYTES, content_type="application/pdf")


# --- lifecycle paths ----------------------------------------------------------------------------

# name: (weight, stop, flags, open window in days or None for "any time since 2017"); weights are
# per mille of a township's ten years (an open state is the last days' only)
INCOMING_PATHS = {
    "archived": (520, "archived", {"readers": 2}, None),
    "archived_3r": (150, "archived", {"readers": 3}, None),
    "archived_quiet": (90, "archived", {}, None),
    "archived_urgent": (60, "archived", {"urgency": "urgent", "readers": 2}, None),
    "archived_very_urgent": (15, "archived", {"urgency": "very_urgent", "readers": 1}, None),
    "archived_extended": (20, "archived", {"extension": True, "readers": 2}, None),
    "archived_supervised": (20, "archived", {"supervise": True, "readers": 2}, None),
    "archived_secret": (8, "archived", {"secrecy": "secret"}, None),
    "returned_archived": (25, "returned_archived", {}, None),
    "closed": (40, "closed", {"readers": 2}, 150),
    "returned": (0.4, "returned", {}, 20),
    "received": (0.3, "received", {}, 2),
    "registered": (0.5, "registered", {}, 3),
    "checked": (0.5, "checked", {}, 4),
    "proposed": (0.5, "proposed", {}, 5),
    "instructed": (0.6, "instructed", {"readers": 2, "unread": 1}, 6),
    "assigned": (4, "assigned", {"readers": 2, "unread": 1}, 14),
    "assigned_supervised": (0.5, "assigned", {"supervise": True, "readers": 2}, 20),
    "assigned_extended": (0.5, "assigned", {"extension": True, "readers": 2}, 20),
}
OUTGOING_PATHS = {
    "archived": (560, "archived", {"cc": True}, None),
    "archived_nocc": (150, "archived", {}, None),
    "archived_returned": (120, "archived", {"returned": True, "cc": True}, None),
    "archived_vice": (120, "archived", {"vice": True}, None),
    "archived_voided": (10, "archived", {"voided": True}, None),
    "dispatched": (30, "dispatched", {"cc": True}, 150),
    "sealed": (0.4, "sealed", {}, 4),
    "printed": (0.4, "printed", {}, 4),
    "numbered": (0.4, "numbered", {}, 4),
    "signed": (0.4, "signed", {}, 5),
    "resign": (0.3, "resign", {}, 8),
    "signing": (0.5, "signing", {}, 6),
    "reviewing": (0.5, "reviewing", {}, 5),
    "returned": (0.3, "returned", {"returned": True}, 6),
    "draft": (1, "draft", {}, 8),
}
BODY_WEIGHTS = {"zx": 50, "bgs": 40, "rd": 10}


def _incoming_template(sc, st, stop, flags):
    from congress_office.services.cases import case_approve_extension, case_request_extension
    from documents.services import incoming as inc

    urgency, secrecy = flags.get("urgency", ""), flags.get("secrecy", "")
    with st.at(0, 8, 30):
        doc = inc.incoming_receive(
            township=sc.township,
            by=sc.clerk,
            sender="⟦d_sender⟧",
            title="⟦d_title⟧",
            received_at=st.moment,
            urgency=urgency,
            secrecy=secrecy,
        )
    if stop == "received":
        return doc
    with st.at(0, 10):
        inc.incoming_register(
            document=doc,
            by=sc.clerk,
            sender_number="⟦d_sender_number⟧",
            doc_type="notice",
            copies=1,
            pages=2,
            secrecy=secrecy,
            files=[_pdf_upload()],
        )
    if stop == "registered":
        return doc
    if stop.startswith("returned"):
        with st.at(1, 9, 30):
            inc.incoming_return(document=doc, by=sc.clerk, reason="⟦d_return⟧")
        if stop == "returned_archived":
            with st.at(20, 16):
                inc.incoming_archive(document=doc, by=sc.clerk)
        return doc
    with st.at(0, 15):
        inc.incoming_check(document=doc, by=sc.clerk, note="来文齐全，属本机关办理。")
    if stop == "checked":
        return doc
    with st.at(1, 9):
        inc.incoming_propose(document=doc, by=sc.clerk, proposal="⟦d_proposal⟧")
    if stop == "proposed":
        return doc
    with st.at(2, 8, 40):
        inc.incoming_instruct(document=doc, by=sc.chair, instruction="⟦d_instruction⟧")
    if stop != "instructed":
        with st.at(2, 10):
            inc.incoming_assign(
                document=doc, by=sc.clerk, lead_unit=sc.units[0], start=st.day(2), note="⟦d_assignnote⟧"
            )
    readers = [sc.chair, sc.vicechair, sc.auditor][: flags.get("readers", 0)]
    if readers:
        with st.at(2, 11):
            inc.incoming_circulate(document=doc, by=sc.clerk, readers=readers, start=st.day(2))
        for n, reader in enumerate(readers[: len(readers) - flags.get("unread", 0)]):
            with st.at(3, 9 + n, 15):
                inc.incoming_mark_read(document=doc, by=reader)
    if stop == "instructed":
        return doc
    handling = {"": 7, "urgent": 3, "very_urgent": 2}[urgency]
    if flags.get("extension"):
        with st.at(8, 10):
            case_request_extension(item=doc, by=sc.lead_handler, reason="⟦d_extreason⟧", extra=5)
        with st.at(9, 9):
            case_approve_extension(item=doc, by=sc.chair, note="同意延期。")
        handling = 17
    if flags.get("supervise"):
        with st.at(17, 9):
            inc.incoming_supervise(document=doc, by=sc.chair, content="⟦d_supervise⟧", reply_by=st.day(24))
        handling = 21
    if stop == "assigned":
        return doc
    with st.at(2 + handling, 16):
        inc.incoming_close(document=doc, by=sc.lead_handler, result="⟦d_result⟧", on=st.day(2 + handling))
    if stop == "archived":
        with st.at(2 + handling + 6, 15):
            inc.incoming_archive(document=doc, by=sc.clerk)
    return doc


def _outgoing_steps(sc, st, doc, stop, flags, day=0, signer=None):
    """From the submitted draft on; `day` the offset of the drafting."""
    from documents.services import outgoing as out

    signer = signer or (sc.vicechair if flags.get("vice") else sc.chair)
    with st.at(day, 14):
        out.outgoing_submit(document=doc, by=sc.clerk)
    if flags.get("returned"):
        with st.at(day + 1, 9):
            out.outgoing_review(document=doc, by=sc.clerk, passed=False, comment="⟦o_review_comment⟧")
        if stop == "returned":
            return doc
        with st.at(day + 1, 11):
            out.outgoing_save_draft(document=doc, by=sc.clerk, body=doc.body + "\n⟦o_revision⟧", note="按核稿意见修改")
        with st.at(day + 1, 14):
            out.outgoing_submit(document=doc, by=sc.clerk)
    if stop == "reviewing":
        return doc
    with st.at(day + 2, 10):
        out.outgoing_review(document=doc, by=sc.clerk, passed=True, comment="文字规范，同意送签。")
    if stop == "signing":
        return doc
    with st.at(day + 4, 9):
        out.outgoing_sign(document=doc, by=signer, opinion="同意印发。", on=st.day(day + 4))
    if stop == "resign":
        with st.at(day + 4, 15):
            out.outgoing_save_draft(
                document=doc, by=sc.clerk, body=doc.body + "\n⟦o_addition⟧", note="根据主席团会议意见修改"
            )
        return doc
    if stop == "signed":
        return doc
    with st.at(day + 4, 10):
        out.outgoing_register(document=doc, by=sc.clerk)
    if flags.get("voided"):
        with st.at(day + 4, 11):
            out.outgoing_void_number(document=doc, by=sc.clerk, reason="登记后发现附件未随文，撤回补正，原文号作废。")
        with st.at(day + 4, 15):
            out.outgoing_register(document=doc, by=sc.clerk)
    if stop == "numbered":
        return doc
    copies = 30 if flags.get("cc") else 5
    with st.at(day + 5, 9):
        out.outgoing_print(document=doc, by=sc.clerk, copies=copies, printed_on=st.day(day + 5))
    if stop == "printed":
        return doc
    with st.at(day + 5, 10):
        out.outgoing_seal(document=doc, by=sc.clerk, seal=f"{doc.issuing_body.name}印章", count=copies)
    if stop == "sealed":
        return doc
    with st.at(day + 5, 14):
        out.outgoing_dispatch(document=doc, by=sc.clerk)
    if stop == "dispatched":
        return doc
    with st.at(day + 19, 16):
        out.outgoing_archive(document=doc, by=sc.clerk)
    return doc


def _outgoing_template(sc, st, stop, flags):
    from documents.services import outgoing as out

    body = sc.bodies["zx"]  # every clone names its own issuing body
    with st.at(0, 9, 30):
        doc = out.outgoing_create(
            township=sc.township,
            by=sc.clerk,
            issuing_body=body,
            doc_type="notice",
            title="⟦o_title⟧",
            main_recipients="⟦o_main⟧",
            cc_recipients="⟦o_cc⟧" if flags.get("cc") else "",
            body="⟦o_body⟧",
            signature=body.name,
            written_on=None if stop in ("draft", "returned", "reviewing", "signing") else st.day(4),
            secrecy="",
        )
    if stop == "draft":
        return doc
    return _outgoing_steps(sc, st, doc, stop, flags)


def _session_template(sc, st, stop, flags, n):
    from documents.services import outgoing as out
    from meetings import services as ms
    from meetings.choices import AttendanceStatus, ConvenedBy, MeetingKind, MotionKind, MotionSource, VoteMethod

    sc.size(n)
    deputies = sc.deputies[:n]
    extra = flags.get("extra")
    agenda = SESSION_AGENDA_2 if flags.get("second") else SESSION_AGENDA
    with st.at(-20, 9):
        meeting = ms.meeting_plan(
            township=sc.township,
            by=sc.clerk,
            kind=MeetingKind.EXTRA_SESSION if extra else MeetingKind.SESSION,
            starts_at=_aware(st.day(0), 9),
            place="⟦m_place⟧",
            convened_by=ConvenedBy.PRESIDIUM if extra else None,
            decision_note="⟦m_decision⟧" if extra else "",
        )
    for title, presenter, needs_vote in agenda[:1] if extra else agenda:
        with st.at(-20, 10):
            ms.agenda_add(meeting=meeting, by=sc.clerk, title=title, presenter=presenter, needs_vote=needs_vote)
    if stop == "planned":
        return meeting
    with st.at(-7, 10):
        ms.meeting_notify(meeting=meeting, by=sc.clerk)
    if stop == "notified":
        return meeting
    listed = None
    if flags.get("motions"):
        with st.at(-6, 9):
            listed = ms.motion_create(
                meeting=meeting,
                by=sc.clerk,
                kind=MotionKind.ORDINARY,
                source=MotionSource.DEPUTIES,
                title="⟦m_motion1⟧",
                content="⟦m_motion1_content⟧",
                lead=deputies[5],
                co_signers=deputies[6:11],
            )
        for deputy in deputies[6:11]:
            with st.at(-6, 10):
                ms.motion_confirm(motion=listed, by=sc.clerk, deputy=deputy)
        with st.at(-5, 9):
            ms.motion_submit(motion=listed, by=sc.clerk)
        with st.at(-5, 10):
            not_listed = ms.motion_create(
                meeting=meeting,
                by=sc.clerk,
                kind=MotionKind.ORDINARY,
                source=MotionSource.GOVERNMENT,
                title="⟦m_motion2⟧",
                content="⟦m_motion2_content⟧",
            )
        with st.at(-4, 15):
            ms.motion_decide(motion=listed, by=sc.chair, decision=ms.LIST)
            ms.motion_decide(motion=not_listed, by=sc.chair, decision=ms.NOT_LIST, reason="⟦m_notlist⟧")
    leave = deputies[n - 3 : n - 1]
    rows = []
    for deputy in leave:
        with st.at(-3, 10):
            rows.append(ms.leave_request(meeting=meeting, by=sc.clerk, reason="⟦m_leave⟧", deputy=deputy))
    for row in rows:
        with st.at(-2, 9):
            ms.leave_decide(attendance=row, by=sc.chair, approve=True)
    with st.at(0, 8, 20):
        ms.sign_in_start(meeting=meeting, by=sc.clerk)
    present = deputies[: n - 3]
    for deputy in present:
        with st.at(0, 8, 25):
            ms.attendance_mark(meeting=meeting, by=sc.clerk, deputy=deputy, status=AttendanceStatus.PRESENT)
    with st.at(0, 9):
        ms.meeting_open(meeting=meeting, by=sc.clerk)
    votes = []
    k = len(present)
    for item in meeting.agenda.filter(needs_vote=True).order_by("order"):
        with st.at(0, 10):
            vote = ms.vote_open(meeting=meeting, by=sc.clerk, title="", method=VoteMethod.HANDS, agenda_item=item)
        with st.at(0, 10, 5):
            votes.append(ms.vote_close(vote=vote, by=sc.clerk, yes=k - 2, no=1, abstain=1))
    if listed is not None:
        listed.refresh_from_db()
        with st.at(0, 11):
            vote = ms.vote_open(meeting=meeting, by=sc.clerk, title="", method=VoteMethod.HANDS, motion=listed)
        with st.at(0, 11, 5):
            ms.vote_close(vote=vote, by=sc.clerk, yes=k - 1, no=0, abstain=1)
    resolution = None
    if flags.get("resolution"):
        with st.at(0, 11, 10):
            resolution = ms.resolution_draft(
                vote=votes[1], by=sc.clerk, issuing_body=sc.bodies["rd"], doc_type="resolution"
            )
    with st.at(0, 11, 30):
        ms.meeting_close(meeting=meeting, by=sc.clerk, minutes="⟦m_minutes⟧")
    if resolution is not None:
        with st.at(1, 9):
            out.outgoing_save_draft(
                document=resolution,
                by=sc.clerk,
                main_recipients="镇人民政府",
                cc_recipients="县人大常委会",
                written_on=st.day(0),
                note="补充主送、抄送机关",
            )
        resolution.refresh_from_db()
        _outgoing_steps(sc, st, resolution, "archived", {"cc": True}, day=1)
    return meeting


def _presidium_template(sc, st, stop, flags, p):
    from meetings import services as ms
    from meetings.choices import AttendanceStatus, MeetingKind, VoteMethod

    sc.size(MAX_DEPUTIES, presidium=p)
    members = sc.deputies[:p]
    with st.at(-7, 9):
        meeting = ms.meeting_plan(
            township=sc.township,
            by=sc.clerk,
            kind=MeetingKind.PRESIDIUM,
            starts_at=_aware(st.day(0), 9),
            place="⟦m_place⟧",
        )
    for title, presenter, needs_vote in PRESIDIUM_AGENDA:
        with st.at(-7, 10):
            ms.agenda_add(meeting=meeting, by=sc.clerk, title=title, presenter=presenter, needs_vote=needs_vote)
    if stop == "planned":
        return meeting
    with st.at(-3, 10):
        ms.meeting_notify(meeting=meeting, by=sc.clerk)
    if stop == "notified":
        return meeting
    present = members
    if flags.get("leave"):
        with st.at(-1, 10):
            row = ms.leave_request(meeting=meeting, by=sc.clerk, reason="⟦m_leave⟧", deputy=members[-1])
        with st.at(-1, 15):
            ms.leave_decide(attendance=row, by=sc.chair, approve=True)
        present = members[:-1]
    with st.at(0, 8, 30):
        ms.sign_in_start(meeting=meeting, by=sc.clerk)
    for deputy in present:
        with st.at(0, 8, 35):
            ms.attendance_mark(meeting=meeting, by=sc.clerk, deputy=deputy, status=AttendanceStatus.PRESENT)
    with st.at(0, 9):
        ms.meeting_open(meeting=meeting, by=sc.clerk)
    for item in meeting.agenda.filter(needs_vote=True).order_by("order"):
        with st.at(0, 10):
            vote = ms.vote_open(meeting=meeting, by=sc.clerk, title="", method=VoteMethod.HANDS, agenda_item=item)
        with st.at(0, 10, 5):
            ms.vote_close(vote=vote, by=sc.clerk, yes=len(present), no=0, abstain=0)
    opinion = None
    if flags.get("opinion"):
        meeting.refresh_from_db()
        with st.at(0, 11):
            opinion = ms.opinion_register(meeting=meeting, by=sc.clerk, title="⟦m_op_title⟧", content="⟦m_op_content⟧")
    with st.at(0, 11, 30):
        ms.meeting_close(meeting=meeting, by=sc.clerk, minutes="⟦m_minutes⟧")
    if opinion is not None:
        with st.at(1, 10):
            ms.opinion_assign(opinion=opinion, by=sc.clerk, lead_unit=sc.units[0], note="⟦m_op_note⟧")
        if flags["opinion"] == "closed":
            opinion.refresh_from_db()
            with st.at(40, 10):
                ms.opinion_reply(opinion=opinion, by=sc.lead_handler, content="⟦m_op_reply⟧")
            opinion.refresh_from_db()
            with st.at(45, 10):
                ms.opinion_rate(opinion=opinion, by=sc.chair, satisfaction="satisfied")
    return meeting


def _previous_plan(sc, year):
    """Last year's plan of the scratch township (its types, indicators, subjects), made before
    the capture: the template's plan is a copy of it."""
    from assessments import services as sv

    with frozen(_aware(date(year - 1, 1, 10), 9)):
        last = sv.plan_create(township=sc.township, by=sc.clerk, year=year - 1)
        for name, indicators in ASSESSMENT_TYPES.items():
            kind = sv.type_add(plan=last, by=sc.clerk, name=name)
            for indicator, weight, goal in indicators:
                sv.indicator_add(assessment_type=kind, by=sc.clerk, name=indicator, weight=weight, goal=goal)
        types = {t.name: t for t in last.types.all()}
        for kind, name, position, type_name, _perf in ASSESSMENT_SUBJECTS:
            unit = sc.units[0] if type_name == "经济发展类" and kind == "cadre" else None
            sv.subject_add(
                plan=last,
                by=sc.clerk,
                kind=kind,
                name=name,
                position=position,
                assessment_type=types[type_name],
                unit=unit,
            )
    return last


def _score_quarter(sv, plan, sc, st, quarter, rng, day, only=None):
    performance = {s[1]: s[4] for s in ASSESSMENT_SUBJECTS}
    for subject in plan.subjects.select_related("assessment_type").order_by("pk"):
        if only is not None and subject.name not in only:
            continue
        for indicator in subject.assessment_type.indicators.order_by("pk"):
            share = min(1.0, max(0.0, performance[subject.name] + rng.uniform(-0.08, 0.06)))
            value = (indicator.quarter_max * Decimal(str(round(share, 2)))).quantize(Decimal("0.01"))
            with st.at(day, 10):
                sv.score_set(
                    subject=subject,
                    indicator=indicator,
                    quarter=quarter,
                    value=value,
                    by=sc.clerk,
                    evidence="⟦a_evidence⟧",
                )


def _assessment_template(sc, st, stop, n):
    """stop "full": a past year, everything done by the next January; "current": this year,
    three quarters confirmed, a correction waiting, the evaluation being prepared."""
    from assessments import evaluation as ev
    from assessments import services as sv
    from assessments.models import Score

    rng = random.Random(f"plan-{stop}-{n}")
    year = st.base.year
    with st.at(0, 9):
        plan = sv.plan_create(township=sc.township, by=sc.clerk, year=year, copy_last_year=True)
    quarters = (1, 2, 3, 4) if stop == "full" else (1, 2, 3)
    for quarter in quarters:
        day = (date(year, 3 * quarter, 28) - st.base).days + 8 if quarter < 4 else (date(year + 1, 1, 5) - st.base).days
        _score_quarter(sv, plan, sc, st, quarter, rng, day)
        with st.at(day + 7, 15):
            sv.quarter_confirm(plan=plan, quarter=quarter, by=sc.chair)
        if quarter == 2:
            score = (
                Score.objects.filter(subject__plan=plan, quarter=2, subject__name="模板干部丙").order_by("pk").first()
            )
            with st.at(day + 20, 10):
                correction = sv.correction_request(
                    score=score, by=sc.clerk, new_value=score.indicator.quarter_max, reason="⟦a_correction⟧"
                )
            if stop == "full":
                with st.at(day + 22, 10):
                    sv.correction_decide(correction=correction, by=sc.chair, approve=True)
    eval_day = (date(year, 11, 20) - st.base).days if stop == "current" else (date(year, 12, 5) - st.base).days
    with st.at(eval_day, 9):
        evaluation = ev.evaluation_create(plan=plan, by=sc.clerk, title=f"{year}年度领导班子和领导干部民主测评")
    with st.at(eval_day, 10):
        ev.people_add(
            evaluation=evaluation, by=sc.clerk, kind="party", names="\n".join(f"党代表{k}" for k in range(1, 21))
        )
    if stop == "current":
        return plan
    with st.at(eval_day + 1, 9):
        ev.sample_draw(evaluation=evaluation, by=sc.clerk, percent=25, witness="县委组织部 赵明", seed=f"bench-{n}")
    with st.at(eval_day + 1, 10):
        slips = ev.codes_issue(evaluation=evaluation, by=sc.clerk)
    ratings = ["good"] * 6 + ["fairly_good"] * 4 + ["fair"] * 2
    for (_name, _kind, code), rating in zip(slips[:12], ratings, strict=False):
        with st.at(eval_day + 2, 9):
            answers = dict.fromkeys(ev.expected_answers(evaluation), rating)
            ev.ballot_cast(
                evaluation=evaluation, code=code, answers=answers, comment="希望多下村走访" if rating == "fair" else ""
            )
    with st.at(eval_day + 7, 17):
        ev.evaluation_close(evaluation=evaluation, by=sc.clerk)
    grades = {}
    for subject in plan.subjects.order_by("pk"):
        if subject.kind == "team":
            grades[subject.pk] = "good"
        else:
            grades[subject.pk] = {"模板干部甲": "excellent", "模板干部戊": "basically"}.get(subject.name, "competent")
    day = (date(year + 1, 1, 20) - st.base).days
    with st.at(day, 10):
        sv.grades_confirm(plan=plan, by=sc.chair, grades=grades)
    for subject, score in zip(
        plan.subjects.filter(kind="cadre").order_by("pk"), ("54", "51.5", "48", "50", "45"), strict=True
    ):
        with st.at(day + 3, 10):
            sv.inspection_set(subject=subject, by=sc.clerk, score=score, note="县委组织部年度考察")
    return plan


# --- what belongs to one record (for comparing clones) --------------------------------------------


def _case_counts(item):
    ct = ContentType.objects.get_for_model(item)
    counts = {
        "Deadline": Deadline.objects.filter(subject_type=ct, subject_id=item.pk).count(),
        "Deadline:pending": Deadline.objects.filter(
            subject_type=ct,
            subject_id=item.pk,
            state__in=(DeadlineState.OPEN, DeadlineState.EXTENDED, DeadlineState.OVERDUE),
        ).count(),
        "DeadlineExtension": DeadlineExtension.objects.filter(
            deadline__subject_type=ct, deadline__subject_id=item.pk
        ).count(),
    }
    for model in (CaseEvent, CaseAssignment, CaseReply, CaseRating, CaseSupervision, ExtensionRequest):
        counts[model.__name__] = model.objects.filter(item_type=ct, item_id=item.pk).count()
    counts["state"] = item.state
    return counts


def record_counts(item):
    """Rows per table that belong to one 收文, 发文, meeting or assessment plan, and its states."""
    from assessments.models import AssessmentPlan
    from documents.models import IncomingDocument, OutgoingDocument
    from meetings.models import Meeting

    if isinstance(item, IncomingDocument):
        counts = _case_counts(item)
        counts.update(
            circulations=item.circulations.count(),
            read=item.circulations.filter(read_at__isnull=False).count(),
            files=item.files.count(),
            numbered=item.sequence is not None,
            archived=item.archived_at is not None,
        )
        return counts
    if isinstance(item, OutgoingDocument):
        counts = _case_counts(item)
        counts.update(
            versions=item.versions.count(),
            voided=item.voided_numbers.count(),
            seal_logs=item.seal_logs.count(),
            dispatches=item.dispatches.count(),
            numbered=item.sequence is not None,
            archived=item.archived_at is not None,
        )
        return counts
    if isinstance(item, Meeting):
        counts = {"state": item.state, "legal_number": item.legal_number, "entitled": len(item.entitled_ids)}
        for status in ("", "present", "leave", "absent"):
            counts[f"attendance:{status or 'expected'}"] = item.attendances.filter(status=status).count()
        counts["agenda"] = item.agenda.count()
        counts["votes"] = item.votes.count()
        counts["votes_passed"] = item.votes.filter(passed=True).count()
        counts["present_ids"] = sum(len(v.present_ids) for v in item.votes.all())
        counts["motions"] = sorted(item.motions.values_list("state", flat=True))
        counts["signers"] = sum(m.signers.count() for m in item.motions.all())
        for opinion in item.opinions.all():
            counts.update({f"opinion:{k}": v for k, v in _case_counts(opinion).items()})
        for vote in item.votes.filter(resolution__isnull=False).select_related("resolution"):
            counts.update({f"resolution:{k}": v for k, v in record_counts(vote.resolution).items()})
        return counts
    if isinstance(item, AssessmentPlan):
        from assessments.models import BallotCode, EvaluationAnswer, EvaluationPerson, Score, ScoreCorrection

        evaluations = item.evaluations.all()
        return {
            "types": item.types.count(),
            "subjects": item.subjects.count(),
            "graded": item.subjects.exclude(grade="").count(),
            "scores": Score.objects.filter(subject__plan=item).count(),
            "locks": item.locks.count(),
            "corrections": sorted(
                ScoreCorrection.objects.filter(score__subject__plan=item).values_list("state", flat=True)
            ),
            "evaluations": sorted(e.state for e in evaluations),
            "people": EvaluationPerson.objects.filter(evaluation__plan=item).count(),
            "sampled": EvaluationPerson.objects.filter(evaluation__plan=item, sampled=True).count(),
            "codes": BallotCode.objects.filter(evaluation__plan=item).count(),
            "used": BallotCode.objects.filter(evaluation__plan=item, used=True).count(),
            "answers": EvaluationAnswer.objects.filter(response__evaluation__plan=item).count(),
            "inspections": sum(1 for s in item.subjects.all() if hasattr(s, "inspection")),
        }
    raise TypeError(item)


# --- templates ----------------------------------------------------------------------------------


class MoreTemplate(Template):
    """A generate.Template with what cloning these records needs besides: the number requests
    (day offsets of the 登记 steps of its 发文), the deputies' ids of the scratch township, and
    the day of its last step."""

    def __init__(self, *, rows, root_pk, registers, incoming_numbered, steps_last, deputy_keys, **kwargs):
        super().__init__(rows=rows, **kwargs)
        self.fast = None  # _fast_plan, made by the first clone
        self.root_pk = root_pk
        self.registers = registers
        self.incoming_numbered = incoming_numbered
        self.last_step = steps_last
        self.deputy_keys = deputy_keys


_NOT_CONSTANT = object()


def _static(entry):
    """A recipe entry whose value is the same in every clone (a constant, or JSON of constants)."""
    kind, arg = entry
    if kind == K_CONST:
        return True
    if kind == K_JSON:
        tag, items = arg
        if tag == "d":
            return all(_static(v) if v[0] not in ("d", "l") else _static((K_JSON, v)) for _k, v in items)
        if tag == "l":
            return all(_static(v) if v[0] not in ("d", "l") else _static((K_JSON, v)) for v in items)
        return _static(arg)
    return False


def _fast_plan(template, tables):
    """Per row of the template: its key, its constant columns (values and their COPY text), the
    entries to compute per clone, and the columns in table order."""
    plan = []
    for model, recipes in template.plan:
        table = tables[model]
        if table.encrypted:
            raise NotImplementedError(f"{model.__name__}: encrypted fields are not cloned here")
        rows = []
        for row, recipe in recipes:
            consts, dynamic, pk = {}, [], None
            for attname, entry in recipe:
                if entry[0] == K_PK:
                    pk = (attname, entry[1])
                elif _static(entry):
                    consts[attname] = entry[1] if entry[0] == K_CONST else Clone().json(entry[1])
                else:
                    dynamic.append((attname, entry))
            cols = [
                (a, _copy_text(consts[a]), consts[a]) if a in consts else (a, None, _NOT_CONSTANT)
                for a in table.attnames
            ]
            rows.append((row, pk, consts, dynamic, cols))
        plan.append((model, table, rows))
    return plan


def _step_days(rows, base, skip=("starts_at", "motion_deadline")):
    days = []
    for model_rows in rows.values():
        for row in model_rows:
            for name, value in row.items():
                if name in skip or not hasattr(value, "tzinfo") or not hasattr(value, "hour"):
                    continue
                days.append((dj_timezone.localtime(value).date() - base).days)
    return days


def build_more_templates(sizes, presidium_sizes, current_sizes, today, stdout=None, started=None):
    """Every path's record made by the services in a scratch township, captured, rolled back
    (each in a savepoint of its own, so that every record is the first of its year)."""
    from documents.models import IncomingDocument, IncomingFile, OutgoingDocument

    tracked = _models()
    data_keys = _data_keys()
    jobs = []
    base = date(today.year - 2, 3, 6)  # a Friday … any past day: the clones shift it
    for name, (_w, stop, flags, _window) in INCOMING_PATHS.items():
        jobs.append(("incoming", (name,), base, None, lambda sc, st, s=stop, f=flags: _incoming_template(sc, st, s, f)))
    for name, (_w, stop, flags, _window) in OUTGOING_PATHS.items():
        jobs.append(("outgoing", (name,), base, None, lambda sc, st, s=stop, f=flags: _outgoing_template(sc, st, s, f)))
    session_paths = {
        "closed": ("closed", {"resolution": True, "motions": True}),
        "closed_second": ("closed", {"second": True, "motions": True}),
        "closed_extra": ("closed", {"extra": True}),
        "notified": ("notified", {}),
        "planned": ("planned", {}),
    }
    for n in sorted(sizes):
        for name, (stop, flags) in session_paths.items():
            if stop != "closed" and n not in current_sizes:
                continue
            jobs.append(
                (
                    "session",
                    (name, n),
                    base,
                    None,
                    lambda sc, st, s=stop, f=flags, n=n: _session_template(sc, st, s, f, n),
                )
            )
    presidium_paths = {
        "closed": ("closed", {}),
        "closed_leave": ("closed", {"leave": True}),
        "closed_opinion": ("closed", {"opinion": "closed"}),
        "open_opinion": ("closed", {"opinion": "assigned"}),
        "notified": ("notified", {}),
        "planned": ("planned", {}),
    }
    for p in sorted(presidium_sizes):
        for name, (stop, flags) in presidium_paths.items():
            jobs.append(
                (
                    "presidium",
                    (name, p),
                    base,
                    None,
                    lambda sc, st, s=stop, f=flags, p=p: _presidium_template(sc, st, s, f, p),
                )
            )
    plan_base = date(today.year - 2, 1, 10)

    def prepare(sc, n):
        sc.size(n)
        _previous_plan(sc, plan_base.year)

    for stop, ns in (("full", sizes), ("current", current_sizes)):
        for n in sorted(ns):
            jobs.append(
                (
                    "plan",
                    (stop, n),
                    plan_base,
                    lambda sc, n=n: prepare(sc, n),
                    lambda sc, st, s=stop, n=n: _assessment_template(sc, st, s, n),
                )
            )

    templates = []
    kind_model = {"incoming": "incoming", "outgoing": "outgoing", "session": "meeting", "presidium": "meeting"}
    written_files = []
    try:
        with transaction.atomic():
            sc = MoreScratch()
            ctx_map, base_tokens = sc.ctx_map(), sc.tokens()
            deputy_keys = {pk: key for (model, pk), key in ctx_map.items() if model is Deputy}
            for number, (kind, key, job_base, prepare_job, run) in enumerate(jobs):
                models_ = tracked[kind_model.get(kind, "plan")]
                clearance = sc.clerk.clearance
                try:
                    with transaction.atomic():
                        if prepare_job is not None:
                            prepare_job(sc)
                        before = {m: _max_pk(m) for m in models_ if not _is_uuid(m)}
                        if key[0] == "archived_secret":
                            sc.clerk.clearance = 1
                            sc.clerk.save(update_fields=["clearance"])
                        st = Stepper(job_base)
                        root = run(sc, st)
                        rows = _capture(models_, before)
                        root = type(root).objects.get(pk=root.pk)
                        counts = record_counts(root)
                        tokens = dict(base_tokens)
                        _template_tokens(root, rows, tokens, job_base)
                        written_files += [r["file"] for r in rows.get(IncomingFile, []) if r["file"]]
                        root_pk = root.pk
                        raise _Rollback
                except _Rollback:
                    pass
                finally:
                    sc.clerk.clearance = clearance
                registers = []
                for row in rows.get(CaseEvent, []):
                    if row["action"] == "register" and row["item_type_id"] == _ct(OutgoingDocument).pk:
                        registers.append((row["item_id"], (dj_timezone.localtime(row["at"]).date() - job_base).days))
                incoming_numbered = any(r["sequence"] is not None for r in rows.get(IncomingDocument, []))
                days = _step_days(rows, job_base)
                template = MoreTemplate(
                    kind=kind,
                    key=(kind, *key),
                    rows=rows,
                    root_pk=root_pk,
                    ctx_map=ctx_map,
                    tokens=tokens,
                    base=job_base,
                    counts=counts,
                    last_day=max(days),
                    signers=0,
                    tracked=models_,
                    data_keys=data_keys,
                    registers=registers,
                    incoming_numbered=incoming_numbered,
                    steps_last=max(days),
                    deputy_keys=deputy_keys,
                )
                templates.append(template)
                if stdout is not None and (number + 1) % 20 == 0:
                    g._say(stdout, started, f"  {number + 1} of {len(jobs)} templates")
            raise _Rollback
    except _Rollback:
        pass
    finally:  # the scans the template runs stored (also when one failed): the clones use SHARED_FILE
        for name in written_files:
            if name != SHARED_FILE:
                default_storage.delete(name)
    return templates


_CT = {}


def _ct(model):
    if model not in _CT:
        _CT[model] = ContentType.objects.get_for_model(model)
    return _CT[model]


def _template_tokens(root, rows, tokens, base):
    """The literal strings of this record that a clone writes with its own values."""
    from documents.models import IncomingDocument, OutgoingDocument, VoidedNumber
    from meetings.models import Meeting

    if isinstance(root, IncomingDocument):
        tokens[str(root)] = "item_str"
        if root.sequence:
            tokens[str(root.number)] = "item_number"
    if isinstance(root, Meeting):
        tokens[root.title] = "meeting_title"
        tokens[_cn_day(base)] = "meeting_cn_day"
    for row in rows.get(OutgoingDocument, []):
        doc = OutgoingDocument.objects.select_related("issuing_body").get(pk=row["id"])
        if doc.sequence:  # str(doc) is the number and the title, each a token of its own
            tokens[str(doc.number)] = "doc_number"
    for row in rows.get(VoidedNumber, []):
        tokens[str(VoidedNumber.objects.select_related("issuing_body").get(pk=row["id"]))] = "void_number"
    for row in rows.get(CaseSupervision, []):
        tokens[str(CaseSupervision(year=row["year"], sequence=row["sequence"]).number)] = "sup_number"
    tokens.update(CADRE_TOKENS)


# --- the generator ------------------------------------------------------------------------------


class MoreGenerator(g.CaseDates):
    def __init__(self, scale, seed, stdout):
        self.scale, self.rng, self.stdout = scale, random.Random(seed), stdout
        Tokens.rng = random.Random(seed + 1)
        self.started = time.monotonic()
        self.today = dj_timezone.localdate()
        self.cal = WorkCalendar()
        self._due_cache, self._workdays = {}, {}
        self.counts = Counter()
        self.samples = {}
        self.first_year = g.FIRST_YEAR

    def say(self, message):
        g._say(self.stdout, self.started, message)

    def workday(self, day):
        if day not in self._workdays:
            self._workdays[day] = self.cal.is_workday(day)
        return self._workdays[day]

    # -- the bench townships as the main generator made them

    def load_towns(self):
        from documents.models import IssuingBody

        towns = []
        townships = list(Township.objects.filter(code__regex=BENCH_CODE_RE).order_by("code"))
        if not townships:
            raise BenchDataMissing("没有基准乡镇（bench01 …）：先运行 python manage.py bench_county --generate")
        users = {u.username: u for u in User.objects.filter(username__regex=r"^bench\d+_")}
        bodies = []
        for township in townships:
            code = township.code
            town = {"township": township, "code": code}
            for key in ("clerk", "clerk2", "chair", "vicechair", "auditor"):
                town[key] = users[f"{code}_{key}"]
            units = list(Unit.objects.filter(township=township).order_by("pk"))
            by_unit = {u.unit_id: u for u in users.values() if u.township_id == township.pk and u.unit_id}
            town["units"] = [u for u in units if u.pk in by_unit]
            town["handlers"] = by_unit
            town["terms"] = list(Term.objects.filter(township=township).order_by("start_date"))
            town["active"], town["presidium"] = {}, {}
            for term in town["terms"]:
                active = list(
                    Deputy.objects.filter(township=township, term=term, status=DeputyStatus.ACTIVE).order_by("pk")
                )
                town["active"][term.pk] = active
                town["presidium"][term.pk] = [d for d in active if d.is_presidium]
            existing = {b.code: b for b in IssuingBody.objects.filter(township=township)}
            a = township.agency_code or (township.name[0] + "人")
            specs = {
                "zx": (f"{township.name}人民代表大会主席团", a, 1),
                "rd": (f"{township.name}人民代表大会", f"{a}大", 2),
                "bgs": (f"{township.name}人大办公室", f"{a}办", 3),
            }
            town["bodies"] = {}
            for key, (name, body_code, order) in specs.items():
                body = existing.get(body_code)
                if body is None:
                    body = IssuingBody(township=township, name=name, code=body_code, mark=f"{name}文件", order=order)
                    bodies.append(body)
                town["bodies"][key] = body
            towns.append(town)
        IssuingBody.objects.bulk_create(bodies)
        self.towns = towns

    def term_of(self, town, day):
        for term in town["terms"]:
            if term.start_date <= day <= term.end_date:
                return term
        return town["terms"][-1] if day > town["terms"][-1].end_date else town["terms"][0]

    # -- cloning

    def clone(self, template, tables, base_date, ctx, tokens, fix):
        """One instance of `template` (as generate.Generator.clone, with the constant columns of
        each row written once per template: `_fast_plan`)."""
        fast = template.fast
        if fast is None:
            fast = template.fast = _fast_plan(template, tables)
        c = Clone()
        ids = c.ids = {}
        for _model, table, rows in fast:
            for row, *_rest in rows:
                ids[(_model, row["id"])] = table.take_id()
        delta = (base_date - template.base).days
        c.shift = timedelta(days=delta)
        c.base_ord = template.base.toordinal() + delta
        c.ctx, c.tokens, c.pool_rng = ctx, tokens, self.rng
        value = c.value
        due_of = {}
        for model, table, rows in fast:
            name = model.__name__
            lines = table.lines
            for row, pk, consts, dynamic, cols in rows:
                out = dict(consts)
                out[pk[0]] = ids[pk[1]]
                for attname, entry in dynamic:
                    out[attname] = value(entry)
                self.redate(model, out, row, ctx["township"], tokens, due_of)
                fix(name, out, row, c)
                # a column still holding its template constant is written as encoded once
                lines.append("\t".join([e if v is out[a] else _copy_text(out[a]) for a, e, v in cols]))
            self.counts[name] += len(rows)
        return c

    def _ctx(self, town, lead, co, term=None):
        handlers = town["handlers"]
        ctx = {
            "township": town["township"].pk,
            "u_clerk": town["clerk"].pk,
            "u_chair": town["chair"].pk,
            "u_vicechair": town["vicechair"].pk,
            "u_auditor": town["auditor"].pk,
            "u_lead": handlers[lead.pk].pk,
            "u_co": handlers[co.pk].pk,
            "unit0": lead.pk,
            "unit1": co.pk,
            "term": term.pk if term else None,
            "subject": None,
        }
        for key, body in town["bodies"].items():
            ctx[f"body_{key}"] = body.pk
        return ctx

    def _tokens(self, town, lead, co):
        handlers = town["handlers"]
        tokens = Tokens(
            town_name=town["township"].name,
            unit0_name=lead.name,
            unit1_name=co.name,
            u_clerk_name=town["clerk"].name,
            u_chair_name=town["chair"].name,
            u_vicechair_name=town["vicechair"].name,
            u_auditor_name=town["auditor"].name,
            u_lead_name=handlers[lead.pk].name,
            u_co_name=handlers[co.pk].name,
        )
        for key, body in town["bodies"].items():
            tokens[f"body_{key}_name"] = body.name
        return tokens

    def _deputies(self, ctx, tokens, deputies):
        for i, deputy in enumerate(deputies):
            ctx[f"dep{i}"] = deputy.pk
            tokens[f"dep{i}_name"] = deputy.name
            tokens[f"dep{i}_rk"] = f"deputy:{deputy.pk}"

    def pick_paths(self, paths, n):
        """Every path once (so that each template has a clone to check), the rest by weight."""
        names = list(paths)
        picked = list(names) if n >= len(names) else []
        picked += self.rng.choices(names, weights=[paths[p][0] for p in names], k=max(0, n - len(picked)))
        return picked

    def case_date(self, window, template):
        latest = self.today - timedelta(days=template.last_step)
        earliest = date(self.first_year, 1, 1) if window is None else latest - timedelta(days=window)
        earliest = max(earliest, date(self.first_year, 1, 1))
        day = earliest + timedelta(days=self.rng.randint(0, max((latest - earliest).days, 0)))
        for _ in range(6):  # received and drafted on working days
            if self.workday(day) or day >= latest:
                break
            day += timedelta(days=1)
        return min(day, latest)

    # -- one township

    def township_documents(self, town, templates, n_in, n_out):
        """The township's documents, in order of receipt or drafting: [date, kind, template, body]."""
        rng = self.rng
        by_key = {t.key: t for t in templates}
        plans = []
        for path in self.pick_paths(INCOMING_PATHS, n_in):
            template = by_key[("incoming", path)]
            plans.append([self.case_date(INCOMING_PATHS[path][3], template), "incoming", template, None])
        bodies = list(BODY_WEIGHTS)
        for path in self.pick_paths(OUTGOING_PATHS, n_out):
            template = by_key[("outgoing", path)]
            body = rng.choices(bodies, [BODY_WEIGHTS[b] for b in bodies])[0]
            plans.append([self.case_date(OUTGOING_PATHS[path][3], template), "outgoing", template, body])
        plans.sort(key=lambda p: (p[0], p[1], p[2].key))
        return plans

    def township_meetings(self, town, templates, per_year):
        """(date, kind, template, term) of the township's meetings, through the next days."""
        rng = self.rng
        by_key = {t.key: t for t in templates}
        horizon = self.today + timedelta(days=7)  # a planned meeting's first step, 7 days before
        plans = []
        for year in range(self.first_year, self.today.year + 1):
            days = []
            first = self.cal.next_workday(date(year, 1, 8) + timedelta(days=rng.randint(0, 20)))
            second = self.cal.next_workday(date(year, 7, 6) + timedelta(days=rng.randint(0, 20)))
            days.append((first, "session", "closed"))
            days.append((second, "session", "closed_second"))
            n_presidium = max(1, per_year - 2)
            if rng.random() < 0.1:
                days.append(
                    (
                        self.cal.next_workday(date(year, rng.randint(3, 10), rng.randint(1, 25))),
                        "session",
                        "closed_extra",
                    )
                )
                n_presidium -= 1
            span = (date(year, 12, 31) - date(year, 1, 1)).days
            for k in range(n_presidium):
                day = date(year, 1, 1) + timedelta(
                    days=(k * span) // n_presidium + rng.randint(0, max(1, span // n_presidium - 1))
                )
                days.append((self.cal.next_workday(day), "presidium", None))
            for day, kind, path in days:
                if day > horizon:
                    continue
                term = self.term_of(town, day)
                if kind == "session":
                    size = len(town["active"][term.pk])
                    if day > self.today:
                        path = "notified" if day <= self.today + timedelta(days=7) else "planned"
                    template = by_key.get(("session", path, size))
                else:
                    size = len(town["presidium"][term.pk])
                    if day > self.today:
                        path = "notified" if day <= self.today + timedelta(days=3) else "planned"
                    elif (self.today - day).days < 60 and rng.random() < 0.25:
                        path = "open_opinion"
                    else:
                        path = rng.choices(["closed", "closed_leave", "closed_opinion"], [55, 20, 25])[0]
                    template = by_key.get(("presidium", path, size))
                    if template is not None and day + timedelta(days=template.last_step) > self.today:
                        template = by_key.get(("presidium", "closed", size))
                if template is None:
                    continue
                if day + timedelta(days=template.last_step) > self.today and kind == "session":
                    template = by_key.get(("session", "closed_extra", size))
                    if template is None or day + timedelta(days=template.last_step) > self.today:
                        continue
                plans.append((day, kind, template, term))
        plans.sort(key=lambda p: (p[0], p[1]))
        return plans

    def run_township(self, town, templates, tables, n_in, n_out, per_year):
        from documents.models import IncomingDocument, OutgoingDocument, document_number

        rng = self.rng
        township = town["township"]
        units = town["units"]
        doc_plans = self.township_documents(town, templates, n_in, n_out)
        meeting_plans = self.township_meetings(town, templates, per_year)
        numbering = []  # (register day, plan index, body): 发文 and the meetings' resolutions
        for index, (day, kind, template, body) in enumerate(doc_plans):
            for _item, offset in template.registers if kind == "outgoing" else ():
                numbering.append((day + timedelta(days=offset), index, body))
        # the resolutions' numbers join the documents' in order of registration
        for m_index, (day, _kind, template, _term) in enumerate(meeting_plans):
            for _item, offset in template.registers:
                numbering.append((day + timedelta(days=offset), -1 - m_index, "rd"))
        numbering.sort(key=lambda n: (n[0], n[1]))
        numbers = defaultdict(list)  # plan index -> [(year, sequence, code)]
        for day, index, body in numbering:
            key = (town["bodies"][body].pk, day.year)
            self.outgoing_seq[key] += 1
            numbers[index].append((day.year, self.outgoing_seq[key], town["bodies"][body].code))
        shared = shared_file()  # 收文号 below: per year in order of receipt
        for index, (day, kind, template, body) in enumerate(doc_plans):
            lead, co = rng.sample(units, 2)
            ctx = self._ctx(town, lead, co)
            tokens = self._tokens(town, lead, co)
            if kind == "incoming":
                title, doc_type = rng.choice(INCOMING_TITLES)
                sender, prefix, _w = rng.choices(SENDERS, [s[2] for s in SENDERS])[0]
                sender = sender.format(t=township.name)
                prefix = prefix.format(a=township.name[0])
                sequence = None
                if template.incoming_numbered:
                    self.incoming_seq[(township.pk, day.year)] += 1
                    sequence = self.incoming_seq[(township.pk, day.year)]
                # IncomingDocument.number and __str__, without an instance
                number = f"收〔{day.year}〕{sequence}号" if sequence else ""
                if template.key[1] == "archived_secret":
                    item_str = f"{number or '待登记收文'}（涉密文件）"
                else:
                    item_str = f"{number} {title}" if sequence else title
                tokens.update(
                    d_title=title,
                    d_sender=sender,
                    d_sender_number=f"{prefix}〔{day.year}〕{rng.randint(1, 120)}号",
                    item_str=item_str,
                    item_number=number,
                )
                overrides = {
                    "year": day.year,
                    "sequence": sequence,
                    "doc_type": doc_type if sequence else "",
                    "pages": rng.randint(1, 8) if sequence else 1,
                    "copies": rng.choice([1, 1, 1, 2]) if sequence else 1,
                }

                def fix(name, out, row, c, overrides=overrides, shared=shared):
                    if name == "IncomingDocument":
                        out.update(overrides)
                    elif name == "IncomingFile":
                        out["file"] = shared

            else:
                title, doc_type, main, cc = rng.choice(OUTGOING_TITLES)
                cc = cc or "县人大常委会"
                mine = numbers.get(index, [])
                body_obj = town["bodies"][body]
                ctx["body_zx"] = body_obj.pk
                tokens["body_zx_name"] = body_obj.name
                final = mine[-1] if mine else None
                number = document_number(final[2], final[0], final[1]) if final else ""
                tokens.update(o_title=title, o_main=main, o_cc=cc, doc_number=number)
                if len(mine) == 2:
                    tokens["void_number"] = f"{mine[0][2]}〔{mine[0][0]}〕{mine[0][1]}号"

                def fix(name, out, row, c, mine=mine, final=final, doc_type=doc_type):
                    if name == "OutgoingDocument":
                        out["doc_type"] = doc_type
                        if final:
                            out["year"], out["sequence"], out["number_code"] = final
                    elif name == "VoidedNumber":
                        out["year"], out["sequence"], out["code"] = mine[0]

            c = self.clone(template, tables, day, ctx, tokens, fix)
            model = IncomingDocument if kind == "incoming" else OutgoingDocument
            self.samples.setdefault(template.key, c.ids[(model, template.root_pk)])
        # meetings, with their 会次 per term
        for m_index, (day, kind, template, term) in enumerate(meeting_plans):
            lead, co = rng.sample(units, 2)
            ctx = self._ctx(town, lead, co, term)
            tokens = self._tokens(town, lead, co)
            deputies = town["active"][term.pk] if kind == "session" else town["presidium"][term.pk]
            self._deputies(ctx, tokens, deputies)
            group = "presidium" if kind == "presidium" else "session"
            self.ordinals[(township.pk, term.pk, group)] += 1
            ordinal = self.ordinals[(township.pk, term.pk, group)]
            meeting_kind = "extra" if template.key[1] == "closed_extra" else kind
            title = meeting_title(township.name, term.number, meeting_kind, ordinal)
            tokens.update(meeting_title=title, meeting_cn_day=_cn_day(day), m_place=rng.choice(PLACES))
            mine = numbers.get(-1 - m_index, [])
            final = mine[-1] if mine else None
            if final:
                tokens["doc_number"] = document_number(final[2], final[0], final[1])
            id_map = {pk: ctx[key] for pk, key in template.deputy_keys.items() if key in ctx}

            def fix(name, out, row, c, day=day, ordinal=ordinal, final=final, id_map=id_map):
                if name == "Meeting":
                    out["year"], out["ordinal"] = day.year, ordinal
                    out["entitled_ids"] = [id_map[i] for i in out["entitled_ids"]]
                elif name == "Vote":
                    out["entitled_ids"] = [id_map[i] for i in out["entitled_ids"]]
                    out["present_ids"] = [id_map[i] for i in out["present_ids"]]
                elif name == "OutgoingDocument" and final:
                    out["year"], out["sequence"], out["number_code"] = final

            c = self.clone(template, tables, day, ctx, tokens, fix)
            self.samples.setdefault(template.key, c.ids[(_meeting_model(), template.root_pk)])
        self.counts["meetings"] += len(meeting_plans)

    def township_plans(self, town, templates, tables):
        """One assessment plan a year, each copied from the year before."""
        by_key = {t.key: t for t in templates}
        previous = None
        township = town["township"]
        for year in range(self.first_year, self.today.year + 1):
            base = date(year, 1, 10)
            stop = "full" if year < self.today.year else "current"
            eval_day = date(year, 11, 20) if stop == "current" else date(year, 12, 5)
            term = self.term_of(town, eval_day)
            deputies = town["active"][term.pk]
            template = by_key.get(("plan", stop, len(deputies)))
            if template is None:
                continue
            lead, co = self.rng.sample(town["units"], 2)
            ctx = self._ctx(town, lead, co, term)
            tokens = self._tokens(town, lead, co)
            self._deputies(ctx, tokens, deputies)
            for i in range(5):
                tokens[f"cadre{i}"] = g._person_name(self.rng)
            title = f"{township.name}{year}年度干部实绩考核方案"
            copied_from = previous

            def fix(name, out, row, c, year=year, title=title, copied_from=copied_from):
                if name == "AssessmentPlan":
                    out["year"], out["title"], out["copied_from_id"] = year, title, copied_from
                elif name == "Evaluation":
                    out["title"] = f"{year}年度领导班子和领导干部民主测评"
                    out["salt"] = secrets.token_hex(16)
                    out["seed"] = f"{town['code']}-{year}" if out["seed"] else ""
                elif name == "BallotCode":
                    out["code_hash"] = secrets.token_hex(32)

            c = self.clone(template, tables, base, ctx, tokens, fix)
            previous = c.ids[(_plan_model(), template.root_pk)]
            self.samples.setdefault(template.key, previous)
            self.counts["plans"] += 1

    # -- the archive: every past year's records get their 档号

    def township_archive(self, town, tables):
        from congress_office.registries import archive_sections
        from congress_office.services.archive import archive_code, retention_of

        township = town["township"]
        fonds = Fonds.objects.filter(township=township).first()
        if fonds is None:
            fonds = Fonds.objects.create(
                township=township, code=f"9{town['code'][-2:]}", name=f"{township.name}人民代表大会"
            )
        table = tables[ArchiveItem]
        known = set(OrgCode.objects.filter(township=township).values_list("code", flat=True))
        sections = sorted((k, s) for k, s in archive_sections.items() if not k.startswith("bench."))
        retention = {key: retention_of(section) for key, section in sections}
        made, last = 0, {}
        for year in range(self.first_year, self.today.year):
            archived_at = _aware(date(year + 1, 1, 20), 15)
            for key, section in sections:
                if section.org_code not in known:
                    OrgCode.objects.get_or_create(
                        township=township, code=section.org_code, defaults={"name": section.org_code}
                    )
                    known.add(section.org_code)
                entries = list(section.entries(township, year))
                if not entries:
                    continue
                content_type = ContentType.objects.get_for_model(type(entries[0].record))
                done = set(
                    ArchiveItem.objects.filter(
                        item_type=content_type, year=year, item_id__in=[e.record.pk for e in entries]
                    ).values_list("item_id", flat=True)
                )
                series = (year, retention[key], section.org_code)
                if series not in last:  # the sections sharing a series continue its numbers
                    last[series] = (
                        ArchiveItem.objects.filter(
                            fonds=fonds, year=year, retention=retention[key], org_code=section.org_code
                        ).aggregate(n=Max("sequence"))["n"]
                        or 0
                    )
                sequence = last[series] + 1
                for entry in sorted(entries, key=lambda e: (e.date, e.record.pk)):
                    if entry.record.pk in done:
                        continue
                    table.add(
                        {
                            "id": table.take_id(),
                            "township_id": township.pk,
                            "fonds_id": fonds.pk,
                            "year": year,
                            "retention": retention[key],
                            "org_code": section.org_code,
                            "sequence": sequence,
                            "code": archive_code(fonds.code, year, retention[key], section.org_code, sequence),
                            "kind": key,
                            "item_type_id": content_type.pk,
                            "item_id": entry.record.pk,
                            "title": str(entry.title)[:300],
                            "responsible": str(entry.responsible)[:100],
                            "number": str(entry.number or "")[:60],
                            "date": entry.date,
                            "secrecy": str(entry.secrecy or ""),
                            "secrecy_level": entry.clearance,
                            "pages": None,
                            "extended_to": None,
                            "destruction_id": None,
                            "archived_by_id": town["auditor"].pk,
                            "archived_at": archived_at,
                            "rendered_at": None,
                        }
                    )
                    last[series] = sequence
                    sequence += 1
                    made += 1
        self.counts["ArchiveItem"] += made

    # -- the whole run

    def sizes(self):
        sizes, presidium, current = set(), set(), set()
        for town in self.towns:
            for term in town["terms"]:
                sizes.add(len(town["active"][term.pk]))
                presidium.add(len(town["presidium"][term.pk]))
            term = self.term_of(town, self.today)
            current.add(len(town["active"][term.pk]))
        return sizes, presidium, current

    def counters(self):
        from documents.models import IncomingDocument, OutgoingDocument, VoidedNumber
        from meetings.models import Meeting

        self.supervision_seq = Counter()
        for township, year, n in CaseSupervision.objects.values_list("township", "year").annotate(n=Max("sequence")):
            self.supervision_seq[(township, year)] = n
        self.incoming_seq = Counter()
        for township, year, n in IncomingDocument.objects.values_list("township", "year").annotate(n=Max("sequence")):
            self.incoming_seq[(township, year)] = n or 0
        self.outgoing_seq = Counter()
        for model in (OutgoingDocument, VoidedNumber):
            for body, year, n in model.objects.values_list("issuing_body", "year").annotate(n=Max("sequence")):
                if year:
                    self.outgoing_seq[(body, year)] = max(self.outgoing_seq[(body, year)], n or 0)
        self.ordinals = Counter()
        for township, term, kind, n in Meeting.objects.values_list("township", "term", "kind").annotate(
            n=Max("ordinal")
        ):
            group = "presidium" if kind == "presidium" else "session"
            self.ordinals[(township, term, group)] = max(self.ordinals[(township, term, group)], n)

    def run(self):
        from documents.models import IncomingDocument

        self.load_towns()
        if IncomingDocument.objects.filter(township__in=[t["township"] for t in self.towns]).exists():
            raise MoreDataExists(
                "基准乡镇已有公文数据（generate_more 已运行过）：不再重复生成。请在新的数据库中重新生成。"
            )
        n_towns = len(self.towns)
        self.say(f"scale {self.scale}: documents, meetings, assessments and the archive of {n_towns} bench townships")
        sizes, presidium, current = self.sizes()
        templates = build_more_templates(sizes, presidium, current, self.today, self.stdout, self.started)
        self.templates = templates
        self.say(f"{len(templates)} templates made with the real services (deputies in office: {sorted(sizes)})")
        self.counters()
        tracked = _models()
        all_models = list(dict.fromkeys(m for ms in tracked.values() for m in ms))
        tables = {m: (UuidTable(m) if _is_uuid(m) else Table(m)) for m in all_models}
        tables[ArchiveItem] = Table(ArchiveItem)
        total = round(DOCUMENTS * self.scale)
        n_in = max(len(INCOMING_PATHS), round(total * INCOMING_SHARE / n_towns))
        n_out = max(len(OUTGOING_PATHS), round(total * (1 - INCOMING_SHARE) / n_towns))
        per_year = max(4, round(MEETINGS_PER_YEAR * min(1.0, self.scale * g.N_TOWNSHIPS / n_towns)))
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        # outside a transaction (not in a test) a second connection writes and commits each
        # township while this one clones the next: the two cores work at once
        writer = Writer() if not connection.in_atomic_block else None

        def flush():
            if writer is not None:
                writer.submit(tables)
            else:
                for table in tables.values():
                    table.flush()

        try:
            for i, town in enumerate(self.towns):
                with transaction.atomic() if writer is None else nullcontext():
                    self.run_township(town, templates, tables, n_in, n_out, per_year)
                    self.township_plans(town, templates, tables)
                    flush()
                self.say(f"township {i + 1}/{n_towns} {town['code']} documents, meetings, assessments cloned")
            if writer is not None:
                writer.wait()
            for table in tables.values():
                table.reset_sequence()
            with connection.cursor() as cursor:
                for table in tables.values():
                    if table.written:
                        cursor.execute(f'ANALYZE "{table.table}"')
            self.say("written; sequences reset, tables analysed; archiving the past years")
            for i, town in enumerate(self.towns):
                with transaction.atomic() if writer is None else nullcontext():
                    self.township_archive(town, tables)
                    flush()
                if (i + 1) % 5 == 0 or i + 1 == n_towns:
                    self.say(f"archive: {i + 1}/{n_towns} townships, {self.counts['ArchiveItem']} items")
            if writer is not None:
                writer.wait()
        finally:
            if writer is not None:
                writer.close()
        tables[ArchiveItem].reset_sequence()
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{ArchiveItem._meta.db_table}"')
        counts = {t.model._meta.label: t.written for t in tables.values() if t.written}
        return {
            "scale": self.scale,
            "townships": n_towns,
            "counts": counts,
            "templates": len(templates),
            "samples": {"/".join(map(str, k)): str(v) for k, v in self.samples.items()},
            "seconds": round(time.monotonic() - self.started, 1),
        }


def _meeting_model():
    from meetings.models import Meeting

    return Meeting


def _plan_model():
    from assessments.models import AssessmentPlan

    return AssessmentPlan


def generate_more(scale: float = 1.0, *, stdout=None, seed: int = 2027) -> dict:
    """Add documents, meetings, assessments and the archive to the bench townships (see the
    module docstring); returns counts per table and the verification."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the bench generator writes with PostgreSQL COPY")
    generator = MoreGenerator(scale, seed, stdout)
    result = generator.run()
    result["verified"] = verify_more(generator)
    verified = result["verified"]
    generator.say(f"verified {verified['ok']} of {verified['checked']} templates against a clone")
    for mismatch in verified["mismatches"][:5]:
        generator.say(f"  MISMATCH {mismatch['template']}: made {mismatch['made']} clone {mismatch['clone']}")
    generator.say("rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result["counts"].items())))
    return result


def verify_more(generator):
    """For each template, the rows per table (and states) of the service-made record against
    one of its clones."""
    from assessments.models import AssessmentPlan
    from documents.models import IncomingDocument, OutgoingDocument
    from meetings.models import Meeting

    models = {"incoming": IncomingDocument, "outgoing": OutgoingDocument, "session": Meeting, "presidium": Meeting}
    ok, mismatches = 0, []
    for template in generator.templates:
        sample = generator.samples.get(template.key)
        if sample is None:
            continue
        model = models.get(template.kind, AssessmentPlan)
        counts = record_counts(model.objects.get(pk=sample))
        if counts == template.counts:
            ok += 1
        else:
            diff = {k: (template.counts.get(k), counts.get(k)) for k in set(counts) | set(template.counts)}
            diff = {k: v for k, v in diff.items() if v[0] != v[1]}
            mismatches.append(
                {"template": "/".join(map(str, template.key)), "made": template.counts, "clone": counts, "diff": diff}
            )
    return {"checked": ok + len(mismatches), "ok": ok, "mismatches": mismatches}
