"""A county-scale data set for benchmarks (issue 12): `generate(scale)` fills a migrated database
with 30 townships' data over ten years (2017–2026), at a scale factor.

At scale 1.0: 30 townships, ~3,000 deputies, ~1 M duty activities with ~2.6 M participant rows,
~300 k petitions with ~2 M case events and ~630 k deadlines, ~30 k suggestions. Below 1.0 the
volumes shrink proportionally and so does the number of townships (at least 2), so that each
township keeps about the density of a real one. Scale 0.01 is the small, complete data set
tests and development use.

How the cases are made ("every case in the rows its services create"): for each lifecycle path
of a petition or a suggestion (closed after reply and rating, with co-handling, extension,
supervision, leader instruction, 复查/复核, not accepted, transferred out, and every open state)
and a few random variants of its step dates, the real services run once in a scratch township
with the clock frozen at each step's date (`django.utils.timezone.now` is patched). Every row
they create in the case tables is captured and the scratch transaction is rolled back. Each
captured row is compiled into a recipe (which columns are ids of other captured rows, which
name the township, a user, a unit, a deputy, the subject, which are dates to shift, which texts
carry the case's number, title or names), and the recipes are instantiated for the target
townships with fresh ids, remapped foreign keys and shifted dates, then written with
PostgreSQL COPY, one transaction per township. Deadlines' due dates are recomputed on the work
calendar for their shifted start date; pending deadlines already past due are marked overdue
(as the daily scan would); supervision notices are renumbered per township and year.
`verify_clones()` compares, per template, the row counts per table of the service-made case
with those of one of its clones.

Left out of the bulk load: django-simple-history `Historical*` tables, in-app notifications
(the services' Notification rows), reminders and PDF jobs. The townships, units, users, terms,
districts, groups and deputies are written with bulk_create.

Personal data: each petitioner gets a generated name, a distinct 11-digit mobile and a distinct
18-digit ID number with a valid check character, stored through the model's own
EncryptedCharField (Fernet) with phone_hash / id_hash from `keyed_hash`; about 3% of petitions
come from an earlier petitioner of the same township on the same subject, share their hashes
and are linked with `repeat_of`, as the registration service links them.

Not generated: documents, meetings and assessments (their workflows — numbering, sign-off,
circulation, quorum and votes, quarterly ledgers — are too intricate to clone faithfully in the
time available); holidays (chinesecalendar covers 2017–2026; deadlines running into 2027 use
weekdays, and admins see the usual warning).

Idempotence: a database that already holds bench townships (codes bench01 …) is refused with a
message; generate into a fresh database (migrate first) to regenerate. Deterministic: the same
scale and seed give the same data (ids depend on what the database held before).

All generated accounts have the password BENCH_PASSWORD and no first-login password change.
"""

import io
import json
import random
import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone as dj_timezone

from congress_office.cases import Satisfaction
from congress_office.crypto import EncryptedCharField, keyed_hash
from congress_office.models import (
    AssignmentMode,
    CaseAssignment,
    CaseEvent,
    CaseRating,
    CaseReply,
    CaseSupervision,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    ExtensionRequest,
    Township,
    Unit,
    UnitKind,
    User,
)
from congress_office.roles import Role
from congress_office.workdays import WorkCalendar, compute_due_date
from deputies.choices import ActivityStatus, ActivityType, Affiliation, DeputyStatus, Gender, Position
from deputies.models import Activity, Deputy, DeputyGroup, District, Term
from deputies.suggestions.models import Consultation, ConsultationMethod, Suggestion, SuggestionSigner
from petitions.choices import Category, Channel, Outcome, ReviewKind
from petitions.models import CompletionReport, LeaderInstruction, Petition, ReturnVisit, Review, Subject
from petitions.validators import id_check_char

BENCH_PASSWORD = "Bench@2026"
CODE_PREFIX = "bench"
FIRST_YEAR = 2017

TARGETS = {"petitions": 300_000, "suggestions": 30_000, "activities": 1_000_000}
N_TOWNSHIPS = 30

ConsultationDeputies = Consultation.deputies.through
ActivityParticipants = Activity.participants.through

# the case tables the services write, in the order a clone's rows are built (referenced rows first)
TRACKED = [
    Petition,
    Suggestion,
    Deadline,
    DeadlineExtension,
    ExtensionRequest,
    CaseSupervision,
    CaseAssignment,
    CaseReply,
    CaseRating,
    LeaderInstruction,
    Review,
    ReturnVisit,
    CompletionReport,
    SuggestionSigner,
    Consultation,
    ConsultationDeputies,
    CaseEvent,
]

# ids inside CaseEvent.data, by key
DATA_ID_KEYS = {
    "request_id": ExtensionRequest,
    "supervision_id": CaseSupervision,
    "review_id": Review,
    "instruction_id": LeaderInstruction,
    "report_id": CompletionReport,
    "visit_id": ReturnVisit,
    "extension_id": DeadlineExtension,
    "repeat_of": Petition,
}

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
POOL_RE = re.compile(r"⟦(\w+)⟧")

# --- vocabulary ---------------------------------------------------------------------------------

