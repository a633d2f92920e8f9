"""Demo data of the handling steps, run by `seed_demo` after the petitions' own demo (registered
in plugins): the supervised petition gets a leader's instruction and ownership (批示, 包案), the
co-handled one its co-unit's opinion, closed ones a completion report and return visits; and
one petition (宅基地审批) goes the whole way through these services — reply with a 处理意见书,
a 复查 and its decision — so its documents can be printed and a 复核 can be tried.

Idempotent: a township that already has any of this (the whole-way petition, an instruction,
a completion report) is left alone. No state of the petitions' own demo is changed.
"""

from datetime import timedelta

from congress_office.cases import Satisfaction
from congress_office.models import CaseSupervision, Unit

from .choices import Category, Channel, PetitionState
from .models import CompletionReport, LeaderInstruction, Petition, Subject
from .services import handling
from .services.registration import petition_accept, petition_register

WHOLE_WAY_TITLE = "宅基地建房审批超期未办"


def seed(*, township, users, today, stdout):
    clerk, chair, handler = users.get("clerk"), users.get("chair"), users.get("unit")
    if clerk is None or chair is None:
        return
    if (
        Petition.objects.filter(township=township, title=WHOLE_WAY_TITLE).exists()
        or LeaderInstruction.objects.filter(petition__township=township).exists()
        or CompletionReport.objects.filter(petition__township=township).exists()
    ):
        return
    petitions = Petition.objects.filter(township=township).select_related("lead_unit", "township")
    made = []

    supervised = petitions.filter(
        pk__in=CaseSupervision.objects.filter(township=township).values("item_id"),
        state=PetitionState.ASSIGNED,
    ).first()
    if supervised is not None:
        handling.leader_instruct(
            petition=supervised,
            by=chair,
            content="群众反映强烈，请生态环境办公室会同东风村立即现场核查，依法处理，按期办结。",
        )
        handling.leader_take_ownership(petition=supervised, by=chair)
        made.append("领导批示、包案")

    for petition in petitions.filter(state__in=handling.HANDLING_STATES):
        for unit in handling.pending_co_units(petition):
            handling.petition_co_input(
                petition=petition,
                by=clerk,
                unit=unit,
                note=f"{unit.name}意见：原则同意主办单位的处理方案，资金可在明年预算中统筹安排。",
            )
            made.append("协办意见")

    closed = list(petitions.filter(state=PetitionState.CLOSED).order_by("received_on")[:3])
    for index, petition in enumerate(closed):
        reporter = handler if handler is not None and handler.unit_id == petition.lead_unit_id else clerk
        handling.completion_report_file(
            petition=petition, by=reporter, content="已按答复意见办理完毕，信访人对处理结果表示认可，息诉罢访。"
        )
        if index < 2:
            handling.return_visit_record(
                petition=petition,
                by=clerk,
                visited_on=today - timedelta(days=2),
                method="电话" if index else "上门",
                satisfaction=Satisfaction.SATISFIED if index else Satisfaction.BASICALLY,
                note="回访时信访人表示问题已解决。" if index else "信访人基本满意，希望今后加强日常巡查。",
            )
    if closed:
        made.append(f"办结报告 {len(closed)} 份、回访 {min(len(closed), 2)} 次")

    if _whole_way(township=township, clerk=clerk, chair=chair, today=today):
        made.append(f"“{WHOLE_WAY_TITLE}”已复查")
    if made:
        stdout.write(f"信访办理演示：{township.name} " + "；".join(made) + "。")


def _whole_way(*, township, clerk, chair, today):
    """A petition handled entirely through the handling services: replied 40 days ago (不予
    支持, with its 处理意见书), 复查 requested and decided (维持), a 复核 still possible."""
    if Petition.objects.filter(township=township, title=WHOLE_WAY_TITLE).exists():
        return False
    subject = Subject.objects.filter(township__isnull=True, name="城乡建设").first()
    lead = Unit.objects.filter(township=township, is_active=True, name="自然资源所").first()
    if subject is None or lead is None:
        return False
    petition, _code = petition_register(
        township=township,
        by=clerk,
        channel=Channel.LETTER,
        category=Category.APPEAL,
        subject=subject,
        title=WHOLE_WAY_TITLE,
        petitioner_name="陶志远",
        address=f"{township.name}东风村4组",
        request="请求批准本人宅基地建房申请",
        phone="13900000131",
        facts="本人2026年5月提交宅基地建房申请，材料齐全，至今未获审批。",
        reasons="家中老房已鉴定为危房。",
        received_on=today - timedelta(days=75),
    )
    petition_accept(petition=petition, by=clerk, on=today - timedelta(days=72))
    co_units = list(Unit.objects.filter(township=township, is_active=True, name="党政办公室"))
    handling.petition_assign(
        petition=petition, lead_unit=lead, co_units=co_units, by=clerk, note="请核实申请材料，依法作出审批决定。"
    )
    handling.petition_reply(
        petition=petition,
        by=clerk,
        outcome="reject",
        on=today - timedelta(days=40),
        content="经核实，申请人所申请地块位于村庄规划确定的生态保护区内，依照规定不能批准建房。"
        "镇自然资源所已协调东风村在规划建设区内另行安排宅基地，请申请人按程序重新申请。",
    )
    handling.petition_request_review(
        petition=petition,
        kind="review",
        requested_on=today - timedelta(days=25),
        request="认为所涉地块并非生态保护区，请求复查。",
        by=clerk,
    )
    handling.petition_decide_review(
        petition=petition,
        kind="review",
        by=chair,
        outcome="reject",
        decided_on=today - timedelta(days=8),
        decision="经复查，该地块确在村庄规划划定的生态保护区范围内，原处理意见正确，予以维持。",
    )
    return True
