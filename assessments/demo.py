# ruff: noqa: E501  (Chinese names and indicators)
"""Demo assessments of 青山镇, run by `seed_demo` (registered in plugins): last year's plan with
its four quarters confirmed and its grades (one 优秀 cadre, within the quota; 孙建华 不称职, so
flagged on this year's reserve-cadre list); this year's plan
copied from it, three quarters confirmed, the fourth being scored, one correction waiting for a
chair; and this year's democratic evaluation, closed, with 12 ballots from a sample of a quarter
of the deputies (seed and witness recorded). Idempotent: a township with plans gets none."""

import random
from decimal import Decimal

from congress_office.models import User
from congress_office.roles import Role

from . import evaluation as ev
from . import services as svc
from .choices import SubjectKind
from .models import AssessmentPlan, Score

TYPES = {
    "经济发展类": [
        ("财政收入", 40, "一般公共预算收入增长5%左右"),
        ("项目建设", 30, "完成年度重点项目投资"),
        ("安全生产", 30, "不发生较大以上安全事故"),
    ],
    "社会管理类": [
        ("信访维稳", 40, "信访事项按期办结"),
        ("民生实事", 30, "年度民生实事项目按计划推进"),
        ("基层治理", 30, "村（社区）治理体系健全"),
    ],
}
SUBJECTS = [
    (SubjectKind.TEAM, "东片区领导班子", "", "经济发展类"),
    (SubjectKind.TEAM, "西片区领导班子", "", "社会管理类"),
    (SubjectKind.CADRE, "陈志明", "党委副书记、镇长", "经济发展类"),
    (SubjectKind.CADRE, "刘红梅", "副镇长", "经济发展类"),
    (SubjectKind.CADRE, "张国强", "副镇长", "社会管理类"),
    (SubjectKind.CADRE, "黄丽", "党委委员、组织委员", "社会管理类"),
    (SubjectKind.CADRE, "孙建华", "武装部长", "社会管理类"),
]
PERFORMANCE = {
    "陈志明": 0.96,
    "刘红梅": 0.9,
    "张国强": 0.82,
    "黄丽": 0.88,
    "孙建华": 0.7,
    "东片区领导班子": 0.9,
    "西片区领导班子": 0.8,
}


def _score(plan, clerk, quarter, rng, only=None):
    for subject in plan.subjects.select_related("assessment_type"):
        if only is not None and subject.name not in only:
            continue
        for indicator in subject.assessment_type.indicators.all():
            share = min(1.0, max(0.0, PERFORMANCE[subject.name] + rng.uniform(-0.08, 0.06)))
            value = (indicator.quarter_max * Decimal(str(round(share, 2)))).quantize(Decimal("0.01"))
            svc.score_set(
                subject=subject,
                indicator=indicator,
                quarter=quarter,
                value=value,
                by=clerk,
                evidence="按季度实绩报告核定",
            )


def seed(*, township, users, today, stdout):
    if township.code != "qingshan" or AssessmentPlan.objects.filter(township=township).exists():
        return
    clerk, chair = users["clerk"], users["chair"]
    rng = random.Random("assessments-demo")
    last = svc.plan_create(township=township, by=clerk, year=today.year - 1)
    types = {}
    for name, indicators in TYPES.items():
        types[name] = svc.type_add(plan=last, by=clerk, name=name)
        for indicator, weight, goal in indicators:
            svc.indicator_add(assessment_type=types[name], by=clerk, name=indicator, weight=weight, goal=goal)
    for kind, name, position, type_name in SUBJECTS:
        svc.subject_add(plan=last, by=clerk, kind=kind, name=name, position=position, assessment_type=types[type_name])
    for quarter in (1, 2, 3, 4):
        _score(last, clerk, quarter, rng)
        svc.quarter_confirm(plan=last, quarter=quarter, by=chair)
    grades = {}
    for subject in last.subjects.all():
        if subject.kind == SubjectKind.TEAM:
            grades[subject.pk] = "good"
        else:
            grades[subject.pk] = {"陈志明": "excellent", "孙建华": "incompetent"}.get(subject.name, "competent")
    svc.grades_confirm(plan=last, by=chair, grades=grades)

    this = svc.plan_create(township=township, by=clerk, year=today.year, copy_last_year=True)
    for quarter in (1, 2, 3):
        _score(this, clerk, quarter, rng)
        svc.quarter_confirm(plan=this, quarter=quarter, by=chair)
    _score(this, clerk, 4, rng, only={"陈志明", "刘红梅", "东片区领导班子"})
    score = Score.objects.filter(subject__plan=this, quarter=2, subject__name="张国强").first()
    svc.correction_request(
        score=score, by=clerk, new_value=score.indicator.quarter_max, reason="二季度信访积案化解数据补报"
    )

    evaluation = ev.evaluation_create(plan=this, by=clerk, title=f"{today.year}年度领导班子和领导干部民主测评")
    ev.people_add(evaluation=evaluation, by=clerk, kind="party", names="\n".join(f"党代表{n}" for n in range(1, 21)))
    ev.sample_draw(
        evaluation=evaluation, by=clerk, percent=25, witness="县委组织部 赵明", seed=f"qingshan-{today.year}"
    )
    slips = ev.codes_issue(evaluation=evaluation, by=clerk)
    codes = [code for _name, _kind, code in slips]
    for user in User.objects.filter(groups__name=Role.DEPUTY, township=township):
        try:
            codes.append(ev.envelope_open(evaluation=evaluation, by=user))
        except Exception:  # noqa: BLE001 (not sampled)
            continue
    ratings = ["good"] * 6 + ["fairly_good"] * 4 + ["fair"] * 2
    for code, rating in zip(codes[:12], ratings, strict=False):
        answers = dict.fromkeys(ev.expected_answers(evaluation), rating)
        ev.ballot_cast(
            evaluation=evaluation, code=code, answers=answers, comment="希望多下村走访" if rating == "fair" else ""
        )
    ev.evaluation_close(evaluation=evaluation, by=clerk)
    for subject, score in zip(
        this.subjects.filter(kind=SubjectKind.CADRE).order_by("pk"), ("54", "51.5", "48", "50", "45"), strict=False
    ):
        svc.inspection_set(subject=subject, by=clerk, score=score, note="县委组织部年度考察")
    from .targets import target_add, target_check, target_report

    for name, title, depts in (
        ("陈志明", "一般公共预算收入增长5%", ("镇财政所", "镇党政办", "镇考核办")),
        ("刘红梅", "完成东风河治理工程", ("镇水利站", "镇农业农村办", "镇考核办")),
    ):
        subject = this.subjects.get(name=name)
        target = target_add(
            subject=subject,
            by=clerk,
            title=title,
            responsible_dept=depts[0],
            leading_dept=depts[1],
            assessing_dept=depts[2],
        )
        for month in range(1, min(today.month, 12) if this.year == today.year else 12):
            target_report(target=target, by=clerk, month=month, content=f"{month}月按计划推进。")
        target_check(target=target, by=clerk, finding="随报随查：现场核实，进度属实。")
    evaluation.refresh_from_db()
    voted, issued = ev.turnout(evaluation)
    stdout.write(
        f"考核演示数据：{township.name} {last.year}、{this.year} 年度方案，{this.year} 年前三季度已确认；民主测评抽样 {issued} 人，收回 {voted} 票。"
    )