TOWNSHIP_NAMES = [
    "东岭镇", "西河镇", "南山乡", "北湖镇", "金沙镇", "银杏乡", "桃源镇", "柳溪乡", "石门镇", "龙潭镇",
    "凤凰镇", "梅岭乡", "竹林镇", "松柏乡", "清河镇", "黄泥乡", "红岩镇", "白鹤镇", "青龙乡", "双桥镇",
    "三江镇", "五里乡", "七星镇", "九龙镇", "大坪乡", "小溪镇", "高峰镇", "长岗乡", "平安镇", "新华镇",
]  # fmt: skip
UNITS = [
    ("党政办公室", UnitKind.OFFICE),
    ("财政所", UnitKind.STATION),
    ("自然资源所", UnitKind.STATION),
    ("农业农村办公室", UnitKind.OFFICE),
    ("司法所", UnitKind.STATION),
    ("派出所", UnitKind.STATION),
    ("社会事务办公室", UnitKind.OFFICE),
    ("生态环境办公室", UnitKind.OFFICE),
    ("规划建设办公室", UnitKind.OFFICE),
    ("中心小学", UnitKind.OTHER),
    ("卫生院", UnitKind.OTHER),
    ("综合执法队", UnitKind.STATION),
]
VILLAGES = ["东风村", "石桥村", "河口社区", "柳塘村", "双河村", "金山村", "杨家坪村", "新桥村", "马鞍村", "青松村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕文辉玉兰春梅德明光荣晓燕云飞小红建平丽华国庆淑芬玉珍永红金凤宏伟"  # noqa: E501
OCCUPATIONS = ["农民", "村干部", "教师", "医生", "个体工商户", "企业职工", "乡镇干部", "合作社负责人", "退休职工"]
ISSUES = {
    "土地征收": ["反映土地征收补偿款未足额发放", "反映征地范围与公告不一致", "要求公开征地补偿标准"],
    "拆迁补偿": ["反映房屋拆迁补偿评估偏低", "要求落实拆迁安置房", "反映过渡费未按时发放"],
    "劳资纠纷": ["反映工地拖欠农民工工资", "要求企业补缴社会保险", "反映用工单位解除合同未补偿"],
    "环境污染": ["反映养殖场粪污直排河道", "反映砂石厂粉尘噪声扰民", "反映垃圾转运站异味"],
    "涉法涉诉": ["对民事判决执行不到位有异议", "反映调解协议未履行", "要求复查治安处罚"],
    "村务": ["要求公开村级财务收支", "反映村集体土地发包不公开", "对村干部选举程序有异议"],
    "社会保障": ["申请纳入农村低保", "反映养老保险待遇核定有误", "申请临时救助"],
    "城乡建设": ["反映村道路面破损", "要求解决安置小区漏水", "反映违章建筑影响通行"],
    "交通运输": ["要求增开农村客运班线", "反映桥梁限载设施缺失", "反映校车接送不规范"],
    "教育": ["反映学校周边交通安全隐患", "要求解决随迁子女入学", "反映校舍维修不及时"],
    "医疗卫生": ["反映村卫生室缺少药品", "对医保报销比例有异议", "要求改善卫生院就医环境"],
    "其他": ["反映邻里宅基地纠纷", "要求解决饮水安全问题", "反映农村电网电压不稳"],
}
POOLS = {
    "reply": [
        "经调查核实，反映情况基本属实，已责成相关村组限期整改，整改结果已书面告知信访人。",
        "经查，相关政策已向信访人当面解释说明，信访人表示理解。",
        "经核查，所反映问题不属实，依据相关规定不予支持，已向信访人说明理由及复查途径。",
        "已协调相关单位落实解决，款项已于本月发放到位。",
    ],
    "extreason": [
        "涉及多个部门协调，需进一步调查核实。",
        "需等待县级部门出具鉴定意见。",
        "涉及历史遗留问题，需调取档案资料。",
    ],
    "supervise": ["该事项已超过办理期限，请于十日内办结并报送办理结果。", "请加快办理进度，按期答复。"],
    "instruct": ["请相关单位高度重视，依法依规妥善处理，及时答复信访人。", "请认真核查，限期办结。"],
    "completion": ["已按处理意见落实到位，办结报告附后。", "相关问题已整改完毕，信访人已签收处理意见书。"],
    "visit": ["信访人对处理结果表示满意。", "信访人表示基本认可。", "信访人仍有意见，已告知复查途径。"],
    "ratecomment": ["处理结果未解决实际问题。", "答复内容与事实不符。"],
    "reviewrequest": ["对处理意见不服，申请复查。"],
    "reviewdecision": ["经复查，原处理意见认定事实清楚，维持原处理意见。", "经复查，对原处理意见予以部分变更。"],
    "declinereason": ["该事项已经或者依法应当通过诉讼、仲裁途径解决。", "反映事项缺少具体事实和诉求。"],
    "remitreason": ["所反映事项属于县级主管部门职责。"],
    "transferto": ["县自然资源局", "县人力资源和社会保障局", "县生态环境分局", "县住房和城乡建设局", "县人民法院"],
    "assignnote": ["请认真调查处理，按期答复。", "请主办单位牵头，协办单位配合。", ""],
    "coinput": ["同意主办单位的办理意见，本单位将在职责范围内做好配合。"],
    "sreply": [
        "经研究，该建议已列入今年民生实事项目，正在组织实施。",
        "建议所提问题已基本解决，相关设施已建成投用。",
        "受资金条件限制，拟列入下一年度计划逐步解决。",
        "建议具有参考价值，将在今后工作中研究采纳。",
    ],
    "consult": ["当面听取了代表意见，介绍了初步办理方案，代表表示认可。", "召开座谈会听取代表意见，商定了办理时间表。"],
    "unitpeople": ["单位负责人、经办人", "分管领导、经办人"],
    "sratecomment": ["办理措施不具体，请进一步落实。"],
}  # fmt: skip
SUGGESTION_TOPICS = [
    "关于加强农村饮水安全保障的建议", "关于改善中心小学周边交通秩序的建议", "关于增设农贸市场公共厕所的建议",
    "关于加快高标准农田建设的建议", "关于完善养老服务站设施的建议", "关于整治河道垃圾的建议",
    "关于规范宅基地审批时限的建议", "关于扶持特色产业发展的建议", "关于提升村道安全防护的建议",
    "关于加强农村电网改造的建议", "关于推进垃圾分类处理的建议", "关于完善村卫生室建设的建议",
]  # fmt: skip
ACTIVITY_TITLES = {
    ActivityType.INSPECTION: "视察民生实事项目实施情况",
    ActivityType.LAW_ENFORCEMENT: "参加食品安全法执法检查",
    ActivityType.RESEARCH: "开展农村人居环境整治专题调研",
    ActivityType.CONTACT_VOTERS: "走访选民听取意见",
    ActivityType.RECEIVE_VOTERS: "代表接待日接待选民",
    ActivityType.GROUP: "代表小组集中活动",
    ActivityType.TRAINING: "参加代表履职培训",
    ActivityType.REPORT: "向选民述职",
    ActivityType.EVALUATION: "评议乡镇站所工作",
    ActivityType.APPOINTMENT: "约见政府负责人",
    ActivityType.OTHER: "参加其他履职活动",
}
ACTIVITY_WEIGHTS = {
    ActivityType.INSPECTION: 10, ActivityType.LAW_ENFORCEMENT: 5, ActivityType.RESEARCH: 10,
    ActivityType.CONTACT_VOTERS: 25, ActivityType.RECEIVE_VOTERS: 15, ActivityType.GROUP: 15,
    ActivityType.TRAINING: 6, ActivityType.REPORT: 4, ActivityType.EVALUATION: 4, ActivityType.APPOINTMENT: 2,
    ActivityType.OTHER: 4,
}  # fmt: skip
MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "155", "158", "159", "186"]
REGION_CODES = ["522631", "522632", "522633", "522634", "522635"]


# --- small helpers ------------------------------------------------------------------------------


class BenchDataExists(RuntimeError):
    pass


def _say(stdout, started, message):
    if stdout is not None:
        stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}\n")
        if hasattr(stdout, "flush"):
            stdout.flush()


def _aware(day, hour=10, minute=0):
    return dj_timezone.make_aware(datetime.combine(day, dtime(hour, minute)))


@contextmanager
def frozen(at):
    """The services read the clock through django.utils.timezone.now (auto_now_add fields,
    timezone.localdate()): freeze it at `at` for one step."""
    with mock.patch.object(dj_timezone, "now", lambda: at):
        yield


def _person_name(rng):
    given = GIVEN[rng.randrange(len(GIVEN))]
    if rng.random() < 0.7:
        given += GIVEN[rng.randrange(len(GIVEN))]
    return SURNAMES[rng.randrange(len(SURNAMES))] + given


class Identities:
    """Distinct plausible mobiles and ID numbers for the whole county."""

    def __init__(self, rng):
        self.rng, self.phones, self.ids = rng, set(), set()

    def phone(self):
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def id_number(self):
        while True:
            born = date(1945, 1, 1) + timedelta(days=self.rng.randrange(60 * 365))
            first17 = f"{self.rng.choice(REGION_CODES)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            value = first17 + id_check_char(first17)
            if value not in self.ids:
                self.ids.add(value)
                return value


# --- COPY writer --------------------------------------------------------------------------------


def _copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        pass
    elif isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (date, datetime)):
        value = value.isoformat()
    else:
        return str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class Table:
    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.table = model._meta.db_table
        self.encrypted = {f.attname: f for f in self.fields if isinstance(f, EncryptedCharField)}
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')
            self.next_id = cursor.fetchone()[0] + 1
        self.lines = []
        self.written = 0

    def take_id(self):
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row):
        """`row`: {attname: python value}; encrypted fields go through the field's own prep."""
        for name, field in self.encrypted.items():
            if row.get(name):
                row[name] = field.get_prep_value(row[name])
        self.lines.append("\t".join([_copy_text(row[a]) for a in self.attnames]))

    def add_values(self, values):
        self.lines.append("\t".join([_copy_text(v) for v in values]))

    def flush(self):
        if not self.lines:
            return
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        buffer = io.StringIO("\n".join(self.lines) + "\n")
        with connection.cursor() as cursor:
            cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', buffer)
        self.written += len(self.lines)
        self.lines = []

    def reset_sequence(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{self.table}"))'
            )


# --- templates: the real services, once per path, in a scratch township -------------------------


