"""Demo data of the deputies app, run by `seed_demo` for each township (registered in plugins).

青山镇: the 19th term (elected January 2026), 45 deputies in 16 electoral districts and 8
groups, a presidium of five, the year's liaison plan (one member deliberately outside the
bands, so the warning shows), a year of duty activities of every type, two trainings with
partial attendance, monthly reception days in four districts, and the assessment's scoring
table. 白水乡 gets a smaller set (10 deputies, 3 groups) to show township isolation.

Idempotent: every part is looked up before it is created, and the generated year (activities,
trainings, reception days) is created only if the township has none yet, so running seed_demo
again, even on another day, duplicates nothing. The year is generated from a fixed seed.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from congress_office.personal_numbers import ID_CHECK_CHARS, ID_WEIGHTS

from .choices import ActivityStatus, ActivityType, Affiliation, Gender, Position
from .models import (
    Activity,
    Deputy,
    DeputyGroup,
    District,
    GroupScoring,
    LiaisonPlan,
    ReceptionDay,
    ReceptionVisit,
    Term,
    Training,
)
from .selectors import DEFAULT_ACTIVITY_POINTS
from .services.liaison import liaison_assign, liaison_plan_get_or_create
from .services.register import deputy_save, district_save, group_save, term_create

M, F = Gender.MALE, Gender.FEMALE
CPC, NONE, DEM = Affiliation.CPC, Affiliation.NONE, Affiliation.DEMOCRATIC_PARTY


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    born: int
    affiliation: str
    occupation: str
    work_unit: str
    ethnicity: str = "汉族"
    position: str = ""  # Position.CHAIR / VICE_CHAIR
    presidium: bool = False


def p(name, gender, born, affiliation, occupation, work_unit, **extra):
    return Person(name, gender, born, affiliation, occupation, work_unit, **extra)


# district name, seats, area, group, deputies
QINGSHAN = {
    "term": (19, date(2026, 1, 8)),
    "first_session": date(2026, 1, 15),
    "districts": [
        (
            "东风村选区",
            3,
            "东风村1—8组",
            "东风片代表小组",
            [
                p("张桂兰", F, 1972, CPC, "种植大户", "东风村妇联主席、蔬菜种植专业合作社理事长"),
                p("王德福", M, 1968, CPC, "村党支部书记", "东风村党支部书记", presidium=True),
                p("刘明华", M, 1979, NONE, "种植大户", "东风村村民、水稻种植大户"),
            ],
        ),
        (
            "石桥村选区",
            3,
            "石桥村1—7组",
            "东风片代表小组",
            [
                p("陈永强", M, 1970, CPC, "村党支部书记", "石桥村党支部书记"),
                p("赵春梅", F, 1983, NONE, "个体工商户", "石桥村便民超市经营者"),
                p("黄志刚", M, 1976, NONE, "养殖大户", "石桥村生猪养殖场负责人"),
            ],
        ),
        (
            "河口社区选区",
            3,
            "河口社区1—5居民小组",
            "河口片代表小组",
            [
                p("周建平", M, 1969, CPC, "社区党委书记", "河口社区党委书记"),
                p("吴秀珍", F, 1981, NONE, "个体工商户", "河口农贸市场个体工商户"),
                p("徐海涛", M, 1975, DEM, "企业负责人", "青山建材有限公司总经理"),
            ],
        ),
        (
            "青山社区选区",
            3,
            "青山社区1—6居民小组",
            "河口片代表小组",
            [
                p("孙丽萍", F, 1978, CPC, "社区居委会主任", "青山社区居委会主任"),
                p("马俊杰", M, 1985, NONE, "个体工商户", "青山社区清真餐馆经营者", ethnicity="回族"),
                p("朱晓燕", F, 1987, CPC, "医生", "青山镇卫生院全科医生"),
            ],
        ),
        (
            "柳塘村选区",
            3,
            "柳塘村1—9组",
            "柳塘片代表小组",
            [
                p("胡国庆", M, 1966, CPC, "村党支部书记", "柳塘村党支部书记", presidium=True),
                p("郭玉兰", F, 1974, NONE, "种植大户", "柳塘村油菜种植大户"),
                p("何建军", M, 1977, CPC, "农民专业合作社负责人", "柳塘农机专业合作社理事长"),
            ],
        ),
        (
            "枫林村选区",
            3,
            "枫林村1—6组",
            "柳塘片代表小组",
            [
                p("高云飞", M, 1973, CPC, "村委会主任", "枫林村村民委员会主任"),
                p("林小红", F, 1986, CPC, "教师", "枫林村小学教师"),
                p("罗成", M, 1980, NONE, "种植大户", "枫林村茶叶种植大户"),
            ],
        ),
        (
            "双河村选区",
            3,
            "双河村1—8组",
            "双河片代表小组",
            [
                p("郑光明", M, 1967, CPC, "村党支部书记", "双河村党支部书记"),
                p("梁淑芬", F, 1979, NONE, "乡村医生", "双河村卫生室乡村医生"),
                p("宋文斌", M, 1984, NONE, "个体工商户", "双河村农资店经营者"),
            ],
        ),
        (
            "杨家坪村选区",
            3,
            "杨家坪村1—7组",
            "双河片代表小组",
            [
                p("杨再华", M, 1971, CPC, "村党支部书记", "杨家坪村党支部书记", ethnicity="苗族"),
                p("唐美玲", F, 1982, NONE, "农民专业合作社负责人", "杨家坪苗绣专业合作社负责人", ethnicity="苗族"),
                p("韩立新", M, 1975, NONE, "种植大户", "杨家坪村中药材种植大户"),
            ],
        ),
        (
            "桃源村选区",
            3,
            "桃源村1—8组",
            "桃源片代表小组",
            [
                p("冯德胜", M, 1969, CPC, "村委会主任", "桃源村村民委员会主任"),
                p("曹雪梅", F, 1985, CPC, "教师", "桃源村幼儿园园长"),
                p("邓志勇", M, 1978, NONE, "种植大户", "桃源村果园种植大户"),
            ],
        ),
        (
            "白马村选区",
            3,
            "白马村1—6组",
            "桃源片代表小组",
            [
                p("彭光辉", M, 1974, NONE, "养殖大户", "白马村肉牛养殖场负责人", ethnicity="土家族"),
                p("曾丽华", F, 1983, NONE, "个体工商户", "白马村农家乐经营者"),
                p("萧振东", M, 1968, CPC, "村党支部书记", "白马村党支部书记"),
            ],
        ),
        (
            "新华村选区",
            3,
            "新华村1—9组",
            "新华片代表小组",
            [
                p("田玉春", M, 1970, CPC, "村党支部书记", "新华村党支部书记", ethnicity="土家族"),
                p("董红霞", F, 1981, NONE, "家庭农场主", "新华村红霞家庭农场负责人"),
                p("袁宏伟", M, 1976, DEM, "企业负责人", "宏伟建筑工程有限公司总经理"),
            ],
        ),
        (
            "龙潭村选区",
            3,
            "龙潭村1—7组",
            "新华片代表小组",
            [
                p("潘世荣", M, 1972, CPC, "村委会主任", "龙潭村村民委员会主任"),
                p("蒋秀兰", F, 1977, NONE, "种植大户", "龙潭村烤烟种植大户"),
                p("蔡文华", M, 1980, CPC, "个体工商户", "龙潭村汽修店经营者（退役军人）"),
            ],
        ),
        (
            "竹园村选区",
            3,
            "竹园村1—8组",
            "竹园片代表小组",
            [
                p("余长青", M, 1969, CPC, "村党支部书记", "竹园村党支部书记"),
                p("杜春燕", F, 1988, CPC, "教师", "竹园村小学教师"),
                p("叶建国", M, 1973, NONE, "企业负责人", "竹园竹制品加工厂厂长"),
            ],
        ),
        (
            "金山村选区",
            3,
            "金山村1—6组",
            "竹园片代表小组",
            [
                p("程光荣", M, 1971, CPC, "村党支部书记", "金山村党支部书记"),
                p("魏小芳", F, 1990, NONE, "电商创业者", "金山村农产品电商服务站负责人"),
                p("苏永福", M, 1976, NONE, "养殖大户", "金山村水产养殖大户"),
            ],
        ),
        (
            "镇直机关选区",
            2,
            "镇党政机关及站所",
            "镇直代表小组",
            [
                p("李建国", M, 1970, CPC, "公务员", "青山镇人大主席", presidium=True, position=Position.CHAIR),
                p("周海燕", F, 1979, CPC, "公务员", "青山镇人大副主席", presidium=True, position=Position.VICE_CHAIR),
            ],
        ),
        (
            "中心学校选区",
            1,
            "青山镇中心学校",
            "镇直代表小组",
            [
                p("吕文静", F, 1975, DEM, "教师", "青山镇中心学校校长", presidium=True),
            ],
        ),
    ],
    # group → leader
    "leaders": {
        "东风片代表小组": "陈永强",
        "河口片代表小组": "周建平",
        "柳塘片代表小组": "胡国庆",
        "双河片代表小组": "郑光明",
        "桃源片代表小组": "萧振东",
        "新华片代表小组": "田玉春",
        "竹园片代表小组": "余长青",
        "镇直代表小组": "吕文静",
    },
    # presidium member → groups liaised (吕文静 deliberately outside the 2–3 / 9–11 bands)
    "liaison": {
        "李建国": ["东风片代表小组", "河口片代表小组"],
        "周海燕": ["柳塘片代表小组", "双河片代表小组"],
        "王德福": ["桃源片代表小组", "新华片代表小组"],
        "胡国庆": ["竹园片代表小组", "镇直代表小组"],
        "吕文静": ["镇直代表小组"],
    },
    "reception_districts": ["东风村选区", "河口社区选区", "柳塘村选区", "新华村选区"],
    # deputies with nothing in the last quarter, and those who miss both trainings
    "quiet": ["黄志刚", "罗成", "宋文斌", "彭光辉", "苏永福", "马俊杰"],
    "no_training": ["黄志刚", "彭光辉", "宋文斌", "袁宏伟"],
    "scale": 1.0,
}

BAISHUI = {
    "term": (19, date(2026, 1, 9)),
    "first_session": date(2026, 1, 16),
    "districts": [
        (
            "白水村选区",
            3,
            "白水村1—6组",
            "白水片代表小组",
            [
                p("孙志强", M, 1971, CPC, "公务员", "白水乡人大主席", presidium=True, position=Position.CHAIR),
                p("吴德明", M, 1974, CPC, "村党支部书记", "白水村党支部书记"),
                p("秦淑英", F, 1980, NONE, "种植大户", "白水村蔬菜种植大户"),
            ],
        ),
        (
            "沙坝村选区",
            3,
            "沙坝村1—5组",
            "沙坝片代表小组",
            [
                p("石开贵", M, 1969, CPC, "村委会主任", "沙坝村村民委员会主任", ethnicity="彝族"),
                p("龙秀芝", F, 1984, NONE, "个体工商户", "沙坝村小卖部经营者", ethnicity="彝族"),
                p("夏长林", M, 1977, NONE, "养殖大户", "沙坝村山羊养殖大户"),
            ],
        ),
        (
            "红岩村选区",
            2,
            "红岩村1—4组",
            "红岩片代表小组",
            [
                p("钟华", M, 1973, CPC, "村党支部书记", "红岩村党支部书记", presidium=True),
                p("贺春兰", F, 1986, CPC, "教师", "红岩村小学教师"),
            ],
        ),
        (
            "乡直机关选区",
            2,
            "乡党政机关及站所",
            "红岩片代表小组",
            [
                p("汪晓东", M, 1982, CPC, "公务员", "白水乡农业服务中心主任"),
                p("方丽", F, 1985, CPC, "医生", "白水乡卫生院院长", presidium=True),
            ],
        ),
    ],
    "leaders": {"白水片代表小组": "吴德明", "沙坝片代表小组": "石开贵", "红岩片代表小组": "钟华"},
    "liaison": {},
    "reception_districts": ["白水村选区"],
    "quiet": ["夏长林"],
    "no_training": ["夏长林"],
    "scale": 0.25,
}

SPECS = {"qingshan": QINGSHAN, "baishui": BAISHUI}

PLACES = ["村委会会议室", "村民活动中心", "代表联络站", "田间地头", "镇人大代表之家", "村级文化广场"]
CONTACT_TOPICS = [
    "村组道路破损维修",
    "农村饮水安全",
    "农田灌溉水渠疏通",
    "农村低保评定",
    "城乡居民医保缴费",
    "高龄老人津贴发放",
    "农村厕所改造",
    "生活垃圾清运",
    "产业发展资金申请",
    "留守儿童关爱",
    "村级公益设施维护",
    "防汛隐患排查",
]
OFFICE_ACTIVITIES = [
    (ActivityType.INSPECTION, "视察高标准农田建设项目推进情况", "东风村、石桥村项目现场"),
    (ActivityType.LAW_ENFORCEMENT, "《中华人民共和国食品安全法》贯彻实施情况执法检查", "镇区农贸市场及餐饮店"),
    (ActivityType.RESEARCH, "农村养老服务体系建设专题调研", "河口社区养老服务站"),
    (ActivityType.INSPECTION, "视察农村饮水安全巩固提升工程", "柳塘村水厂"),
    (ActivityType.EVALUATION, "评议镇派出所工作", "青山派出所"),
    (ActivityType.RESEARCH, "乡村振兴特色产业发展专题调研", "杨家坪村、桃源村"),
    (ActivityType.LAW_ENFORCEMENT, "《中华人民共和国道路交通安全法》执法检查", "镇区主要路口及校园周边"),
    (ActivityType.INSPECTION, "视察镇区生活垃圾转运站运行情况", "镇区生活垃圾转运站"),
    (ActivityType.EVALUATION, "评议镇财政所工作", "青山镇财政所"),
    (ActivityType.RESEARCH, "农村人居环境整治专题调研", "新华村、龙潭村"),
    (ActivityType.INSPECTION, "视察中心学校周边交通安全隐患整改情况", "青山镇中心学校"),
    (ActivityType.EVALUATION, "评议镇自然资源所工作", "青山镇自然资源所"),
]
APPOINTMENTS = [
    ("约见镇农业农村办公室负责人，反映灌溉水渠维修问题", "镇农业农村办公室"),
    ("约见镇社会事务办公室负责人，反映农村低保动态调整问题", "镇社会事务办公室"),
    ("约见镇生态环境办公室负责人，反映养殖场污水处理问题", "镇生态环境办公室"),
    ("约见镇自然资源所负责人，反映宅基地审批进度问题", "镇自然资源所"),
]
OTHERS = [
    ("参加全镇防汛抗旱工作检查", "各村重点水库及山塘"),
    ("参加镇森林防火宣传活动", "镇区集市"),
    ("参加“人大代表进村入户”宣传活动", "各村村民活动中心"),
]
GROUP_TOPICS = {
    1: "学习《代表法》，交流一季度履职情况",
    2: "围绕农村人居环境整治开展小组视察",
    3: "听取选民对村级道路建设的意见建议",
    4: "总结全年履职情况，谋划代表建议",
}
VISITORS = ["李大爷", "王阿姨", "陈师傅", "刘女士", "张先生", "赵大姐", "杨老师", "黄师傅", "周大爷", "吴女士"]
VISIT_MATTERS = [
    ("反映村组道路破损，雨天出行困难", "已记录，转镇交通建设部门列入维修计划。"),
    ("咨询城乡居民医疗保险缴费政策", "已当场解释缴费标准和办理渠道。"),
    ("反映灌溉水渠堵塞，影响春耕用水", "已联系村委会组织疏通。"),
    ("反映邻里宅基地边界纠纷", "已建议由村调委会调解，代表跟踪。"),
    ("建议在村口增设路灯", "已整理为代表建议，拟提交人代会。"),
    ("咨询高龄老人津贴申领手续", "已告知所需材料及办理窗口。"),
    ("反映集市占道经营影响通行", "已转镇综合执法队处理。"),
]
RETURN_REASON = "请补充活动照片及参加人员签到表后重新提交。"


def _weekday(day):
    """Move a Saturday or Sunday to the nearest Friday or Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _months(start, end):
    """(year, month) of every month touching [start, end]."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _in_month(rng, year, month, start, end):
    """A random weekday of the month inside [start, end], or None."""
    first = max(date(year, month, 1), start)
    last = min((date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)), end)
    if first > last:
        return None
    day = _weekday(first + timedelta(days=rng.randint(0, (last - first).days)))
    return day if start <= day <= end else first


def _phone(rng):
    return f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _id_number(name, born):
    """A resident ID number with a valid check character for someone born on `born` (a demo
    region code: no real person's); its own random numbers, so the demo's others do not move."""
    first17 = f"320999{born:%Y%m%d}{random.Random(f'id:{name}').randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK_CHARS[total % 11]


def _village(district):
    """东风村选区 → 东风村; a district that is not a village or community → None."""
    name = district.name.removesuffix("选区") if district else ""
    return name if name.endswith(("村", "社区")) else None


def _register(township, spec, rng):
    """Term, districts, groups and deputies (looked up by name before anything is created)."""
    number, start = spec["term"]
    term = Term.objects.filter(township=township, number=number).first()
    if term is None:
        term = term_create(township=township, number=number, start_date=start)
    groups, districts, deputies, created = {}, {}, {}, 0
    for district_name, seats, area, group_name, people in spec["districts"]:
        district = District.objects.filter(term=term, name=district_name).first()
        if district is None:
            district = district_save(
                district=District(township=township, term=term, name=district_name, seats=seats, area=area)
            )
        districts[district_name] = district
        if group_name not in groups:
            groups[group_name] = DeputyGroup.objects.filter(term=term, name=group_name).first() or group_save(
                group=DeputyGroup(township=township, term=term, name=group_name)
            )
        for person in people:
            deputy = Deputy.objects.filter(term=term, name=person.name).first()
            if deputy is None:
                # drawn in the order they always were, so the rest of the demo stays the same
                phone, born = _phone(rng), date(person.born, rng.randint(1, 12), rng.randint(1, 28))
                deputy = deputy_save(
                    deputy=Deputy(
                        township=township,
                        term=term,
                        name=person.name,
                        gender=person.gender,
                        ethnicity=person.ethnicity,
                        affiliation=person.affiliation,
                        occupation=person.occupation,
                        work_unit=person.work_unit,
                        phone=phone,
                        id_number=_id_number(person.name, born) if created % 3 == 0 else "",
                        district=district,
                        group=groups[group_name],
                        birth_date=born,
                        is_presidium=person.presidium,
                        position=person.position,
                    )
                )
                created += 1
            deputies[person.name] = deputy
    for group_name, leader in spec["leaders"].items():
        group = groups[group_name]
        if group.leader_id is None:
            group.leader = deputies[leader]
            group_save(group=group)
    return term, districts, groups, deputies, created


def _link_user(user, deputies):
    """Give the demo deputy account its register entry (the deputy of the same name)."""
    if user is None or Deputy.objects.filter(user=user).exists():
        return
    deputy = deputies.get(user.name)
    if deputy is not None and deputy.user_id is None:
        deputy.user = user
        deputy.save(update_fields=["user"])


def _liaison(township, spec, year, groups, deputies):
    plan = LiaisonPlan.objects.filter(township=township, year=year).first()
    if not spec["liaison"] or (plan is not None and plan.assignments.exists()):
        return
    d_lo, d_hi = 9, 11
    plan = liaison_plan_get_or_create(township=township, year=year)
    plan.note = "年初经主席团会议研究确定。"
    plan.save(update_fields=["note"])
    for member_name, group_names in spec["liaison"].items():
        member = deputies[member_name]
        liaised_groups = [groups[name] for name in group_names]
        members = [d for d in deputies.values() if d.group_id in {g.pk for g in liaised_groups} and d != member]
        # the member outside the bands liaises with only part of their single group
        wanted = d_hi if len(group_names) > 1 else max(d_lo - 4, 1)
        liaison_assign(plan=plan, member=member, groups=liaised_groups, deputies=members[:wanted])


def _scoring(township, year):
    GroupScoring.objects.get_or_create(
        township=township,
        year=year,
        defaults={
            "points": {str(k): v for k, v in DEFAULT_ACTIVITY_POINTS.items()},
            "training_points": 2,
            "reception_points": 2,
            "excellent_groups": 2,
            "excellent_deputies": 5,
        },
    )


class YearBuilder:
    """Generates a year of activities, trainings and reception days in memory, then writes
    them with a handful of bulk inserts."""

    def __init__(self, *, township, spec, rng, clerk, deputy_user, deputies, groups, districts, start, end):
        self.township, self.spec, self.rng = township, spec, rng
        self.clerk, self.deputy_user = clerk, deputy_user
        self.deputies, self.groups, self.districts = deputies, groups, districts
        self.start, self.end = start, end
        self.quiet_from = end - timedelta(days=120)  # quiet deputies log nothing after this
        self.quiet = {deputies[n].pk for n in spec["quiet"] if n in deputies}
        self.own = next((d for d in deputies.values() if deputy_user and d.user_id == deputy_user.pk), None)
        self.rows = []  # (Activity, [deputies])

    def local(self, text):
        """The office's texts are written for a 镇; a 乡 reads 乡, and has no 青山 places."""
        if self.township.name.endswith("乡"):
            text = text.replace("青山", self.township.name.removesuffix("乡")).replace("镇", "乡")
        return text

    def available(self, people, day):
        return [d for d in people if not (d.pk in self.quiet and day > self.quiet_from)]

    def add(
        self,
        type,
        day,
        title,
        place,
        people,
        *,
        summary,
        group=None,
        by_deputy=False,
        status=ActivityStatus.CONFIRMED,
        outcome="",
    ):
        people = self.available(people, day)
        if not people:
            return
        submitted_by = self.deputy_user if by_deputy and self.deputy_user else self.clerk
        reviewed = status != ActivityStatus.SUBMITTED
        activity = Activity(
            township=self.township,
            type=type,
            date=day,
            place=place,
            title=title,
            summary=summary,
            outcome=outcome,
            group=group,
            status=status,
            submitted_by=submitted_by,
            return_reason=RETURN_REASON if status == ActivityStatus.RETURNED else "",
            reviewed_by=self.clerk if reviewed else None,
            reviewed_at=timezone.make_aware(datetime.combine(day + timedelta(days=2), time(10))) if reviewed else None,
        )
        self.rows.append((activity, people))

    def build(self):
        rng, everyone = self.rng, list(self.deputies.values())
        scale = self.spec["scale"]
        office = list(OFFICE_ACTIVITIES)
        rng.shuffle(office)
        for index, (year, month) in enumerate(_months(self.start, self.end)):
            # contact with voters: most deputies once or twice a quarter, the demo deputy every month
            for deputy in rng.sample(everyone, max(1, round(len(everyone) * 0.3))):
                self.contact(deputy, year, month)
            if self.own is not None:
                self.contact(self.own, year, month, by_deputy=True)
            # one or two activities the office organises for a larger set of deputies
            for _ in range(1 if scale < 1 else 2):
                day = _in_month(rng, year, month, self.start, self.end)
                if day is None or not office:
                    continue
                type, title, place = office.pop() if scale >= 1 else office[index % len(office)]
                title, place = self.local(title), self.local(place)
                people = rng.sample(everyone, min(len(everyone), max(3, round(10 * scale))))
                if self.own is not None and self.own not in people and rng.random() < 0.6:
                    people.append(self.own)
                self.add(
                    type,
                    day,
                    title,
                    place,
                    people,
                    summary=f"{title}，听取有关部门情况汇报，实地查看并提出意见建议。",
                    outcome="形成视察（调研）报告，意见建议已交有关部门办理。",
                )
            if month % 2 == 0:
                self.appointment(year, month)
            if month in (3, 6, 9, 12):
                self.group_activities(year, month)
            if month in (5, 8):
                title, place = OTHERS[month % len(OTHERS)]
                day = _in_month(rng, year, month, self.start, self.end)
                if day:
                    self.add(
                        ActivityType.OTHER,
                        day,
                        title,
                        place,
                        rng.sample(everyone, min(len(everyone), 6)),
                        summary=f"{title}，协助做好宣传和隐患排查。",
                    )
        self.receptions()
        self.county_training()
        self.reports()
        self.deputy_drafts()

    def contact(self, deputy, year, month, *, by_deputy=False):
        day = _in_month(self.rng, year, month, self.start, self.end)
        if day is None:
            return
        topic = self.rng.choice(CONTACT_TOPICS)
        village = _village(deputy.district) or "联系点"
        self.add(
            ActivityType.CONTACT_VOTERS,
            day,
            f"走访{village}群众，听取对{topic}的意见",
            self.rng.choice(PLACES),
            [deputy],
            by_deputy=by_deputy,
            summary=f"入户走访群众，重点了解{topic}方面的困难和诉求，做好记录。",
            outcome="收集意见建议，已向镇人大主席团反映。",
        )

    def appointment(self, year, month):
        day = _in_month(self.rng, year, month, self.start, self.end)
        if day is None:
            return
        title, place = (self.local(text) for text in APPOINTMENTS[(month // 2) % len(APPOINTMENTS)])
        people = self.rng.sample(list(self.deputies.values()), 2)
        self.add(
            ActivityType.APPOINTMENT,
            day,
            title,
            place,
            people,
            summary=f"{title}，当面听取答复。",
            outcome="有关部门作出答复并明确办理时限。",
        )

    def group_activities(self, year, month):
        quarter = month // 3
        for group in self.groups.values():
            day = _in_month(self.rng, year, month, self.start, self.end)
            if day is None:
                continue
            members = [d for d in self.deputies.values() if d.group_id == group.pk]
            title = f"{group.name}第{'一二三四'[quarter - 1]}季度活动：{GROUP_TOPICS[quarter]}"
            self.add(
                ActivityType.GROUP,
                day,
                title,
                "代表联络站",
                members,
                group=group,
                summary=f"组长主持召开小组会议，{GROUP_TOPICS[quarter]}。",
                outcome="形成小组活动记录。",
            )

    def receptions(self):
        """接待选民: the deputies of a reception district log every other monthly reception day."""
        for district_name in self.spec["reception_districts"]:
            district = self.districts[district_name]
            members = [d for d in self.deputies.values() if d.district_id == district.pk]
            for year, month in _months(self.start, self.end):
                day = _weekday(date(year, month, 15))
                if month % 2 and self.start <= day <= self.end:
                    place = f"{district_name.removesuffix('选区')}代表联络站"
                    self.add(
                        ActivityType.RECEIVE_VOTERS,
                        day,
                        f"在{place}接待选民",
                        place,
                        members,
                        summary="代表接待日接待来访选民，登记反映事项并当场答复或转交办理。",
                        outcome="来访事项均已登记，需办理的已转有关部门。",
                    )

    def county_training(self):
        day = _weekday(self.end - timedelta(days=50))
        if day < self.start:
            return
        people = self.rng.sample(list(self.deputies.values()), min(len(self.deputies), 4))
        if self.own is not None and self.own not in people:
            people.append(self.own)
        self.add(
            ActivityType.TRAINING,
            day,
            "参加县人大常委会举办的乡镇人大代表履职能力提升培训",
            "县人大常委会培训中心",
            people,
            summary="学习代表建议撰写、代表依法履职等内容。",
        )

    def reports(self):
        """述职: the group leaders report to their voters late in the year."""
        day = _weekday(self.end - timedelta(days=20))
        if day < self.start:
            return
        for group in self.groups.values():
            leader = next((d for d in self.deputies.values() if d.pk == group.leader_id), None)
            if leader is not None:
                village = _village(leader.district)
                place = f"{village}村民活动中心" if village else self.local("镇人大代表之家")
                self.add(
                    ActivityType.REPORT,
                    day,
                    f"{leader.name}代表向{leader.district}选民述职",
                    place,
                    [leader],
                    summary="报告一年来履行代表职务情况，接受选民评议。",
                    outcome="选民满意度测评良好。",
                )

    def deputy_drafts(self):
        """The demo deputy's own entries: two waiting for the office, one returned."""
        if self.own is None or self.deputy_user is None:
            return
        village = _village(self.own.district) or "联系点"
        for offset, status, title in [
            (3, ActivityStatus.SUBMITTED, f"走访{village}五组，了解冬季农产品销售情况"),
            (8, ActivityStatus.SUBMITTED, f"参加{village}村民代表会议，听取村务公开意见"),
            (15, ActivityStatus.RETURNED, f"走访{village}困难群众，了解冬季取暖情况"),
        ]:
            day = self.end - timedelta(days=offset)
            if day >= self.start:
                self.add(
                    ActivityType.CONTACT_VOTERS,
                    day,
                    title,
                    village,
                    [self.own],
                    by_deputy=True,
                    status=status,
                    summary=f"{title}，做好记录并反映有关部门。",
                )

    def save(self):
        activities = [a for a, _people in self.rows]
        activities = bulk_create_with_history(activities, Activity, default_user=self.clerk)
        if not all(a.pk for a in activities):  # backends that do not return ids: read them back
            by_key = {(a.date, a.title, a.type): a.pk for a in Activity.objects.filter(township=self.township)}
            for a in activities:
                a.pk = a.id = by_key[(a.date, a.title, a.type)]
        # the entries look as if they were logged a day or two after the activity
        Activity.objects.filter(pk__in=[a.pk for a in activities]).update(
            submitted_at=Case(
                *[
                    When(
                        pk=a.pk, then=Value(timezone.make_aware(datetime.combine(a.date + timedelta(days=1), time(16))))
                    )
                    for a in activities
                ],
                output_field=DateTimeField(),
            )
        )
        through = Activity.participants.through
        through.objects.bulk_create(
            [
                through(activity_id=a.pk, deputy_id=d.pk)
                for a, (_a, people) in zip(activities, self.rows, strict=True)
                for d in people
            ]
        )
        return len(activities)


def _trainings(township, spec, rng, deputies, start, end):
    """The two trainings of the last twelve months: after the session, and in June–July."""
    candidates = []
    for year in range(start.year, end.year + 1):
        after_session = (
            spec["first_session"] + timedelta(days=5) if year == spec["first_session"].year else date(year, 2, 26)
        )
        candidates += [
            (_weekday(after_session), f"{year}年度第一期人大代表培训班（代表法、选举法、地方组织法）", 6),
            (_weekday(date(year, 6, 25)), f"{year}年度第二期人大代表履职能力提升培训", 4),
        ]
    chosen = [c for c in candidates if start <= c[0] <= end][-2:]
    missed_both = {deputies[n].pk for n in spec["no_training"] if n in deputies}
    for index, (day, title, hours) in enumerate(chosen):
        place = f"{township.name[-1]}人大代表之家"
        training = Training.objects.create(township=township, title=title, date=day, place=place, hours=hours)
        # a few more miss each session (busy with farm work), besides those who miss both
        others = [d for d in deputies.values() if d.pk not in missed_both]
        absent = set(rng.sample([d.pk for d in others if d.user_id is None], min(len(others) // 8 + index, 5)))
        training.attendees.set([d for d in others if d.pk not in absent])
    return len(chosen)


def _reception_days(township, spec, rng, clerk, deputies, districts, start, end):
    """A reception day in the middle of each month in a few districts, with voters' visits."""
    quiet = {deputies[n].pk for n in spec["quiet"] if n in deputies}
    quiet_from = end - timedelta(days=120)
    created = 0
    for district_name in spec["reception_districts"]:
        district = districts[district_name]
        members = [d for d in deputies.values() if d.district_id == district.pk]
        for year, month in _months(start, end):
            day = _weekday(date(year, month, 15))
            if not start <= day <= end:
                continue
            reception, was_created = ReceptionDay.objects.get_or_create(
                district=district,
                date=day,
                defaults={
                    "township": township,
                    "place": f"{district_name.removesuffix('选区')}代表联络站",
                    "note": "每月15日前后为代表接待选民日。",
                },
            )
            if not was_created:
                continue
            created += 1
            reception.deputies.set([d for d in members if not (d.pk in quiet and day > quiet_from)])
            for _ in range(rng.randint(1, 3)):
                matter, response = rng.choice(VISIT_MATTERS)
                ReceptionVisit.objects.create(
                    reception_day=reception,
                    visitor=rng.choice(VISITORS),
                    matter=matter,
                    response=response,
                    recorded_by=clerk,
                )
    return created


def seed(*, township, users, today, stdout):
    """Create the deputies app's demo data of `township` (青山镇 or 白水乡; others get none)."""
    spec = SPECS.get(township.code)
    if spec is None:
        return
    rng = random.Random(f"deputies-demo-{township.code}")
    term, districts, groups, deputies, created = _register(township, spec, rng)
    _link_user(users.get("deputy"), deputies)
    deputies = {d.name: d for d in Deputy.objects.filter(term=term).select_related("district", "group")}
    _liaison(township, spec, today.year, groups, deputies)
    _scoring(township, today.year)
    # the last twelve months, but not before the term's first session
    start = max(today - timedelta(days=365), spec["first_session"] + timedelta(days=3))
    end = today - timedelta(days=1)
    counts = {"activities": 0, "trainings": 0, "receptions": 0}
    if start <= end:
        clerk = users["clerk"]
        if not Activity.objects.filter(township=township).exists():
            builder = YearBuilder(
                township=township,
                spec=spec,
                rng=rng,
                clerk=clerk,
                deputy_user=users.get("deputy"),
                deputies=deputies,
                groups=groups,
                districts=districts,
                start=start,
                end=end,
            )
            builder.build()
            counts["activities"] = builder.save()
        if not Training.objects.filter(township=township).exists():
            counts["trainings"] = _trainings(township, spec, rng, deputies, start, end)
        if not ReceptionDay.objects.filter(township=township).exists():
            counts["receptions"] = _reception_days(township, spec, rng, clerk, deputies, districts, start, end)
    stdout.write(
        f"{township}：代表 {len(deputies)} 名（新建 {created} 名）、代表小组 {len(groups)} 个；"
        f"新建履职活动 {counts['activities']} 项、培训 {counts['trainings']} 次、接待日 {counts['receptions']} 个。"
    )
