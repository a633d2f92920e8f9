# ruff: noqa: E501  (the demo table: Chinese sentences, one petition per entry)
"""Demo petitions, run by `seed_demo` for each township (registered in plugins).

青山镇: about thirty petitions received over the last months, from every channel, in every
state the registration services and the handling engine reach: waiting for acceptance (one
of them past its acceptance days), accepted, not accepted, found outside the remit (its objection
clock running), transferred out, assigned (one supervised, one extended, one overdue), replied,
rated 不满意 and under 复查 the petitioner asked for online, closed; two repeat
petitions (same phone / same ID number and subject); a group visit; a deputy's forwarding; a
reception visit turned into a petition; and one online petition with a fixed query code,
already replied, so that the public page can be tried (the code is printed). 白水乡 gets five.

Idempotent: a township that has petitions already is left alone.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseAssignment, CaseEvent, CaseRating, CaseReply, CaseSupervision, Deadline, Unit
from congress_office.personal_numbers import id_check_char
from congress_office.services.cases import (
    case_approve_extension,
    case_assign,
    case_rate,
    case_request_extension,
    case_supervise,
)

from .choices import Category, Channel
from .models import Petition, Subject
from .services.handling import petition_reply, petition_request_review
from .services.intake import petition_intake
from .services.registration import (
    petition_accept,
    petition_decline,
    petition_mark_outside_remit,
    petition_transfer_out,
)

DEMO_QUERY_CODE = "QSDEMAXF26"
DEMO_QUERY_PHONE = "13900002026"
L, V, P, W, F, D = Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.ONLINE, Channel.FAX, Channel.DEPUTY
SUG, ACC, APP = Category.SUGGESTION, Category.ACCUSATION, Category.APPEAL


def demo_id(first17):
    return first17 + id_check_char(first17)


@dataclass
class Spec:
    days_ago: int
    channel: str
    category: str
    subject: str
    title: str
    name: str
    address: str
    request: str
    facts: str
    reasons: str = ""
    phone: str = ""
    id_number: str = ""
    fate: str = "registered"  # accepted, not_accepted, outside_remit, transferred, assigned, supervised,
    #                            extended, replied, closed, basically, review (不满意, then 复查 asked online)
    unit: str = ""
    co_units: tuple = ()
    organisation: str = ""
    extra: dict = field(default_factory=dict)


REPEAT_PHONE = "13900001111"
REPEAT_ID = demo_id("36042419680512003")

QINGSHAN = [
    Spec(
        2,
        L,
        APP,
        "其他",
        "县城小区物业公司乱收停车费",
        "周建华",
        "示范县城关镇锦绣花园小区",
        "请求查处物业公司违规收取停车费",
        "本人住示范县城关镇锦绣花园小区，物业公司今年起对业主车位每月加收停车管理费200元。",
        phone="13900000124",
        fate="outside_remit",
        extra={"reason": "所反映小区位于县城城关镇，物业服务收费监管属县住房和城乡建设局、县市场监督管理局职权。"},
    ),
    Spec(
        3,
        L,
        APP,
        "土地征收",
        "东风村7组征地青苗补偿标准过低",
        "刘春生",
        "青山镇东风村7组",
        "请求按新标准补发青苗补偿费",
        "2026年10月村道拓宽征用承包地1.2亩，青苗补偿按每亩800元计算。",
        "县里2025年公布的标准为每亩1500元。",
        phone="13900000101",
        id_number=demo_id("36042419710308101"),
    ),
    Spec(
        6,
        P,
        APP,
        "劳资纠纷",
        "青山建材厂拖欠三个月工资",
        "黄小军",
        "青山镇河口社区4组",
        "请求督促企业支付拖欠工资",
        "本人在青山建材厂做搬运工，8月至10月工资共1.2万元未发。",
        phone="13900000102",
        extra={"oral_record": "来电人称：厂里说年底一起结，但已经拖了三个月，家里孩子上学等着用钱。"},
    ),
    Spec(
        12,
        V,
        APP,
        "拆迁补偿",
        "镇区老街改造房屋拆迁安置面积争议",
        "周德贵",
        "青山镇青山社区老街",
        "请求按原面积安置并补足过渡费",
        "老街改造涉及28户，安置面积按证载面积计算，未计入历史形成的附属用房。",
        "附属用房已使用三十余年，属于家庭实际居住面积。",
        phone="13900000103",
        extra={
            "is_group": True,
            "headcount": 15,
            "representatives": ["周德贵", "王桂芝", "陈有才"],
            "oral_record": "15 名住户集体来访，推选 3 名代表反映安置面积问题，情绪平稳。",
        },
    ),
    Spec(
        20,
        L,
        SUG,
        "村务",
        "石桥村村务公开栏长期未更新",
        "匿名村民",
        "青山镇石桥村",
        "请求按时公开村级财务",
        "石桥村村务公开栏自今年3月以来未更新财务收支。",
        "村务公开是村民的知情权。",
        organisation="",
        phone="13900000104",
    ),
    Spec(
        9,
        W,
        APP,
        "环境污染",
        "河口社区夜间施工噪声扰民",
        "吴晓燕",
        "青山镇河口社区6号楼",
        "请求限制夜间施工时间",
        "社区东侧工地连续两周夜间11点后仍在浇筑混凝土。",
        "影响居民休息，违反噪声管理规定。",
        phone="13900000105",
        fate="accepted",
    ),
    Spec(
        14,
        F,
        APP,
        "社会保障",
        "高龄老人津贴停发",
        "陈桂英",
        "青山镇东风村2组",
        "请求恢复发放高龄津贴",
        "本人母亲今年92岁，9月起高龄津贴未到账。",
        "符合高龄津贴发放条件。",
        phone="13900000106",
        fate="accepted",
    ),
    Spec(
        25,
        L,
        APP,
        "涉法涉诉",
        "土地承包纠纷判决执行问题",
        "赵永福",
        "青山镇石桥村5组",
        "请求人大监督法院执行判决",
        "与邻居的承包地纠纷已于2025年判决，对方至今未履行。",
        "判决已生效。",
        phone="13900000107",
        fate="not_accepted",
        extra={
            "reason": "该事项已经人民法院判决，属于诉讼程序内的执行问题，依照规定不属于信访受理范围，请向人民法院申请强制执行。"
        },
    ),
    Spec(
        30,
        V,
        ACC,
        "其他",
        "集贸市场商户缺斤短两",
        "孙美兰",
        "青山镇河口社区",
        "请求查处市场计量作弊行为",
        "镇集贸市场部分摊位电子秤被改装，多次缺斤短两。",
        "侵害消费者权益。",
        phone="13900000108",
        fate="transferred",
        extra={"to": "示范县市场监督管理局", "reason": "计量监督属于市场监管部门职权。"},
    ),
    Spec(
        40,
        D,
        SUG,
        "交通运输",
        "石桥村至镇区道路坑洼需修缮",
        "石桥村村民",
        "青山镇石桥村",
        "请求修缮村道",
        "石桥村至镇区3公里村道多处坑洼，雨天积水，学生上学不便。",
        "涉及300余户出行安全。",
        fate="assigned",
        unit="农业农村办公室",
        organisation="石桥村村民小组",
    ),
    Spec(
        35,
        L,
        ACC,
        "环境污染",
        "养殖场污水直排河道",
        "钱建华",
        "青山镇东风村9组",
        "请求查处养殖场污水直排",
        "东风村9组一生猪养殖场将污水直接排入村前小河，河水发黑发臭。",
        "污染水源，影响村民生活。",
        phone="13900000109",
        fate="supervised",
        unit="生态环境办公室",
    ),
    Spec(
        50,
        L,
        APP,
        "劳资纠纷",
        "工地工伤赔偿未落实",
        "郑国强",
        "青山镇青山社区",
        "请求落实工伤赔偿",
        "本人在镇区某工地摔伤，治疗费用4万余元，施工方拒绝赔偿。",
        "已有医院诊断和工友证明。",
        phone="13900000110",
        fate="extended",
        unit="司法所",
    ),
    Spec(
        80,
        V,
        APP,
        "土地征收",
        "东风村林地被占用未签协议",
        "冯长林",
        "青山镇东风村3组",
        "请求补签协议并补偿",
        "2026年6月东风村3组林地被光伏项目占用，未与本人签订任何协议。",
        "林地承包经营权证在本人名下。",
        phone="13900000111",
        fate="extension_requested",
        unit="自然资源所",
    ),
    Spec(
        45,
        P,
        SUG,
        "教育",
        "中心小学放学时段校门口交通拥堵",
        "许丽",
        "青山镇青山社区",
        "请求设置护学岗",
        "放学时段校门口车辆乱停，学生穿行危险。",
        phone="13900000112",
        fate="replied",
        unit="中心小学",
        extra={
            "oral_record": "来电人为学生家长，建议放学时段安排交警或志愿者维持秩序。",
            "reply": "学校已联合派出所设置护学岗，每日放学时段安排两名民警和四名志愿者值守。",
        },
    ),
    Spec(
        60,
        L,
        APP,
        "医疗卫生",
        "村卫生室长期无医生坐诊",
        "何秀珍",
        "青山镇石桥村",
        "请求配备村医",
        "石桥村卫生室自今年5月起无医生坐诊，老人看病需到镇卫生院。",
        "农村基本医疗服务需要保障。",
        phone="13900000113",
        fate="replied",
        unit="社会事务办公室",
        extra={"reply": "镇卫生院已安排两名医生每周二、周五到石桥村卫生室坐诊，明年将招聘一名常驻村医。"},
    ),
    Spec(
        20,
        W,
        APP,
        "土地征收",
        "东风村5组土地流转租金未兑现",
        "王建军",
        "青山镇东风村5组",
        "请求兑现土地流转租金",
        "本人4亩承包地2025年流转给种植合作社，约定每年租金2400元，2026年至今未支付。",
        "有流转合同。",
        phone=DEMO_QUERY_PHONE,
        fate="replied",
        unit="自然资源所",
        extra={
            "query_code": DEMO_QUERY_CODE,
            "reply": "经核实，合作社因资金周转困难延迟支付。经镇自然资源所协调，合作社已承诺于12月10日前一次性支付全部租金。",
        },
    ),
    Spec(
        90,
        L,
        SUG,
        "村务",
        "东风村集体资产出租未公开招标",
        "李春华",
        "青山镇东风村1组",
        "请求公开集体资产出租情况",
        "东风村原小学校舍出租给个人经营，未经村民代表会议和公开招标。",
        "集体资产处置应当民主决策。",
        phone="13900000114",
        fate="closed",
        unit="东风村村民委员会",
        extra={"reply": "村委会已召开村民代表会议，决定收回校舍重新公开招租，出租情况在村务公开栏公示。"},
    ),
    Spec(
        100,
        V,
        APP,
        "社会保障",
        "低保资格被取消",
        "胡玉兰",
        "青山镇河口社区2组",
        "请求重新核定低保资格",
        "本人丈夫去世后独自抚养孙子，2026年低保复核时被取消。",
        "家庭收入低于低保标准。",
        phone="13900000115",
        fate="basically",
        unit="社会事务办公室",
        extra={"reply": "经入户核查，申请人家庭符合低保条件，已恢复低保待遇并补发停发期间的低保金。"},
    ),
    Spec(
        120,
        L,
        SUG,
        "城乡建设",
        "镇区路灯损坏未修",
        "郭志明",
        "青山镇青山社区",
        "请求修复路灯",
        "青山大道东段12盏路灯损坏两个月未修。",
        "影响夜间出行安全。",
        phone="13900000116",
        fate="closed",
        unit="党政办公室",
        extra={"reply": "已完成12盏路灯的维修，并建立路灯巡查制度。"},
    ),
    Spec(
        40,
        P,
        ACC,
        "环境污染",
        "砖厂粉尘污染",
        "马红英",
        "青山镇石桥村8组",
        "请求整治砖厂粉尘",
        "石桥村8组砖厂生产时粉尘大，周边农田作物叶面覆盖灰尘。",
        phone="13900000117",
        fate="review",
        unit="生态环境办公室",
        extra={"reply": "已责令砖厂安装喷淋降尘设施。", "comment": "喷淋设施只装了一半，粉尘依旧，希望再去现场看看。"},
    ),
    Spec(
        130,
        L,
        APP,
        "土地征收",
        "东风村征地补偿款分配不公",
        "邓大海",
        "青山镇东风村6组",
        "请求公开补偿款分配方案",
        "东风村6组征地补偿款分配未经小组会议讨论。",
        "补偿款分配应当民主决定。",
        phone=REPEAT_PHONE,
        fate="closed",
        unit="自然资源所",
        extra={"reply": "已指导村民小组召开会议重新讨论分配方案，并张榜公示。"},
    ),
    Spec(
        8,
        V,
        APP,
        "土地征收",
        "征地补偿款分配方案仍未公示",
        "邓大海",
        "青山镇东风村6组",
        "请求督促公示分配方案",
        "上次反映后开过一次会，但分配方案至今没有张榜公示。",
        "与上次反映的是同一件事。",
        phone=REPEAT_PHONE,
        extra={"oral_record": "来访人称：上次答复说张榜公示，但至今未见公示，要求镇人大督促。"},
    ),
    Spec(
        140,
        L,
        APP,
        "劳资纠纷",
        "砂石场拖欠运输费",
        "彭建国",
        "青山镇河口社区7组",
        "请求支付运输费",
        "为镇砂石场运输砂石半年，运费3.6万元未结清。",
        "有运输记录和对账单。",
        id_number=REPEAT_ID,
        phone="13900000118",
        fate="closed",
        unit="司法所",
        extra={"reply": "经司法所调解，双方达成分期支付协议，首期款已支付。"},
    ),
    Spec(
        15,
        L,
        APP,
        "劳资纠纷",
        "砂石场分期付款协议未履行",
        "彭建国",
        "青山镇河口社区7组",
        "请求督促履行调解协议",
        "调解协议约定10月底前支付第二期1.2万元，对方至今未付。",
        "有调解协议书。",
        id_number=REPEAT_ID,
        fate="accepted",
    ),
    Spec(
        65,
        L,
        SUG,
        "交通运输",
        "建议增开镇区至县城班车",
        "",
        "青山镇石桥村",
        "请求增开班车",
        "目前镇区至县城每天仅4班车，合作社社员外出销售农产品不便。",
        "群众出行需求大。",
        organisation="石桥村果蔬种植合作社",
        phone="13900000119",
        fate="closed",
        unit="党政办公室",
        extra={"reply": "已与县交通运输局协调，自12月起每天增开2班。"},
    ),
    Spec(
        28,
        L,
        SUG,
        "城乡建设",
        "建议在河口社区建设农贸市场",
        "蒋文华",
        "青山镇河口社区",
        "请求规划建设农贸市场",
        "河口社区居民3000余人，附近没有农贸市场，占道经营严重。",
        "便民利民。",
        phone="13900000120",
        fate="assigned",
        unit="党政办公室",
        co_units=("财政所",),
    ),
    Spec(
        18,
        D,
        APP,
        "教育",
        "留守儿童课后无人看护",
        "东风村家长",
        "青山镇东风村",
        "请求开设课后托管",
        "东风村留守儿童40余名，放学后无人看护。",
        "关系儿童安全。",
        organisation="东风村家长代表",
        fate="accepted",
    ),
    Spec(
        5,
        W,
        SUG,
        "其他",
        "建议镇政府网站公开办事指南",
        "林小雨",
        "青山镇青山社区",
        "请求公开办事指南",
        "镇政府网站上找不到常见事项的办事指南。",
        "方便群众办事。",
        phone="13900000121",
        extra={"files": [("办事指南建议.txt", "建议公开户籍、社保、宅基地等常办事项的材料清单和办理时限。".encode())]},
    ),
    Spec(
        55,
        F,
        ACC,
        "村务",
        "石桥村干部优亲厚友评定低保",
        "唐建民",
        "青山镇石桥村3组",
        "请求核查低保评定",
        "石桥村2026年新增低保户中有村干部亲属，家庭条件较好。",
        "低保评定应当公平公正。",
        phone="13900000122",
        fate="replied",
        unit="石桥村村民委员会",
        extra={"reply": "经镇民政部门入户核查，1户不符合条件已取消，其余符合条件，评定结果重新公示。"},
    ),
    Spec(
        33,
        V,
        APP,
        "医疗卫生",
        "要求医院赔偿医疗事故损失",
        "韩立新",
        "青山镇河口社区",
        "请求医院赔偿",
        "本人在县医院手术后出现并发症，要求赔偿。",
        "认为手术存在过错。",
        phone="13900000123",
        fate="not_accepted",
        extra={
            "reason": "医疗损害赔偿争议可通过医疗纠纷人民调解委员会调解或向人民法院提起诉讼解决，不属于本机关信访受理范围。"
        },
    ),
]

BAISHUI = [
    Spec(
        4,
        L,
        APP,
        "村务",
        "白水村道路硬化工程质量差",
        "罗长青",
        "白水乡白水村",
        "请求返工修复",
        "今年硬化的村道已出现多处裂缝。",
        "工程质量不达标。",
        phone="13900000201",
    ),
    Spec(
        16,
        P,
        APP,
        "社会保障",
        "养老保险缴费年限认定",
        "谢桂花",
        "白水乡中岭村",
        "请求核实缴费年限",
        "本人缴费年限少算两年。",
        "有缴费凭证。",
        phone="13900000202",
        fate="accepted",
    ),
    Spec(
        40,
        L,
        SUG,
        "交通运输",
        "建议在乡中学门口设置减速带",
        "梁志刚",
        "白水乡集镇",
        "请求设置减速带",
        "乡中学门口车速过快。",
        "保障学生安全。",
        phone="13900000203",
        fate="assigned",
        unit="党政办公室",
    ),
    Spec(
        95,
        V,
        APP,
        "土地征收",
        "水库移民后扶资金发放",
        "宋德明",
        "白水乡库区村",
        "请求按时发放后扶资金",
        "2026年上半年后扶资金未发放。",
        "属于政策性补助。",
        phone="13900000204",
        fate="closed",
        unit="财政所",
        extra={"reply": "后扶资金已于本月足额发放到户。"},
    ),
    Spec(
        22,
        L,
        APP,
        "涉法涉诉",
        "对法院民事判决不服",
        "唐国华",
        "白水乡中岭村",
        "请求人大改判",
        "对邻里纠纷民事判决不服。",
        "认为判决不公。",
        phone="13900000205",
        fate="not_accepted",
        extra={"reason": "对人民法院生效判决不服的，应依法申请再审，不属于信访受理范围。"},
    ),
]


class _Seeder:
    def __init__(self, *, township, users, today):
        self.township, self.today = township, today
        self.clerk, self.chair, self.handler = users["clerk"], users.get("chair"), users.get("unit")
        self.units = {u.name: u for u in Unit.objects.filter(township=township)}
        self.subjects = {s.name: s for s in Subject.objects.filter(township__isnull=True)}
        from deputies.models import Deputy

        self.deputy = Deputy.objects.filter(township=township).serving().order_by("pk").first()

    def register(self, spec):
        extra = dict(spec.extra)
        files = [ContentFile(data, name=name) for name, data in extra.pop("files", [])]
        channel = spec.channel
        if channel == D and self.deputy is None:
            channel = L
        query_code = extra.pop("query_code", None)
        petition, _code = petition_intake(
            township=self.township,
            by=None if channel == W else self.clerk,
            channel=channel,
            category=spec.category,
            subject=self.subjects[spec.subject],
            title=spec.title,
            petitioner_name=spec.name,
            organisation=spec.organisation,
            address=spec.address,
            request=spec.request,
            facts=spec.facts,
            reasons=spec.reasons,
            phone=spec.phone,
            id_number=spec.id_number,
            received_on=self.today - timedelta(days=spec.days_ago),
            oral_record=extra.pop("oral_record", ""),
            is_group=extra.pop("is_group", False),
            headcount=extra.pop("headcount", 1),
            representatives=extra.pop("representatives", ()),
            source_deputy=self.deputy if channel == D else None,
            with_query_code=channel == W,
            query_code=query_code,
            files=files,
        )
        return petition, extra

    def replier(self, petition):
        if self.handler is not None and self.handler.unit_id == petition.lead_unit_id:
            return self.handler
        return self.clerk

    def advance(self, petition, spec, extra):
        fate = spec.fate
        if fate == "registered":
            return
        received = petition.received_on
        decided = min(received + timedelta(days=3), self.today)
        if fate == "not_accepted":
            petition_decline(petition=petition, by=self.clerk, reason=extra["reason"], on=decided)
            return
        if fate == "outside_remit":
            petition_mark_outside_remit(petition=petition, by=self.clerk, reason=extra["reason"], on=decided)
            return
        if fate == "transferred":
            petition_transfer_out(
                petition=petition, by=self.clerk, to=extra["to"], reason=extra.get("reason", ""), on=decided
            )
            return
        petition_accept(petition=petition, by=self.clerk, on=decided)
        if fate == "accepted":
            return
        lead = self.units[spec.unit]
        case_assign(
            item=petition,
            lead_unit=lead,
            by=self.clerk,
            start=decided,
            co_units=[self.units[n] for n in spec.co_units],
            note="请依法依规办理，按期答复。",
        )
        if fate == "supervised":
            case_supervise(
                item=petition,
                by=self.chair or self.clerk,
                content="群众反映强烈，请于一周内反馈现场核查情况。",
                reply_by=self.today + timedelta(days=7),
            )
        elif fate == "extended" and self.chair is not None:
            case_request_extension(
                item=petition, reason="需委托第三方进行伤残鉴定，鉴定周期较长。", by=self.clerk, extra=30
            )
            case_approve_extension(item=petition, by=self.chair, note="同意延期，请告知信访人。")
        elif fate == "extension_requested":  # waits in the chairs' queue
            case_request_extension(
                item=petition, reason="林地权属需县林业局核实，预计需延长20日。", by=self.replier(petition), extra=20
            )
        if fate in ("assigned", "supervised", "extended", "extension_requested"):
            return
        petition_reply(
            petition=petition,
            by=self.replier(petition),
            outcome="support",
            content=extra.get("reply", "已办理，详见答复。"),
        )
        if fate == "replied":
            return
        satisfaction = {
            "closed": Satisfaction.SATISFIED,
            "basically": Satisfaction.BASICALLY,
            "review": Satisfaction.UNSATISFIED,
        }[fate]
        case_rate(
            item=petition,
            satisfaction=satisfaction,
            rater_key="citizen",
            rater_label=petition.petitioner,
            comment=extra.get("comment", ""),
        )
        if fate == "review":  # 不满意 closes it; the petitioner asks for 复查 online
            petition.refresh_from_db()
            petition_request_review(
                petition=petition,
                kind="review",
                requested_on=self.today,
                request=extra.get("comment", "对处理意见不服，请求复查。"),
                by=None,
            )

    def backdate(self, petition):
        """The services stamp every step "now"; demo petitions received weeks ago get a
        plausible history instead: registered on the day of receipt, decided three days later,
        the later steps spread between the decision and today. Demo data only."""
        zone = timezone.get_current_timezone()
        now = timezone.now() - timedelta(hours=1)
        start = min(datetime.combine(petition.received_on, time(9, 30), zone), now)
        decided = min(
            datetime.combine(min(petition.received_on + timedelta(days=3), self.today), time(10, 0), zone), now
        )
        events = list(
            CaseEvent.objects.filter(
                item_type=ContentType.objects.get_for_model(Petition), item_id=petition.pk
            ).order_by("at", "pk")
        )
        later = events[2:]
        stamps = {}
        for index, event in enumerate(events):
            if index == 0:
                at = start
            elif index == 1:
                at = decided
            else:  # office hours of a day between the decision and today
                moment = decided + (now - decided) * (index - 1) / max(len(later), 1)
                at = min(
                    datetime.combine(timezone.localtime(moment).date(), time(9 + index % 8, 15 * (index % 4)), zone),
                    now,
                )
            stamps[event.action] = at
            CaseEvent.objects.filter(pk=event.pk).update(at=at)
        Petition.objects.filter(pk=petition.pk).update(registered_at=start)
        rows = {"item_type": ContentType.objects.get_for_model(Petition), "item_id": petition.pk}
        if "reply" in stamps:
            CaseReply.objects.filter(**rows).update(replied_at=stamps["reply"])
            Petition.objects.filter(pk=petition.pk, replied_on__isnull=False).update(
                replied_on=timezone.localtime(stamps["reply"]).date()
            )
        if "rate" in stamps:
            CaseRating.objects.filter(**rows).update(rated_at=stamps["rate"])
        if "assign" in stamps:
            CaseAssignment.objects.filter(**rows, round=1).update(assigned_at=stamps["assign"])
        if "supervise" in stamps:
            CaseSupervision.objects.filter(**rows).update(issued_at=stamps["supervise"])
        for deadline in Deadline.objects.filter(subject_type=rows["item_type"], subject_id=petition.pk):
            fields = {"created_at": start if deadline.kind.endswith(".acceptance") else decided}
            if deadline.met_at and deadline.kind.endswith(".acceptance"):
                fields["met_at"] = decided
                fields["met_on"] = timezone.localtime(decided).date()
            elif deadline.met_at and "reply" in stamps:
                fields["met_at"] = stamps["reply"]
                fields["met_on"] = timezone.localtime(stamps["reply"]).date()
            Deadline.objects.filter(pk=deadline.pk).update(**fields)

    def visit_to_petition(self):
        """A reception visit of the deputies' demo turned into a petition (channel 来访)."""
        from deputies.models import ReceptionVisit

        visit = (
            ReceptionVisit.objects.filter(
                reception_day__township=self.township, follow_up_kind="", reception_day__date__lte=self.today
            )
            .select_related("reception_day__district")
            .order_by("-reception_day__date", "pk")
            .first()
        )
        if visit is None:
            return None
        petition, _code = petition_intake(
            township=self.township,
            by=self.clerk,
            visit=visit,
            channel=V,
            category=APP,
            subject=self.subjects["其他"],
            title=visit.matter.splitlines()[0][:60],
            petitioner_name=visit.visitor,
            address=f"{self.township.name}{visit.reception_day.district.name}",
            request=visit.matter,
            facts=visit.matter,
            oral_record=visit.matter,
            received_on=visit.reception_day.date,
        )
        return petition


def seed(*, township, users, today, stdout):
    if Petition.objects.filter(township=township).exists():
        return
    seeder = _Seeder(township=township, users=users, today=today)
    specs = QINGSHAN if township.code == "qingshan" else BAISHUI
    # oldest first, so that a repeat finds its earlier case
    for spec in sorted(specs, key=lambda s: -s.days_ago):
        petition, extra = seeder.register(spec)
        seeder.advance(petition, spec, extra)
        seeder.backdate(petition)
    from_visit = seeder.visit_to_petition()
    if from_visit is not None:
        seeder.backdate(from_visit)
    count = Petition.objects.filter(township=township).count()
    repeats = Petition.objects.filter(township=township, repeat_of__isnull=False).count()
    stdout.write(
        f"信访演示数据：{township.name} {count} 件（重复信访 {repeats} 件"
        + ("，含 1 件由代表接待日来访转入" if from_visit else "")
        + "）。"
    )
    if specs is QINGSHAN:
        stdout.write(
            f"网上信访查询演示：/petitions/public/query/ 查询码 {DEMO_QUERY_CODE}，手机号 {DEMO_QUERY_PHONE}"
            "（已答复，可评价）。"
        )