class Scratch:
    """A throw-away township with the people and units a case needs (rolled back afterwards)."""

    def __init__(self):
        groups = {g.name: g for g in Group.objects.all()}
        self.township = Township.objects.create(name="模板镇", code="bench-template", agency_code="模人")
        self.units = [
            Unit.objects.create(township=self.township, name=name, kind=UnitKind.OFFICE)
            for name in ("模板单位甲", "模板单位乙")
        ]

        def user(key, name, role, unit=None):
            account = User.objects.create(
                username=f"bench-template-{key}", name=name, township=self.township, unit=unit
            )
            account.groups.add(groups[role])
            return account

        self.clerk = user("clerk", "模板办事员", Role.CLERK)
        self.chair = user("chair", "模板主席", Role.CHAIR)
        self.lead_handler = user("lead", "模板经办甲", Role.UNIT_HANDLER, self.units[0])
        self.co_handler = user("co", "模板经办乙", Role.UNIT_HANDLER, self.units[1])
        self.term = Term.objects.create(
            township=self.township, number=99, start_date=date(2000, 1, 1), end_date=date(2099, 1, 1)
        )
        self.deputies = [
            Deputy.objects.create(township=self.township, term=self.term, name=name, gender=Gender.FEMALE)
            for name in ("模板代表甲", "模板代表乙", "模板代表丙", "模板代表丁")
        ]
        self.subject = Subject.objects.filter(township__isnull=True).order_by("pk").first()

    def ctx_map(self):
        """(model, pk) of a scratch object -> the key a clone fills with its own object."""
        mapping = {
            (Township, self.township.pk): "township",
            (User, self.clerk.pk): "u_clerk",
            (User, self.chair.pk): "u_chair",
            (User, self.lead_handler.pk): "u_lead",
            (User, self.co_handler.pk): "u_co",
            (Unit, self.units[0].pk): "unit0",
            (Unit, self.units[1].pk): "unit1",
            (Term, self.term.pk): "term",
            (Subject, self.subject.pk): "subject",
        }
        for i, deputy in enumerate(self.deputies):
            mapping[(Deputy, deputy.pk)] = f"dep{i}"
        return mapping

    def tokens(self):
        """Literal strings of the scratch objects -> token keys (the clone's own names)."""
        tokens = {
            "模板单位甲": "unit0_name",
            "模板单位乙": "unit1_name",
            "模板办事员": "u_clerk_name",
            "模板主席": "u_chair_name",
            "模板经办甲": "u_lead_name",
            "模板经办乙": "u_co_name",
        }
        for i, deputy in enumerate(self.deputies):
            tokens[deputy.name] = f"dep{i}_name"
            tokens[f"deputy:{deputy.pk}"] = f"dep{i}_rk"
        return tokens


class Steps:
    """Runs services at day offsets from the template's base date, clock frozen."""

    def __init__(self, base, rng):
        self.base, self.rng, self.day = base, rng, 0

    def at(self, offset):
        self.day = offset
        return frozen(_aware(self.base + timedelta(days=offset), self.rng.randint(8, 17), self.rng.randint(0, 59)))

    def date(self, offset=None):
        return self.base + timedelta(days=self.day if offset is None else offset)


PETITION_PATHS = {
    # name: (weight, stop, flags, open window in days or None for "any time since 2017")
    "closed": (430, "closed", {}, None),
    "closed_co": (60, "closed", {"co": True, "completion": True, "visit": True}, None),
    "closed_visit": (50, "closed", {"visit": True, "completion": True}, None),
    "closed_extended": (45, "closed", {"extension": "approved"}, None),
    "closed_ext_refused": (8, "closed", {"extension": "refused"}, None),
    "closed_supervised": (40, "closed", {"supervise": True, "late": True}, None),
    "closed_unsatisfied": (40, "closed", {"satisfaction": Satisfaction.UNSATISFIED}, None),
    "closed_instructed": (30, "closed", {"instruct": True, "own": True, "transfer_mode": True}, None),
    "reviewed": (20, "closed", {"review": True}, None),
    "final": (5, "final", {"review": True, "recheck": True, "satisfaction": Satisfaction.UNSATISFIED}, None),
    "not_accepted": (60, "not_accepted", {}, None),
    "transferred_out": (50, "transferred_out", {}, None),
    "outside_transferred": (15, "outside_transferred", {}, None),
    "open_registered": (15, "registered", {}, 20),
    "open_outside_remit": (2, "outside_remit", {}, 8),
    "open_accepted": (10, "accepted", {}, 15),
    "open_assigned": (40, "assigned", {}, 80),
    "open_assigned_co": (8, "assigned", {"co": True}, 60),
    "open_supervised": (10, "assigned", {"supervise": True}, 40),
    "open_ext_pending": (5, "assigned", {"extension": "pending"}, 30),
    "open_extended": (5, "assigned", {"extension": "approved"}, 40),
    "open_replied": (20, "replied", {}, 60),
    "open_reviewing": (3, "reviewing", {"review": True}, 25),
}

SUGGESTION_PATHS = {
    "closed": (640, "closed", {}, None),
    "closed_co": (60, "closed", {"co": True}, None),
    "closed_lapsed": (60, "lapsed", {}, None),
    "closed_reopened": (50, "closed", {"reopen": True}, None),
    "closed_extended": (30, "closed", {"extension": True}, None),
    "closed_supervised": (30, "closed", {"supervise": True}, None),
    "closed_hard": (30, "closed", {"hard": True}, None),
    "open_registered": (15, "registered", {}, 20),
    "open_assigned": (25, "assigned", {}, 80),
    "open_consulted": (15, "consulted", {}, 70),
    "open_supervised": (5, "assigned", {"supervise": True, "late": True}, 30),
    "open_replied": (15, "replied", {}, 25),
    "open_reopened": (5, "reopened", {"reopen": True}, 20),
}
# step-date variants per path (fewer below scale 0.1: the services' runs are most of a small run)
VARIANTS = {"petition": 3, "suggestion": 2}
SMALL_VARIANTS = {"petition": 1, "suggestion": 1}


def _request_review(st, sc, petition, kind, day):
    """A 复查 or 复核 request on `day`, as the clerk registers it."""
    from petitions.services import handling

    with st.at(day):
        handling.petition_request_review(
            petition=petition, kind=kind, requested_on=st.date(), request="⟦reviewrequest⟧", by=sc.clerk
        )


def _decide_review(st, sc, petition, kind, day):
    from petitions.services import handling

    with st.at(day):
        handling.petition_decide_review(
            petition=petition,
            kind=kind,
            by=sc.clerk,
            decision="⟦reviewdecision⟧",
            outcome=Outcome.EXPLAIN,
            decided_on=st.date(),
        )


