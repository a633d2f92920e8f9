"""Demo suggestions, run by `seed_demo` after the deputies' demo (registered in plugins).

青山镇 gets fifteen suggestions in every state of the handling engine: awaiting assignment,
in handling (one marked hard with a co-handler's opinion in, one extended, one overdue and
supervised, one consulted and ready to answer), answered and awaiting ratings (one waits for
the demo deputy 张桂兰, account qs_deputy), reopened after a 不满意, and closed in each answer
category. 白水乡 gets two, to show township isolation.

Everything goes through the services, as the users would; assignment dates are set in the
past so the clocks run at different stages. Idempotent: a township that has suggestions
already is left alone.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseAssignment, CaseEvent, Unit

from ..choices import DeputyStatus
from ..models import Deputy, Term
from . import services
from .models import ConsultationMethod, Suggestion

S, B, U = Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED


@dataclass
class Item:
    title: str
    content: str
    signers: list  # names; the first leads
    fate: str  # registered / assigned / consulted / co_input / extended / supervised /
    # replied / reopened / closed
    unit: str = ""
    co_units: list = field(default_factory=list)
    days_ago: int = 30  # assigned this many days before today
    category: str = ""
    ratings: list = field(default_factory=list)  # satisfactions, one per signer in order
    is_hard: bool = False
    session: str = "第十九届人民代表大会第一次会议期间"


QINGSHAN = [
    Item(
        "关于修缮东风村至石桥村村道的建议",
        "东风村至石桥村的村道约3.2公里，路面多处破损坑洼，雨天积水严重，群众出行和农产品运输十分不便。建议将该路段纳入年度农村公路修缮计划，先行修补坑槽，并在急弯处增设警示标志。",
        ["张桂兰", "刘明华", "陈永强"],
        "replied",
        "农业农村办公室",
        ["财政所"],
        70,
        "B",
        [],
    ),
    Item(
        "关于在河口农贸市场增设公共厕所的建议",
        "河口农贸市场每逢赶集日人流量超过三千人次，周边仅有一座旱厕，卫生条件差。建议在市场东侧增设一座水冲式公共厕所，并明确保洁责任。",
        ["吴秀珍", "周建平"],
        "registered",
    ),
    Item(
        "关于加强中心小学周边交通安全管理的建议",
        "中心小学门前道路上下学时段车辆、行人混行，存在安全隐患。建议设置减速带和人行横道，上下学高峰安排人员值守。",
        ["吕文静", "林小红"],
        "registered",
        session="闭会期间",
    ),
    Item(
        "关于东风村蔬菜基地建设冷链仓储设施的建议",
        "东风村蔬菜种植面积已达八百亩，采摘后缺少预冷和冷藏设施，损耗率高。建议争取项目资金建设一座小型冷链仓储设施，由合作社运营。",
        ["张桂兰"],
        "registered",
        session="闭会期间",
    ),
    Item(
        "关于规范农村宅基地审批办理时限的建议",
        "部分村民反映宅基地审批材料多、时间长。建议公开办理流程和时限，实行一次性告知，推行联审联办。",
        ["高云飞", "罗成"],
        "assigned",
        "自然资源所",
        [],
        20,
    ),
    Item(
        "关于治理柳塘村山体滑坡隐患的建议",
        "柳塘村5组后山去年雨季出现裂缝，坡下有住户十余户。建议尽快组织地质灾害隐患排查，制定搬迁避让或工程治理方案。",
        ["胡国庆", "郭玉兰", "何建军"],
        "co_input",
        "自然资源所",
        ["生态环境办公室"],
        40,
        is_hard=True,
    ),
    Item(
        "关于整治双河村河道垃圾的建议",
        "双河村穿村河道沿岸垃圾随意倾倒，汛期堵塞涵洞。建议建立河道保洁长效机制，增设垃圾收集点，落实村级河长巡河责任。",
        ["郑光明", "梁淑芬"],
        "supervised",
        "生态环境办公室",
        [],
        100,
    ),
    Item(
        "关于扩建金山村农产品电商服务站的建议",
        "金山村电商服务站场地狭小，旺季打包发货能力不足。建议协调闲置村集体用房扩建服务站，并开展电商技能培训。",
        ["魏小芳", "程光荣"],
        "extended",
        "农业农村办公室",
        ["财政所"],
        80,
    ),
    Item(
        "关于提高农村低保动态调整透明度的建议",
        "群众对低保对象调整的程序和结果了解不多。建议在村务公开栏和微信群公示调整结果，畅通异议渠道。",
        ["曾丽华", "彭光辉"],
        "replied",
        "社会事务办公室",
        [],
        60,
        "A",
        [],
    ),
    Item(
        "关于完善青山社区养老服务站设施的建议",
        "青山社区养老服务站缺少助浴、康复设备，日间照料床位不足。建议增加投入，完善适老化设施。",
        ["孙丽萍", "朱晓燕"],
        "reopened",
        "社会事务办公室",
        [],
        75,
        "C",
        [U],
    ),
    Item(
        "关于加快杨家坪村苗绣产业扶持的建议",
        "杨家坪苗绣专业合作社带动妇女就业六十余人，但缺少展销场所和品牌推广。建议给予场地和培训支持。",
        ["唐美玲", "杨再华"],
        "closed",
        "农业农村办公室",
        [],
        95,
        "A",
        [S, S],
    ),
    Item(
        "关于改善桃源村饮水安全的建议",
        "桃源村3、4组饮用水源为山塘水，旱季水量不足、水质不稳定。建议实施集中供水管网延伸工程。",
        ["冯德胜", "曹雪梅", "邓志勇"],
        "closed",
        "农业农村办公室",
        ["生态环境办公室"],
        110,
        "B",
        [S, B, S],
        is_hard=True,
    ),
    Item(
        "关于在龙潭村设立退役军人服务点的建议",
        "龙潭村及周边退役军人较多，办理优待证、就业创业咨询需往返镇区。建议在村便民服务中心设立服务点。",
        ["蔡文华"],
        "closed",
        "社会事务办公室",
        [],
        90,
        "D",
        [B],
    ),
    Item(
        "关于东风村文化广场安装路灯的建议",
        "东风村文化广场晚间群众跳广场舞、散步的较多，但没有照明设施。建议安装太阳能路灯十盏。",
        ["张桂兰", "王德福"],
        "closed",
        "东风村村民委员会",
        [],
        85,
        "A",
        [S, S],
    ),
    Item(
        "关于加强白马村农家乐消防安全检查的建议",
        "白马村农家乐已发展到二十余家，部分经营户消防器材配备不足。建议开展专项检查和消防培训。",
        ["曾丽华"],
        "consulted",
        "派出所",
        [],
        25,
        session="闭会期间",
    ),
]

BAISHUI = [
    ("关于修复白水乡中心水库灌溉渠的建议", "灌溉渠多处渗漏，影响下游农田灌溉。建议尽快修复。", "registered", ""),
    (
        "关于增加白水乡至县城客运班次的建议",
        "目前每日仅两班客车，群众出行不便。建议增加班次。",
        "assigned",
        "党政办公室",
    ),
]


def _at(day, hour=9, minute=30):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate(suggestion, *, submitted, assigned=None):
    """Put the submission and the assignment where they happened (the services stamp "now")."""
    Suggestion.objects.filter(pk=suggestion.pk).update(submitted_at=_at(submitted, 10, 15))
    events = CaseEvent.objects.filter(item_id=suggestion.pk, item_type__model="suggestion")
    events.filter(action="submit").update(at=_at(submitted, 10, 15))
    if assigned is not None:
        events.filter(action="assign").update(at=_at(assigned))
        CaseAssignment.objects.filter(item_id=suggestion.pk, item_type__model="suggestion", round=1).update(
            assigned_at=_at(assigned)
        )


class Seeder:
    def __init__(self, *, township, users, today):
        self.township, self.users, self.today = township, users, today
        self.clerk, self.chair = users["clerk"], users["chair"]
        self.unit_user = users.get("unit")
        self.deputy_user = users.get("deputy")
        self.term = Term.objects.filter(township=township).order_by("-number").first()
        self.deputies = {
            d.name: d for d in Deputy.objects.filter(term=self.term, status=DeputyStatus.ACTIVE).select_related("user")
        }
        self.units = {u.name: u for u in Unit.objects.filter(township=township, is_active=True)}

    def handler_for(self, unit):
        """The unit's own account answers when it has one (刘洋 of 自然资源所); else the office."""
        if self.unit_user is not None and self.unit_user.unit_id == unit.pk:
            return self.unit_user
        return self.clerk

    def rater_for(self, deputy):
        return deputy.user if deputy.user_id else self.clerk

    def create(self, item):
        signers = [self.deputies[name] for name in item.signers if name in self.deputies]
        if not signers:
            return None
        lead = signers[0]
        by = lead.user if lead.user_id else self.clerk
        suggestion = services.suggestion_submit(
            by=by,
            term=self.term,
            title=item.title,
            content=item.content,
            co_signers=signers[1:],
            is_hard=item.is_hard,
            session=item.session,
            lead=None if by == lead.user else lead,
        )
        start = self.today - timedelta(days=item.days_ago)
        if item.fate == "registered":
            _backdate(suggestion, submitted=self.today - timedelta(days=len(item.title) % 6 + 1))
            return suggestion
        unit = self.units[item.unit]
        services.suggestion_assign(
            suggestion=suggestion,
            lead_unit=unit,
            co_units=[self.units[n] for n in item.co_units],
            by=self.chair if item.days_ago % 2 else self.clerk,
            start=start,
            note="请认真研究办理，按期答复代表。",
        )
        _backdate(suggestion, submitted=start - timedelta(days=4), assigned=start)
        handler = self.handler_for(unit)
        for name in item.co_units:
            services.suggestion_co_input(
                suggestion=suggestion,
                by=self.clerk,
                unit=self.units[name],
                note=f"{name}意见：同意主办单位的办理思路，本单位将在职责范围内做好配合。",
            )
        if item.fate == "extended":
            services.suggestion_request_extension(
                suggestion=suggestion,
                by=self.clerk,
                extra=1,
                reason="需协调村集体资产处置程序，申请延长一个月。",
            )
            services.suggestion_decide_extension(suggestion=suggestion, by=self.chair, approve=True, note="同意。")
        if item.fate == "supervised":
            services.suggestion_supervise(
                suggestion=suggestion,
                by=self.chair,
                content="该建议已超过答复期限，请于十日内办理完毕并答复代表。",
                reply_by=self.today + timedelta(days=10),
            )
        if item.fate in ("assigned", "co_input", "extended", "supervised"):
            return suggestion
        self.consult(suggestion, unit, start, handler, signers)
        if item.fate == "consulted":
            return suggestion
        services.suggestion_reply(suggestion=suggestion, by=handler, category=item.category, content=self.answer(item))
        for deputy, satisfaction in zip(signers, item.ratings, strict=False):
            comment = "养老服务站的设备问题没有具体解决时间，请进一步落实。" if satisfaction == U else ""
            services.suggestion_rate(
                suggestion=suggestion,
                deputy=deputy,
                satisfaction=satisfaction,
                by=self.rater_for(deputy),
                comment=comment,
            )
        if item.fate == "reopened":
            self.consult(suggestion, unit, self.today, handler, signers, again=True)
        return suggestion

    def consult(self, suggestion, unit, start, handler, signers, again=False):
        held_on = min(self.today, start + timedelta(days=12))
        services.consultation_record(
            suggestion=suggestion,
            by=handler,
            held_on=held_on,
            method=ConsultationMethod.MEETING if again else ConsultationMethod.IN_PERSON,
            unit_people=f"{unit.name}负责人、经办人",
            deputies=signers,
            summary=(
                "再次听取代表意见，商定了设备采购时间表。"
                if again
                else "当面听取了代表的意见和具体要求，介绍了初步办理方案，代表表示认可。"
            ),
        )

    @staticmethod
    def answer(item):
        label = services.categories().get(item.category, "")
        matter = item.title.removeprefix("关于").removesuffix("的建议")
        return f"经研究，{matter}一事{label}。具体情况已与代表当面沟通。"

    def run(self, items):
        return [s for s in (self.create(item) for item in items) if s is not None]


def seed(*, township, users, today, stdout):
    """Create the suggestions of `township` (青山镇 and 白水乡; others get none)."""
    if township.code not in ("qingshan", "baishui"):
        return
    if Suggestion.objects.filter(township=township).exists():
        stdout.write(f"{township}：已有代表建议，未新建。")
        return
    seeder = Seeder(township=township, users=users, today=today)
    if seeder.term is None or not seeder.deputies:
        return
    if township.code == "qingshan":
        created = seeder.run(QINGSHAN)
    else:
        names = list(seeder.deputies)[:2]
        items = [Item(t, c, names, fate, unit, days_ago=15) for t, c, fate, unit in BAISHUI]
        created = seeder.run(items)
    stdout.write(f"{township}：新建代表建议 {len(created)} 件。")