def _petition_template(sc, rng, base, stop, flags):
    from petitions.services import handling, registration

    st = Steps(base, rng)
    with st.at(0):
        petition, _code = registration.petition_register(
            township=sc.township,
            by=sc.clerk,
            channel=Channel.LETTER,
            category=Category.APPEAL,
            subject=sc.subject,
            title="⟦ptitle⟧",
            address="⟦paddress⟧",
            request="⟦prequest⟧",
            facts="⟦pfacts⟧",
            received_on=base,
            petitioner_name="⟦pname⟧",
            phone="13800000000",
            id_number="522631199001011234",
        )
    if stop == "registered":
        return petition
    day = rng.choice([1, 2, 3, 5, 7, 10, 14, 14, 18])
    if stop in ("not_accepted", "transferred_out", "outside_remit", "outside_transferred"):
        with st.at(day):
            if stop == "not_accepted":
                registration.petition_decline(petition=petition, by=sc.clerk, reason="⟦declinereason⟧", on=st.date())
            elif stop == "transferred_out":
                registration.petition_transfer_out(
                    petition=petition, by=sc.clerk, to="⟦transferto⟧", reason="⟦remitreason⟧", on=st.date()
                )
            else:
                registration.petition_mark_outside_remit(
                    petition=petition, by=sc.clerk, reason="⟦remitreason⟧", on=st.date()
                )
        if stop == "outside_transferred":
            with st.at(day + rng.randint(1, 6)):
                registration.petition_transfer_out(
                    petition=petition, by=sc.clerk, to="⟦transferto⟧", reason="⟦remitreason⟧", on=st.date()
                )
        return petition
    with st.at(day):
        registration.petition_accept(petition=petition, by=sc.clerk, on=st.date())
    if stop == "accepted":
        return petition
    accepted = day
    if flags.get("instruct"):
        with st.at(day):
            handling.leader_instruct(petition=petition, by=sc.chair, content="⟦instruct⟧")
    if flags.get("own"):
        with st.at(day):
            handling.leader_take_ownership(petition=petition, by=sc.chair)
    day += rng.randint(0, 3)
    with st.at(day):
        mode = AssignmentMode.TRANSFER if flags.get("transfer_mode") else AssignmentMode.ASSIGN
        handling.petition_assign(
            petition=petition,
            lead_unit=sc.units[0],
            by=sc.clerk,
            co_units=[sc.units[1]] if flags.get("co") else [],
            mode=mode,
            note="⟦assignnote⟧",
        )
    if flags.get("co"):
        day += rng.randint(3, 15)
        with st.at(day):
            handling.petition_co_input(petition=petition, by=sc.co_handler, note="⟦coinput⟧")
    extension = flags.get("extension")
    if extension:
        day = accepted + rng.randint(40, 55)
        with st.at(day):
            handling.petition_request_extension(petition=petition, days=30, reason="⟦extreason⟧", by=sc.lead_handler)
        if extension != "pending":
            day += rng.randint(1, 3)
            with st.at(day):
                if extension == "approved":
                    handling.petition_approve_extension(petition=petition, by=sc.chair, note="同意延期。")
                else:
                    handling.petition_refuse_extension(petition=petition, by=sc.chair, note="理由不充分，请按期办结。")
    if flags.get("supervise"):
        day = max(day, accepted + rng.randint(45, 64)) if stop != "assigned" else day + rng.randint(10, 30)
        with st.at(day):
            handling.petition_supervise(
                petition=petition, by=sc.chair, content="⟦supervise⟧", reply_by=st.date() + timedelta(days=10)
            )
    if stop == "assigned":
        return petition
    if extension == "approved":
        day = max(day + 1, accepted + rng.randint(62, 85))
    elif flags.get("late"):
        day = max(day + 1, accepted + rng.randint(62, 75))
    else:
        day = max(day + 1, accepted + rng.choice([12, 20, 28, 35, 42, 50, 57, 59, 66]))
    with st.at(day):
        outcome = rng.choice([Outcome.SUPPORT, Outcome.SUPPORT, Outcome.EXPLAIN, Outcome.EXPLAIN, Outcome.REJECT])
        handling.petition_reply(petition=petition, by=sc.lead_handler, outcome=outcome, content="⟦reply⟧")
    if flags.get("completion"):
        with st.at(day + rng.randint(0, 3)):
            handling.completion_report_file(petition=petition, by=sc.lead_handler, content="⟦completion⟧")
    if stop == "replied":
        return petition
    reply_day = day
    day += rng.randint(2, 20)
    satisfaction = flags.get("satisfaction") or rng.choice(
        [Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY]
    )
    with st.at(day):
        handling.petition_rate(
            petition=petition,
            satisfaction=satisfaction,
            by=sc.clerk,
            comment="⟦ratecomment⟧" if satisfaction == Satisfaction.UNSATISFIED else "",
        )
    if flags.get("visit"):
        day += rng.randint(3, 20)
        with st.at(day):
            handling.return_visit_record(
                petition=petition,
                by=sc.clerk,
                visited_on=st.date(),
                satisfaction=rng.choice([Satisfaction.SATISFIED, Satisfaction.BASICALLY]),
                method=rng.choice(["电话", "上门"]),
                note="⟦visit⟧",
            )
    if flags.get("review"):
        day = min(day + rng.randint(1, 10), reply_day + 28)
        day = max(day, reply_day)
        _request_review(st, sc, petition, ReviewKind.REVIEW, day)
        if stop == "reviewing":
            return petition
        day += rng.randint(10, 29)
        _decide_review(st, sc, petition, ReviewKind.REVIEW, day)
    if flags.get("recheck"):
        day += rng.randint(3, 25)
        _request_review(st, sc, petition, ReviewKind.RECHECK, day)
        day += rng.randint(10, 29)
        _decide_review(st, sc, petition, ReviewKind.RECHECK, day)
    return petition


def _suggestion_template(sc, rng, base, stop, flags, signers):
    from congress_office.registries import case_types
    from congress_office.services.cases import _lapse_one, feedback_window
    from deputies.suggestions import services

    st = Steps(base, rng)
    deputies = sc.deputies[:signers]
    with st.at(0):
        suggestion = services.suggestion_submit(
            by=sc.clerk,
            term=sc.term,
            title="⟦stitle⟧",
            content="⟦scontent⟧",
            co_signers=deputies[1:],
            lead=deputies[0],
            is_hard=bool(flags.get("hard")),
            session="⟦session⟧",
        )
    if stop == "registered":
        return suggestion
    day = rng.randint(3, 20)
    with st.at(day):
        services.suggestion_assign(
            suggestion=suggestion,
            lead_unit=sc.units[0],
            co_units=[sc.units[1]] if flags.get("co") else [],
            by=sc.chair,
            start=st.date(),
            note="⟦assignnote⟧",
        )
    assigned = day
    if flags.get("co"):
        day += rng.randint(5, 25)
        with st.at(day):
            services.suggestion_co_input(suggestion=suggestion, by=sc.co_handler, note="⟦coinput⟧")
    if flags.get("extension"):
        day = assigned + rng.randint(70, 85)
        with st.at(day):
            services.suggestion_request_extension(
                suggestion=suggestion, by=sc.lead_handler, reason="⟦extreason⟧", extra=1
            )
        with st.at(day + 2):
            services.suggestion_decide_extension(suggestion=suggestion, by=sc.chair, approve=True, note="同意。")
        day += 2
    if flags.get("supervise"):
        day = assigned + (rng.randint(93, 100) if flags.get("late") else rng.randint(40, 80))
        with st.at(day):
            services.suggestion_supervise(
                suggestion=suggestion, by=sc.chair, content="⟦supervise⟧", reply_by=st.date() + timedelta(days=10)
            )
    if stop == "assigned":
        return suggestion

    def consult_and_reply(day, reply=True):
        day += rng.randint(5, 30)
        with st.at(day):
            services.consultation_record(
                suggestion=suggestion,
                by=sc.lead_handler,
                held_on=st.date(),
                method=rng.choice(list(ConsultationMethod.values)),
                unit_people="⟦unitpeople⟧",
                deputies=deputies,
                summary="⟦consult⟧",
            )
        if not reply:
            return day
        day += rng.randint(5, 40)
        with st.at(day):
            services.suggestion_reply(
                suggestion=suggestion, by=sc.lead_handler, category=rng.choice("AAABBCD"), content="⟦sreply⟧"
            )
        return day

    day = consult_and_reply(day, reply=stop != "consulted")
    if stop in ("consulted", "replied"):
        return suggestion
    if stop == "lapsed":
        rated = rng.randint(0, signers - 1)
        for deputy in deputies[:rated]:
            day += rng.randint(1, 5)
            with st.at(day):
                services.suggestion_rate(suggestion=suggestion, deputy=deputy, satisfaction="satisfied", by=sc.clerk)
        window = feedback_window(suggestion)
        day = (window.due_date - base).days + 1
        with st.at(day):
            _lapse_one(case_types[Suggestion.case_type_key], window.pk, st.date())
        return suggestion
    for i, deputy in enumerate(deputies):
        unsatisfied = flags.get("reopen") and i == 0
        day += rng.randint(1, 6)
        with st.at(day):
            services.suggestion_rate(
                suggestion=suggestion,
                deputy=deputy,
                satisfaction=Satisfaction.UNSATISFIED if unsatisfied else rng.choice(["satisfied", "basically"]),
                by=sc.clerk,
                comment="⟦sratecomment⟧" if unsatisfied else "",
            )
        suggestion.refresh_from_db()
        if unsatisfied:
            break
    if stop == "reopened" or not flags.get("reopen"):
        return suggestion
    day = consult_and_reply(day)
    for deputy in deputies:
        day += rng.randint(1, 6)
        with st.at(day):
            services.suggestion_rate(suggestion=suggestion, deputy=deputy, satisfaction="basically", by=sc.clerk)
    return suggestion


def case_row_counts(item):
    """Rows per table that belong to one petition or suggestion (for comparing clones)."""
    ct = ContentType.objects.get_for_model(item)
    counts = {
        "Deadline": Deadline.objects.filter(subject_type=ct, subject_id=item.pk).count(),
        "DeadlineExtension": DeadlineExtension.objects.filter(
            deadline__subject_type=ct, deadline__subject_id=item.pk
        ).count(),
    }
    for model in (CaseEvent, CaseAssignment, CaseReply, CaseRating, CaseSupervision, ExtensionRequest):
        counts[model.__name__] = model.objects.filter(item_type=ct, item_id=item.pk).count()
    if isinstance(item, Petition):
        for model in (LeaderInstruction, Review, ReturnVisit, CompletionReport):
            counts[model.__name__] = model.objects.filter(petition=item).count()
    else:
        counts["SuggestionSigner"] = SuggestionSigner.objects.filter(suggestion=item).count()
        counts["Consultation"] = Consultation.objects.filter(suggestion=item).count()
        counts["Consultation_deputies"] = ConsultationDeputies.objects.filter(consultation__suggestion=item).count()
    return counts


class _Rollback(Exception):
    pass


def build_templates(rng, today, variants=None):
    """Run every path's services in a scratch township; capture the rows; roll back."""
    variants = variants or VARIANTS
    templates = []
    base = today - timedelta(days=420)
    try:
        with transaction.atomic():
            sc = Scratch()
            ctx_map, tokens = sc.ctx_map(), sc.tokens()
            jobs = []
            for name, (_w, stop, flags, _window) in PETITION_PATHS.items():
                for v in range(variants["petition"]):
                    jobs.append(("petition", name, v, stop, flags, None))
            for name, (_w, stop, flags, _window) in SUGGESTION_PATHS.items():
                for signers in (1, 2, 3):
                    for v in range(variants["suggestion"]):
                        jobs.append(("suggestion", name, v, stop, flags, signers))
            for kind, name, v, stop, flags, signers in jobs:
                before = {m: _max_pk(m) for m in TRACKED}
                with transaction.atomic():
                    if kind == "petition":
                        item = _petition_template(sc, rng, base, stop, flags)
                    else:
                        item = _suggestion_template(sc, rng, base, stop, flags, signers)
                rows = {
                    m: list(
                        m.objects.filter(pk__gt=before[m])
                        .order_by("pk")
                        .values(*[f.attname for f in m._meta.concrete_fields])
                    )
                    for m in TRACKED
                }
                item.refresh_from_db()
                item_tokens = dict(tokens)
                item_tokens[str(item)] = "item_str"
                item_tokens[str(item.number)] = "item_number"
                for sup in rows[CaseSupervision]:
                    item_tokens[str(CaseSupervision(year=sup["year"], sequence=sup["sequence"]).number)] = "sup_number"
                templates.append(
                    Template(
                        kind=kind,
                        key=(kind, name, v, signers),
                        rows=rows,
                        ctx_map=ctx_map,
                        tokens=item_tokens,
                        base=base,
                        counts=case_row_counts(item),
                        last_day=max(_row_days(rows, base)),
                        signers=signers or 0,
                    )
                )
            raise _Rollback
    except _Rollback:
        pass
    return templates


def _max_pk(model):
    return model.objects.aggregate(m=models.Max("pk"))["m"] or 0


def _row_days(rows, base):
    """The days of the steps (the services' timestamps), not of the due dates ahead."""
    for model_rows in rows.values():
        for row in model_rows:
            for value in row.values():
                if isinstance(value, datetime):
                    yield (dj_timezone.localtime(value).date() - base).days


# --- compiling a template into recipes -----------------------------------------------------------

K_CONST, K_PK, K_REF, K_CTX, K_DATE, K_DT, K_TEXT, K_JSON = range(8)


def _compile_text(value, tokens_re, tokens, base):
    parts, pos, dynamic = [], 0, False
    for match in tokens_re.finditer(value):
        if match.start() > pos:
            parts.append(value[pos : match.start()])
        text = match.group(0)
        if text in tokens:
            parts.append((0, tokens[text]))
        elif text.startswith("⟦"):
            parts.append((1, text[1:-1]))
        else:
            parts.append((2, (date.fromisoformat(text) - base).days))
        pos, dynamic = match.end(), True
    if not dynamic:
        return (K_CONST, value)
    if pos < len(value):
        parts.append(value[pos:])
    return (K_TEXT, parts)


class Template:
    def __init__(self, *, kind, key, rows, ctx_map, tokens, base, counts, last_day, signers):
        self.kind, self.key, self.base, self.counts, self.last_day = kind, key, base, counts, last_day
        self.signers = signers
        alternatives = sorted(tokens, key=len, reverse=True)
        tokens_re = re.compile("|".join([re.escape(t) for t in alternatives] + [POOL_RE.pattern, DATE_RE.pattern]))
        present = {(m, row["id"]) for m, model_rows in rows.items() for row in model_rows}
        ct_models = {}

        def ref_model(ct_id):
            if ct_id not in ct_models:
                ct_models[ct_id] = ContentType.objects.get_for_id(ct_id).model_class()
            return ct_models[ct_id]

        def compile_json(value):
            if isinstance(value, dict):
                out = []
                for k, v in value.items():
                    if k in DATA_ID_KEYS and isinstance(v, int):
                        out.append((k, (K_REF, (DATA_ID_KEYS[k], v))))
                    else:
                        out.append((k, compile_json(v)))
                return ("d", out)
            if isinstance(value, list):
                return ("l", [compile_json(v) for v in value])
            if isinstance(value, str):
                return _compile_text(value, tokens_re, tokens, base)
            return (K_CONST, value)

        self.plan = []
        for model in TRACKED:
            fields = list(model._meta.concrete_fields)
            recipes = []
            for row in rows[model]:
                recipe = []
                for field in fields:
                    value = row[field.attname]
                    if field.primary_key:
                        entry = (K_PK, (model, value))
                    elif value is None:
                        entry = (K_CONST, None)
                    elif isinstance(field, EncryptedCharField):
                        entry = (K_CONST, value)  # the clone's own value replaces it
                    elif field.is_relation:
                        target = field.related_model
                        if (target, value) in ctx_map:
                            entry = (K_CTX, ctx_map[(target, value)])
                        elif (target, value) in present:
                            entry = (K_REF, (target, value))
                        else:
                            entry = (K_CONST, value)
                    elif field.attname in ("item_id", "subject_id") and model is not Petition:
                        ct_id = row["item_type_id" if field.attname == "item_id" else "subject_type_id"]
                        target = ref_model(ct_id) if ct_id else None
                        entry = (K_REF, (target, value)) if (target, value) in present else (K_CONST, value)
                    elif isinstance(field, models.DateTimeField):
                        entry = (K_DT, value)
                    elif isinstance(field, models.DateField):
                        entry = (K_DATE, (value - base).days)
                    elif isinstance(field, models.JSONField):
                        entry = (K_JSON, compile_json(value))
                    elif isinstance(value, str):
                        entry = _compile_text(value, tokens_re, tokens, base)
                    else:
                        entry = (K_CONST, value)
                    recipe.append((field.attname, entry))
                recipes.append((row, recipe))
            if recipes:
                self.plan.append((model, recipes))
        self.n_rows = {m.__name__: len(r) for m, r in self.plan}


class Clone:
    """One instantiation of a template: its ids, its shift, its tokens."""

    __slots__ = ("ids", "shift", "base_ord", "ctx", "tokens", "pool_rng")

    def value(self, entry):
        kind, arg = entry
        if kind == K_CONST:
            return arg
        if kind == K_REF:
            return self.ids.get(arg, arg[1])
        if kind == K_CTX:
            return self.ctx[arg]
        if kind == K_DATE:
            return date.fromordinal(self.base_ord + arg)
        if kind == K_DT:
            return arg + self.shift
        if kind == K_TEXT:
            out = []
            for part in arg:
                if isinstance(part, str):
                    out.append(part)
                elif part[0] == 0:
                    out.append(str(self.tokens[part[1]]))
                elif part[0] == 1:
                    out.append(self.pool(part[1]))
                else:
                    out.append(date.fromordinal(self.base_ord + part[1]).isoformat())
            return "".join(out)
        if kind == K_JSON:
            return self.json(arg)
        raise ValueError(kind)

    def json(self, recipe):
        tag, arg = recipe
        if tag == "d":
            return {k: self.value(v) if v[0] != "d" and v[0] != "l" else self.json(v) for k, v in arg}
        if tag == "l":
            return [self.value(v) if v[0] != "d" and v[0] != "l" else self.json(v) for v in arg]
        return self.value(recipe)

    def pool(self, name):
        key = "pool:" + name
        if key not in self.tokens:
            self.tokens[key] = self.pool_rng.choice(POOLS[name]) if name in POOLS else self.tokens.get(name, name)
        return self.tokens[key]


# --- the generator ------------------------------------------------------------------------------


class Generator:
    def __init__(self, scale, seed, stdout):
        self.scale, self.rng, self.stdout = scale, random.Random(seed), stdout
        self.started = time.monotonic()
        self.today = dj_timezone.localdate()
        self.n_townships = max(2, min(N_TOWNSHIPS, round(N_TOWNSHIPS * scale)))
        self.idents = Identities(self.rng)
        self.cal = WorkCalendar()
        self._due_cache = {}
        self.counts = Counter()
        self.supervision_seq = Counter()
        self.samples = {}

    def say(self, message):
        _say(self.stdout, self.started, message)

    # -- base data with the ORM

    def base(self):
        groups = {g.name: g for g in Group.objects.all()}
        password = make_password(BENCH_PASSWORD)
        users, memberships = [], []

        def account(username, name, role, township=None, unit=None):
            user = User(
                username=username,
                name=name,
                township=township,
                unit=unit,
                password=password,
                must_change_password=False,
                is_active=True,
            )
            users.append(user)
            memberships.append((user, role))
            return user

        self.county = account(f"{CODE_PREFIX}_county", "县人大常委会联络室", Role.COUNTY)
        self.towns = []
        subjects = list(Subject.objects.filter(township__isnull=True, is_active=True).order_by("pk"))
        for i in range(self.n_townships):
            code = f"{CODE_PREFIX}{i + 1:02d}"
            name = TOWNSHIP_NAMES[i]
            per_term = [self.rng.randint(45, 54) for _ in range(2)]
            township = Township(
                name=name,
                code=code,
                county="基准县",
                agency_code=name[0] + "人",
                population=(per_term[1] - 45) * 1500 + self.rng.randint(0, 1499),
            )
            self.towns.append({"township": township, "code": code, "per_term": per_term, "subjects": subjects})
        Township.objects.bulk_create([t["township"] for t in self.towns])
        unit_rows = []
        for town in self.towns:
            town["units"] = [Unit(township=town["township"], name=n, kind=k) for n, k in UNITS]
            town["units"] += [
                Unit(township=town["township"], name=f"{v}委员会", kind=UnitKind.VILLAGE) for v in VILLAGES[:4]
            ]
            unit_rows += town["units"]
        Unit.objects.bulk_create(unit_rows)
        for town in self.towns:
            code, township = town["code"], town["township"]
            town["clerk"] = account(f"{code}_clerk", _person_name(self.rng), Role.CLERK, township)
            town["clerk2"] = account(f"{code}_clerk2", _person_name(self.rng), Role.CLERK, township)
            town["chair"] = account(f"{code}_chair", _person_name(self.rng), Role.CHAIR, township)
            town["vicechair"] = account(f"{code}_vicechair", _person_name(self.rng), Role.CHAIR, township)
            town["auditor"] = account(f"{code}_auditor", _person_name(self.rng), Role.AUDITOR, township)
            town["handlers"] = [
                account(f"{code}_unit{j + 1:02d}", _person_name(self.rng), Role.UNIT_HANDLER, township, unit)
                for j, unit in enumerate(town["units"])
            ]
        User.objects.bulk_create(users)  # deputies' accounts come below
        self._memberships(memberships, groups)
        self.say(f"{self.n_townships} townships, {len(unit_rows)} units, {len(users)} office accounts")
        self.deputies(groups, password)

    def _memberships(self, memberships, groups):
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u.pk, group_id=groups[role].pk) for u, role in memberships])

    def deputies(self, groups, password):
        terms, districts, dgroups, deputies, accounts = [], [], [], [], []
        for town in self.towns:
            township = town["township"]
            town["terms"] = [
                Term(township=township, number=20, start_date=date(2016, 12, 20), end_date=date(2021, 12, 19)),
                Term(township=township, number=21, start_date=date(2021, 12, 20), end_date=date(2026, 12, 19)),
            ]
            terms += town["terms"]
        Term.objects.bulk_create(terms)
        for town in self.towns:
            town["districts"], town["groups"] = {}, {}
            for term, count in zip(town["terms"], town["per_term"], strict=True):
                n_districts = (count + 1) // 2
                town["districts"][term.number] = [
                    District(
                        township=town["township"], term=term, name=f"第{k + 1}选区", seats=2 if k < count // 2 else 1
                    )
                    for k in range(n_districts)
                ]
                town["groups"][term.number] = [
                    DeputyGroup(township=town["township"], term=term, name=f"{v}代表小组") for v in VILLAGES[:7]
                ]
                districts += town["districts"][term.number]
                dgroups += town["groups"][term.number]
        District.objects.bulk_create(districts)
        DeputyGroup.objects.bulk_create(dgroups)
        for town in self.towns:
            town["deputies"] = {}
            for term, count in zip(town["terms"], town["per_term"], strict=True):
                rows = []
                dists, grps = town["districts"][term.number], town["groups"][term.number]
                for k in range(count):
                    status, reason, status_date = DeputyStatus.ACTIVE, "", None
                    roll = self.rng.random()
                    if roll < 0.03:
                        status, reason = DeputyStatus.TERMINATED, self.rng.choice(["迁出本行政区域", "辞职", "病故"])
                        status_date = term.start_date + timedelta(days=self.rng.randint(200, 1500))
                    elif roll < 0.04 and term.number == 21:
                        status, reason, status_date = DeputyStatus.SUSPENDED, "被采取刑事强制措施", date(2026, 5, 10)
                    presidium = k < 7
                    rows.append(
                        Deputy(
                            township=town["township"],
                            term=term,
                            name=_person_name(self.rng),
                            gender=self.rng.choice([Gender.MALE, Gender.MALE, Gender.FEMALE]),
                            birth_date=date(1960, 1, 1) + timedelta(days=self.rng.randrange(35 * 365)),
                            affiliation=self.rng.choice(
                                [Affiliation.CPC, Affiliation.CPC, Affiliation.NONE, Affiliation.CYL]
                            ),
                            occupation=self.rng.choice(OCCUPATIONS),
                            work_unit=f"{self.rng.choice(VILLAGES)}",
                            phone=self.idents.phone(),
                            district=dists[k // 2 if k // 2 < len(dists) else -1],
                            group=grps[k % len(grps)],
                            status=status,
                            status_reason=reason,
                            status_date=status_date,
                            is_presidium=presidium,
                            position=Position.CHAIR if k == 0 else Position.VICE_CHAIR if k == 1 else Position.NONE,
                        )
                    )
                town["deputies"][term.number] = rows
                deputies += rows
        Deputy.objects.bulk_create(deputies)
        by_group = defaultdict(list)
        for deputy in deputies:
            by_group[deputy.group_id].append(deputy)
        for group in dgroups:
            group.leader = by_group[group.pk][0]
        DeputyGroup.objects.bulk_update(dgroups, ["leader"])
        # accounts for the current term's deputies (they log their own activities)
        memberships = []
        for town in self.towns:
            for k, deputy in enumerate(town["deputies"][21]):
                user = User(
                    username=f"{town['code']}_dep{k + 1:03d}",
                    name=deputy.name,
                    township=town["township"],
                    password=password,
                    must_change_password=False,
                )
                accounts.append((deputy, user))
                memberships.append((user, Role.DEPUTY))
        User.objects.bulk_create([u for _d, u in accounts])
        self._memberships(memberships, groups)
        for deputy, user in accounts:
            deputy.user = user
        Deputy.objects.bulk_update([d for d, _u in accounts], ["user"])
        self.counts["deputies"] = len(deputies)
        self.say(f"{len(deputies)} deputies in {len(terms)} terms, {len(accounts)} deputy accounts")

    # -- due dates

    def due(self, start, rule, limit):
        key = (start, rule, limit)
        if key not in self._due_cache:
            self._due_cache[key] = compute_due_date(start, rule, limit, work_calendar=self.cal)
        return self._due_cache[key]

    # -- cases

    def pick_paths(self, paths, n, templates_by_path, rng):
        names = list(paths)
        weights = [paths[p][0] for p in names]
        return rng.choices(names, weights=weights, k=n)

    def case_dates(self, path_spec, template, rng):
        """The base (received / submitted) date of a clone: any day since 2017 for a path that
        ends closed, a recent window for an open one; never with a step after today."""
        latest = self.today - timedelta(days=template.last_day)
        window = path_spec[3]
        if window is None:
            earliest = date(FIRST_YEAR, 1, 1)
        else:
            earliest = latest - timedelta(days=window)
        span = max((latest - earliest).days, 0)
        return earliest + timedelta(days=rng.randint(0, span))

    def clone(self, template, tables, base_date, ctx, tokens, overrides):
        c = Clone()
        c.ids = {}
        for model, recipes in template.plan:
            table = tables[model]
            for row, _recipe in recipes:
                c.ids[(model, row["id"])] = table.take_id()
        delta = (base_date - template.base).days
        c.shift = timedelta(days=delta)
        c.base_ord = template.base.toordinal() + delta
        c.ctx, c.tokens, c.pool_rng = ctx, tokens, self.rng
        due_of = {}
        for model, recipes in template.plan:
            table = tables[model]
            for row, recipe in recipes:
                out = {name: c.value(entry) if entry[0] != K_PK else c.ids[entry[1]] for name, entry in recipe}
                if model is Deadline:
                    original = self.due(out["start_date"], out["rule"], out["limit"])
                    if row["due_date"] != row["original_due_date"]:
                        due = max(out["due_date"], original + timedelta(days=1))
                    else:
                        due = original
                    out["original_due_date"], out["due_date"] = original, due
                    if out["state"] in (DeadlineState.OPEN, DeadlineState.EXTENDED) and due < self.today:
                        out["state"] = DeadlineState.OVERDUE
                    due_of[out["id"]] = (original, due)
                elif model is DeadlineExtension:
                    out["previous_due_date"], out["new_due_date"] = due_of[out["deadline_id"]]
                elif model is ExtensionRequest:
                    if out["extension_id"]:
                        out["new_due_date"] = due_of[out["deadline_id"]][1]
                elif model is CaseSupervision:
                    year = dj_timezone.localtime(out["issued_at"]).year
                    self.supervision_seq[(ctx["township"], year)] += 1
                    out["year"], out["sequence"] = year, self.supervision_seq[(ctx["township"], year)]
                    tokens["sup_number"] = CaseSupervision(year=year, sequence=out["sequence"]).number
                elif model in (Petition, Suggestion):
                    out.update(overrides)
                    overrides["_id"] = out["id"]
                elif model is CaseEvent and out["action"] == "register" and "channel" in overrides:
                    out["data"] = {
                        **out["data"],
                        "channel": overrides["channel"],
                        "repeat_of": overrides["repeat_of_id"],
                    }
                    if overrides["_online"]:  # a citizen's own submission: no account acted
                        out["actor_id"], out["actor_label"] = None, overrides["petitioner_name"]
                table.add(out)
                self.counts[model.__name__] += 1
        return c

    def township_cases(self, town, templates, tables, n_petitions, n_suggestions):
        rng = self.rng
        township = town["township"]
        units = town["units"]
        handlers = {h.unit_id: h for h in town["handlers"]}
        subjects = town["subjects"]
        by_path = defaultdict(list)
        for template in templates:
            by_path[(template.kind, template.key[1])].append(template)
        # petitions, in order of receipt (sequences and repeat links follow it)
        plans = []
        for path in self.pick_paths(PETITION_PATHS, n_petitions, by_path, rng):
            template = rng.choice(by_path[("petition", path)])
            plans.append((self.case_dates(PETITION_PATHS[path], template, rng), path, template))
        plans.sort(key=lambda p: (p[0], p[1]))
        seq = Counter()
        last_of_person = {}  # (id_hash) -> (petition id, subject, identity)
        people = []
        for received, _path, template in plans:
            lead, co = rng.sample(units, 2)
            repeat = None
            if people and rng.random() < 0.03:
                person = rng.choice(people[-300:])
                repeat = last_of_person.get(person["id_hash"])
                subject = repeat[1] if repeat else rng.choice(subjects)
            else:
                person = {
                    "name": _person_name(rng),
                    "phone": self.idents.phone(),
                    "id_number": self.idents.id_number() if rng.random() < 0.85 else "",
                }
                person["phone_hash"] = keyed_hash(person["phone"])
                person["id_hash"] = keyed_hash(person["id_number"])
                people.append(person)
                subject = rng.choice(subjects)
            seq[received.year] += 1
            channel = rng.choices(
                [Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.ONLINE, Channel.FAX, Channel.DEPUTY],
                weights=[30, 30, 15, 18, 2, 5],
            )[0]
            village = rng.choice(VILLAGES)
            title = f"{village}村民{rng.choice(ISSUES.get(subject.name, ISSUES['其他']))}"[:120]
            number = f"{township.name[:1]}信〔{received.year}〕{seq[received.year]}号"
            term = town["terms"][1] if received >= town["terms"][1].start_date else town["terms"][0]
            deputies = town["deputies"][term.number]
            ctx = self._ctx(town, lead, co, handlers, subject, term, deputies[:4])
            online = channel == Channel.ONLINE
            overrides = {
                "channel": channel,
                "category": rng.choices([Category.SUGGESTION, Category.ACCUSATION, Category.APPEAL], [25, 15, 60])[0],
                "title": title,
                "petitioner_name": person["name"],
                "address": f"{township.name}{village}{rng.randint(1, 12)}组",
                "phone": person["phone"],
                "id_number": person["id_number"],
                "phone_hash": person["phone_hash"],
                "id_hash": person["id_hash"],
                "request": f"请求依法处理：{title}。",
                "facts": f"{person['name']}称，{title}，多次向村组反映未得到解决。",
                "oral_record": f"来访人{person['name']}口述：{title}。"
                if channel in (Channel.VISIT, Channel.PHONE)
                else "",
                "year": received.year,
                "sequence": seq[received.year],
                "repeat_of_id": repeat[0] if repeat else None,
                "source_deputy_id": rng.choice(deputies).pk if channel == Channel.DEPUTY else None,
                "query_code_hash": keyed_hash(f"query-code:{rng.randrange(10**12)}") if online else "",
                "_online": online,
            }
            if online:
                overrides["registered_by_id"] = None
            tokens = {
                **self._tokens(town, lead, co, handlers, deputies[:4]),
                "item_str": f"{number} {title}",
                "item_number": number,
                "pname": person["name"],
                "ptitle": title,
                "paddress": overrides["address"],
                "prequest": overrides["request"],
                "pfacts": overrides["facts"],
            }
            clone_overrides = {k: v for k, v in overrides.items() if not k.startswith("_")}
            clone_overrides["_online"] = online
            clone_overrides["_id"] = None
            self._clone_petition(template, tables, received, ctx, tokens, clone_overrides)
            new_id = clone_overrides["_id"]
            if person.get("id_hash"):
                last_of_person[person["id_hash"]] = (new_id, subject)
            self.samples.setdefault(template.key, new_id)
        # suggestions
        plans = []
        for path in self.pick_paths(SUGGESTION_PATHS, n_suggestions, by_path, rng):
            template = rng.choice(by_path[("suggestion", path)])
            plans.append((self.case_dates(SUGGESTION_PATHS[path], template, rng), path, template))
        plans.sort(key=lambda p: (p[0], p[1]))
        seq = Counter()
        for submitted, _path, template in plans:
            lead, co = rng.sample(units, 2)
            term = town["terms"][1] if submitted >= town["terms"][1].start_date else town["terms"][0]
            active = [d for d in town["deputies"][term.number] if d.status == DeputyStatus.ACTIVE]
            signers = rng.sample(active, 4)
            seq[submitted.year] += 1
            title = rng.choice(SUGGESTION_TOPICS)
            number = f"建议〔{submitted.year}〕{seq[submitted.year]}号"
            ctx = self._ctx(town, lead, co, handlers, None, term, signers)
            tokens = {
                **self._tokens(town, lead, co, handlers, signers),
                "item_str": f"{number} {title}",
                "item_number": number,
            }
            overrides = {
                "title": title,
                "content": f"{title.removeprefix('关于').removesuffix('的建议')}，群众反映强烈，建议尽快研究解决。",
                "session": "闭会期间"
                if submitted.month > 3
                else f"第{term.number}届人大第{(submitted.year - term.start_date.year) * 2 + 1}次会议期间",
                "year": submitted.year,
                "sequence": seq[submitted.year],
                "_id": None,
            }
            tokens.update(stitle=title, scontent=overrides["content"], session=overrides["session"])
            self.clone(template, tables, submitted, ctx, tokens, overrides)
            self.samples.setdefault(template.key, overrides["_id"])

    def _clone_petition(self, template, tables, received, ctx, tokens, overrides):
        overrides["received_on"] = received
        self.clone(template, tables, received, ctx, tokens, overrides)

    def _ctx(self, town, lead, co, handlers, subject, term, deputies):
        ctx = {
            "township": town["township"].pk,
            "u_clerk": town["clerk"].pk,
            "u_chair": town["chair"].pk,
            "u_lead": handlers[lead.pk].pk,
            "u_co": handlers[co.pk].pk,
            "unit0": lead.pk,
            "unit1": co.pk,
            "term": term.pk,
            "subject": subject.pk if subject else None,
        }
        for i, deputy in enumerate(deputies):
            ctx[f"dep{i}"] = deputy.pk
        return ctx

    def _tokens(self, town, lead, co, handlers, deputies):
        tokens = {
            "unit0_name": lead.name,
            "unit1_name": co.name,
            "u_clerk_name": town["clerk"].name,
            "u_chair_name": town["chair"].name,
            "u_lead_name": handlers[lead.pk].name,
            "u_co_name": handlers[co.pk].name,
        }
        for i, deputy in enumerate(deputies):
            tokens[f"dep{i}_name"] = deputy.name
            tokens[f"dep{i}_rk"] = f"deputy:{deputy.pk}"
        return tokens

    # -- duty activities

    def township_activities(self, town, n, tables):
        rng = self.rng
        activities, participants = tables[Activity], tables[ActivityParticipants]
        types = list(ACTIVITY_WEIGHTS)
        weights = [ACTIVITY_WEIGHTS[t] for t in types]
        members = {}
        for deputies in town["deputies"].values():
            for deputy in deputies:
                members.setdefault(deputy.group_id, []).append(deputy)
        span_days = (self.today - date(FIRST_YEAR, 1, 1)).days
        clerk = town["clerk"]
        rows = []
        for _ in range(n):
            day = date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randint(0, span_days))
            rows.append(day)
        rows.sort()
        place_names = VILLAGES
        for day in rows:
            term_number = 21 if day >= town["terms"][1].start_date else 20
            deputies = town["deputies"][term_number]
            kind = rng.choices(types, weights)[0]
            group_id = None
            if kind == ActivityType.GROUP:
                group = rng.choice(town["groups"][term_number])
                group_id = group.pk
                pool = members[group.pk]
                chosen = rng.sample(pool, min(len(pool), rng.randint(3, 6)))
            else:
                k = rng.choices([1, 2, 3, 4, 5, 6], [40, 25, 20, 7, 5, 3])[0]
                chosen = rng.sample(deputies, k)
            submitter = chosen[0].user if chosen[0].user_id and rng.random() < 0.6 else clerk
            submitted_at = _aware(day + timedelta(days=rng.randint(0, 5)), rng.randint(8, 20), rng.randint(0, 59))
            if submitted_at.date() > self.today:
                submitted_at = _aware(self.today, 9, 0)
            status, reason, reviewed_by, reviewed_at = ActivityStatus.CONFIRMED, "", clerk.pk, None
            age = (self.today - day).days
            roll = rng.random()
            if age < 20 and roll < 0.5:
                status, reviewed_by = ActivityStatus.SUBMITTED, None
            elif roll < 0.03:
                status, reason = ActivityStatus.RETURNED, "活动内容填写不完整，请补充后重新提交。"
            if reviewed_by:
                reviewed_at = min(submitted_at + timedelta(days=rng.randint(1, 7), hours=2), _aware(self.today, 9, 30))
            activity_id = activities.take_id()
            village = rng.choice(place_names)
            activities.add(
                {
                    "id": activity_id,
                    "township_id": town["township"].pk,
                    "type": kind,
                    "date": day,
                    "place": f"{village}",
                    "title": f"{village}{ACTIVITY_TITLES[kind]}",
                    "summary": f"{'、'.join(d.name for d in chosen[:3])}等代表{ACTIVITY_TITLES[kind]}，听取群众意见。",
                    "outcome": "收集意见建议若干条，已转交有关单位。" if rng.random() < 0.4 else "",
                    "group_id": group_id,
                    "status": status,
                    "return_reason": reason,
                    "submitted_by_id": submitter.pk,
                    "submitted_at": submitted_at,
                    "reviewed_by_id": reviewed_by,
                    "reviewed_at": reviewed_at,
                }
            )
            for deputy in chosen:
                participants.add_values((participants.take_id(), activity_id, deputy.pk))
        self.counts["Activity"] += n

    # -- the whole run

    def run(self):
        if Township.objects.filter(code__startswith=CODE_PREFIX).exists():
            raise BenchDataExists(
                "This database already holds bench townships (codes bench01 …): refusing to generate again. "
                "Generate into a fresh, migrated database instead."
            )
        self.say(f"scale {self.scale}: {self.n_townships} townships, today {self.today}")
        variants = VARIANTS if self.scale >= 0.1 else SMALL_VARIANTS
        templates = build_templates(random.Random(self.rng.random()), self.today, variants)
        self.templates = templates
        self.say(f"{len(templates)} case templates made with the real services")
        with transaction.atomic():
            self.base()
        tables = {m: Table(m) for m in [*TRACKED, Activity, ActivityParticipants]}
        per_town = {k: round(v * self.scale / self.n_townships) for k, v in TARGETS.items()}
        per_town["petitions"] = max(per_town["petitions"], 60)
        per_town["suggestions"] = max(per_town["suggestions"], 40)
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        for i, town in enumerate(self.towns):
            with transaction.atomic():
                self.township_cases(town, templates, tables, per_town["petitions"], per_town["suggestions"])
                self.township_activities(town, per_town["activities"], tables)
                for table in tables.values():
                    table.flush()
            self.say(f"township {i + 1}/{self.n_townships} {town['code']} done")
        for table in tables.values():
            table.reset_sequence()
        with connection.cursor() as cursor:
            for table in tables.values():
                cursor.execute(f'ANALYZE "{table.table}"')
        self.say("sequences reset, tables analysed")
        counts = {table.model._meta.label: table.written for table in tables.values()}
        counts.update(
            {
                "core.Township": self.n_townships,
                "core.Unit": sum(len(t["units"]) for t in self.towns),
                "core.User": User.objects.filter(username__startswith=CODE_PREFIX).count(),
                "deputies.Deputy": self.counts["deputies"],
                "deputies.Term": 2 * self.n_townships,
            }
        )
        first = self.towns[0]
        return {
            "scale": self.scale,
            "townships": [t["code"] for t in self.towns],
            "counts": counts,
            "clerk": first["clerk"].username,
            "chair": first["chair"].username,
            "county": self.county.username,
            "password": BENCH_PASSWORD,
            "templates": len(templates),
            "samples": {"/".join(map(str, k)): v for k, v in self.samples.items()},
            "seconds": round(time.monotonic() - self.started, 1),
        }


def generate(scale: float = 1.0, *, stdout=None, seed: int = 2026) -> dict:
    """Fill the database with a county's data at `scale` (see the module docstring); returns
    counts per table and the usernames of a sample clerk, chair and county user."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the bench generator writes with PostgreSQL COPY")
    generator = Generator(scale, seed, stdout)
    result = generator.run()
    result["verified"] = verify_clones(generator)
    generator.say(f"verified {result['verified']['ok']} of {result['verified']['checked']} templates against a clone")
    return result


def verify_clones(generator):
    """For each template, the row counts per table of the service-made case against one clone."""
    ok, mismatches = 0, []
    for template in generator.templates:
        sample = generator.samples.get(template.key)
        if sample is None:
            continue
        model = Petition if template.kind == "petition" else Suggestion
        counts = case_row_counts(model.objects.get(pk=sample))
        if counts == template.counts:
            ok += 1
        else:
            mismatches.append({"template": "/".join(map(str, template.key)), "made": template.counts, "clone": counts})
    return {"checked": ok + len(mismatches), "ok": ok, "mismatches": mismatches}


__all__ = ["BENCH_PASSWORD", "BenchDataExists", "case_row_counts", "generate", "settings"]
