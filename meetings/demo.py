# ruff: noqa: E501  (Chinese agenda items and motions)
"""Demo meetings, run by `seed_demo` after the documents' demo (registered in plugins).

青山镇 (term 19, from January of this year): the 第一次会议 in January and the 第二次会议 in July,
both closed, with sign-in (leave and absences), votes — one that fails because its yes votes are
a majority of those present but not of all deputies — and the passed budget's resolution as a
draft outgoing document; the 第三次会议 coming in December, notified, with its agenda; a presidium
meeting; three motions to the 第二次会议: one still four signers short of five (it cannot be
submitted), one listed and passed, one turned into a suggestion. 白水乡 gets its first session.

Everything goes through the services; their "now" stamps are then moved to when things
happened. Idempotent: a township that has meetings gets none.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from congress_office.models import Unit
from deputies.models import Deputy
from documents.models import IssuingBody

from . import services as svc
from .choices import AttendanceStatus, MeetingKind, MotionKind, MotionSource, ProjectSource, ProjectState, VoteMethod
from .models import Attendance, LivelihoodProject, Meeting, Motion, MotionSigner, ProjectRating, Vote

AGENDA_FIRST = [
    ("听取和审议镇人民政府工作报告", "镇长", True),
    ("审查和批准2026年镇财政预算", "镇财政所所长", True),
    ("听取和审议镇人大主席团工作报告", "镇人大主席", True),
]
AGENDA_SECOND = [
    ("听取和审议镇人民政府上半年工作情况报告", "镇长", False),
    ("听取和审议2026年上半年镇财政预算执行情况报告", "镇财政所所长", True),
    ("审议代表议案", "镇人大主席", False),
]
AGENDA_THIRD = [
    ("听取和审议镇人民政府2026年工作报告", "镇长", True),
    ("审查和批准2027年镇财政预算", "镇财政所所长", True),
    ("2027年民生实事项目代表票决", "镇人大主席", True),
]


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Builder:
    def __init__(self, township, users, today):
        self.township, self.clerk, self.chair, self.today = township, users["clerk"], users["chair"], today
        self.deputies = list(Deputy.objects.filter(township=township, status="active").order_by("pk"))

    def plan(self, kind, day, agenda=(), place="镇政府三楼会议室", motion_deadline=None):
        meeting = svc.meeting_plan(
            township=self.township,
            by=self.clerk,
            kind=kind,
            starts_at=at(day, 9),
            place=place,
            motion_deadline=motion_deadline,
        )
        for title, presenter, needs_vote in agenda:
            svc.agenda_add(meeting=meeting, by=self.clerk, title=title, presenter=presenter, needs_vote=needs_vote)
        svc.meeting_notify(meeting=meeting, by=self.clerk)
        Attendance.objects.filter(meeting=meeting).update(notified_at=at(day - timedelta(days=7), 10))
        return meeting

    def sit(self, meeting, day, *, absent=(), leave=()):
        """Sign in everyone but `absent` and `leave` (leave approved), open, return the present."""
        members = [a.deputy for a in meeting.attendances.select_related("deputy")]
        for deputy in leave:
            row = svc.leave_request(meeting=meeting, by=self.clerk, deputy=deputy, reason="外出务工，不能按时返回")
            svc.leave_decide(attendance=row, by=self.chair, approve=True)
        svc.sign_in_start(meeting=meeting, by=self.clerk)
        present = [d for d in members if d not in absent and d not in leave]
        for deputy in present:
            svc.attendance_mark(meeting=meeting, by=self.clerk, deputy=deputy, status=AttendanceStatus.PRESENT)
        Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).update(signed_in_at=at(day, 8, 40))
        Attendance.objects.filter(meeting=meeting).exclude(acknowledged_at__isnull=False).update(
            acknowledged_at=at(day - timedelta(days=6), 9)
        )
        svc.meeting_open(meeting=meeting, by=self.clerk)
        meeting.refresh_from_db()
        return present

    def vote(self, meeting, title, method, yes, no, abstain, day, hour, item=None, motion=None):
        vote = svc.vote_open(
            meeting=meeting, by=self.clerk, title=title, method=method, agenda_item=item, motion=motion
        )
        vote = svc.vote_close(vote=vote, by=self.clerk, yes=yes, no=no, abstain=abstain)
        Vote.objects.filter(pk=vote.pk).update(opened_at=at(day, hour), closed_at=at(day, hour, 10))
        vote.refresh_from_db()
        return vote

    def close(self, meeting, day, minutes):
        svc.meeting_close(meeting=meeting, by=self.clerk, minutes=minutes)
        Meeting.objects.filter(pk=meeting.pk).update(opened_at=at(day, 9), closed_at=at(day, 11, 30))

    def motion(self, meeting, lead, co, title, content, confirm):
        motion = svc.motion_create(
            meeting=meeting,
            by=self.clerk,
            kind=MotionKind.ORDINARY,
            source=MotionSource.DEPUTIES,
            title=title,
            content=content,
            lead=lead,
            co_signers=co,
        )
        for deputy in co[:confirm]:
            svc.motion_confirm(motion=motion, by=self.clerk, deputy=deputy)
        return motion


def seed_qingshan(township, users, today):
    b = Builder(township, users, today)
    if len(b.deputies) < 12:
        return []
    year = today.year
    made = []

    # 第一次会议 (January): the budget passes; its resolution is drafted for the documents app
    first_day = max(datetime(year, 1, 15).date(), Deputy.objects.filter(township=township).first().term.start_date)
    first = b.plan(MeetingKind.SESSION, first_day, AGENDA_FIRST)
    candidates = [
        svc.project_add(meeting=first, by=b.clerk, title=title, source=source, proposer=proposer, budget=budget)
        for title, source, proposer, budget in (
            ("东风河便民桥建设", ProjectSource.DEPUTIES, b.deputies[2], Decimal("45.50")),
            ("集镇主街路灯改造", ProjectSource.GOVERNMENT, None, Decimal("28.00")),
            ("柳塘村文化广场建设", ProjectSource.GOVERNMENT, None, Decimal("60.00")),
        )
    ]
    b.sit(first, first_day, absent=b.deputies[-1:], leave=b.deputies[-3:-1])
    items = list(first.agenda.all())
    n = first.legal_number
    present = len(svc.in_hall_ids(first))
    b.vote(first, items[0].title, VoteMethod.HANDS, present - 1, 0, 1, first_day, 10, item=items[0])
    budget = b.vote(first, items[1].title, VoteMethod.HANDS, present - 2, 1, 1, first_day, 10, item=items[1])
    b.vote(first, items[2].title, VoteMethod.HANDS, present, 0, 0, first_day, 11, item=items[2])
    for project, yes in zip(candidates, (present - 2, present - 4, n // 2 - 3), strict=True):
        vote = svc.project_vote_open(project=project, by=b.clerk, method=VoteMethod.PAPER)
        svc.vote_close(vote=vote, by=b.clerk, yes=yes, no=present - yes, abstain=0)
    units = list(Unit.objects.filter(township=township, is_active=True).order_by("pk")[:2])
    chosen = [p for p in candidates if LivelihoodProject.objects.get(pk=p.pk).state == ProjectState.CHOSEN]
    for project, unit in zip(chosen, units, strict=False):
        svc.project_assign(project=project, by=b.clerk, lead_unit=unit)
    if chosen and units:
        svc.project_report(project=chosen[0], by=b.clerk, content="完成桥梁设计、招标，桥墩施工中。", progress=60)
    body = IssuingBody.objects.filter(township=township, code="青人大").first()
    if body is not None:
        svc.resolution_draft(vote=budget, by=b.clerk, issuing_body=body, doc_type="resolution")
    b.close(
        first,
        first_day,
        f"会议应到代表 {n} 名，实到 {present} 名。会议审议通过了镇人民政府工作报告、2026年镇财政预算和镇人大主席团工作报告。",
    )
    made.append(first)

    # a presidium meeting in March
    presidium_day = datetime(year, 3, 10).date()
    presidium = b.plan(
        MeetingKind.PRESIDIUM, presidium_day, [("研究全年代表活动计划", "镇人大主席", True)], place="镇人大办公室"
    )
    b.sit(presidium, presidium_day)
    b.vote(presidium, "2026年代表活动计划", VoteMethod.HANDS, len(svc.in_hall_ids(presidium)), 0, 0, presidium_day, 10)
    opinion = svc.opinion_register(
        meeting=presidium,
        by=b.clerk,
        title="关于农村饮水安全工作的审议意见",
        content="建议镇人民政府在汛期前完成柳塘村、东风村供水管网改造，并向主席团报告落实情况。",
    )
    office_unit = Unit.objects.filter(township=township, is_active=True).order_by("pk").first()
    if office_unit is not None:
        svc.opinion_assign(opinion=opinion, by=b.clerk, lead_unit=office_unit)
    b.close(presidium, presidium_day, "主席团会议研究通过了全年代表活动计划，形成关于农村饮水安全工作的审议意见。")
    made.append(presidium)

    # 第二次会议 (July): motions; one vote fails with a majority of those present only
    second_day = datetime(year, 7, 20).date()
    second = b.plan(MeetingKind.SESSION, second_day, AGENDA_SECOND)
    people = b.deputies
    b.motion(
        second,
        people[0],
        people[1:5],
        "关于在柳塘村设立便民服务点的议案",
        "柳塘村距集镇较远，群众办事不便。建议设立便民服务点。",
        confirm=3,
    )  # 4 of 5: cannot be submitted
    listed = b.motion(
        second,
        people[5],
        people[6:11],
        "关于整治集镇主街排水沟的议案",
        "集镇主街排水沟常年淤塞，雨季积水严重。建议列入下半年重点工程。",
        confirm=5,
    )
    svc.motion_submit(motion=listed, by=b.clerk)
    svc.motion_decide(motion=listed, by=b.chair, decision=svc.LIST)
    as_suggestion = b.motion(
        second,
        people[11],
        people[1:6],
        "关于增加村级卫生室药品种类的议案",
        "村级卫生室常用药品种类少，老年人配药需往返集镇。",
        confirm=5,
    )
    svc.motion_submit(motion=as_suggestion, by=b.clerk)
    svc.motion_decide(
        motion=as_suggestion,
        by=b.clerk,
        decision=svc.AS_SUGGESTION,
        reason="属于政府日常工作，作为代表建议交镇人民政府办理。",
    )
    absent = people[-10:]  # a third of the hall empty: quorum still met
    present_second = b.sit(second, second_day, absent=absent[:-3], leave=absent[-3:])
    for project in chosen:
        for deputy, choice in zip(
            present_second[:12], ["satisfied"] * 8 + ["basically"] * 3 + ["unsatisfied"], strict=False
        ):
            if deputy.user_id:
                svc.project_rate(project=project, by=deputy.user, satisfaction=choice, meeting=second)
            else:
                ProjectRating.objects.create(project=project, meeting=second, deputy=deputy, satisfaction=choice)
    items = list(second.agenda.order_by("order"))
    n, present = second.legal_number, len(svc.in_hall_ids(second))
    failed_yes = n // 2  # a majority of those present, not of all deputies
    b.vote(
        second, items[1].title, VoteMethod.HANDS, failed_yes, present - failed_yes - 2, 2, second_day, 10, item=items[1]
    )
    listed.refresh_from_db()
    b.vote(second, listed.title, VoteMethod.HANDS, present - 1, 0, 1, second_day, 11, motion=listed)
    Meeting.objects.filter(pk=second.pk).update(motion_deadline=at(second_day - timedelta(days=3), 17))
    b.close(
        second,
        second_day,
        f"会议应到代表 {n} 名，实到 {present} 名。上半年预算执行情况报告赞成票未过全体代表半数，未获通过，交镇人民政府补充说明后提请下次会议审议。",
    )
    made.append(second)

    # 第三次会议 (coming): notified, agenda in place
    third_day = today + timedelta(days=19)
    third = b.plan(MeetingKind.SESSION, third_day, AGENDA_THIRD, motion_deadline=at(third_day - timedelta(days=5), 17))
    for title, source, proposer, budget in (
        ("集镇污水管网延伸工程", ProjectSource.GOVERNMENT, None, Decimal("120.00")),
        ("东风村至柳塘村道路拓宽", ProjectSource.DEPUTIES, b.deputies[5], Decimal("85.00")),
        ("镇敬老院适老化改造", ProjectSource.GOVERNMENT, None, Decimal("36.00")),
        ("中心学校食堂改造", ProjectSource.DEPUTIES, b.deputies[9], Decimal("40.00")),
    ):
        svc.project_add(meeting=third, by=b.clerk, title=title, source=source, proposer=proposer, budget=budget)
    checklist = [
        ("向县人大常委会报送会前请示", b.clerk, 3, True),
        ("镇人民政府工作报告（审议稿）", b.chair, 8, True),
        ("2027年镇财政预算草案", b.chair, 10, False),
        ("民生实事候选项目汇总表", b.clerk, 12, False),
        ("会场布置、代表证、选票印制", b.clerk, 17, False),
        ("大会议程和日程", b.clerk, 14, False),
    ]
    for title, owner, days, done in checklist:
        item = svc.material_add(
            meeting=third, by=b.clerk, title=title, owner=owner, due_date=today + timedelta(days=days)
        )
        if done:
            svc.material_done(item=item, by=owner)
    made.append(third)

    # move the services' "now" stamps to the days things happened
    for meeting, day in ((second, second_day),):
        Motion.objects.filter(meeting=meeting).update(created_at=at(day - timedelta(days=10), 9))
        Motion.objects.filter(meeting=meeting, submitted_at__isnull=False).update(
            submitted_at=at(day - timedelta(days=5), 10)
        )
        Motion.objects.filter(meeting=meeting, decided_at__isnull=False).update(
            decided_at=at(day - timedelta(days=4), 15)
        )
        MotionSigner.objects.filter(motion__meeting=meeting, confirmed_at__isnull=False).update(
            confirmed_at=at(day - timedelta(days=8), 11)
        )
    Meeting.objects.filter(pk__in=[m.pk for m in made]).update(created_at=F("starts_at") - timedelta(days=20))
    return made


def seed_baishui(township, users, today):
    b = Builder(township, users, today)
    if len(b.deputies) < 3:
        return []
    day = max(datetime(today.year, 1, 16).date(), Deputy.objects.filter(township=township).first().term.start_date)
    first = b.plan(MeetingKind.SESSION, day, AGENDA_FIRST[:2])
    b.sit(first, day, absent=b.deputies[-1:])
    present = len(svc.in_hall_ids(first))
    for hour, item in enumerate(first.agenda.order_by("order"), start=10):
        b.vote(first, item.title, VoteMethod.HANDS, present, 0, 0, day, hour, item=item)
    b.close(first, day, "会议审议通过了乡人民政府工作报告和乡财政预算。")
    return [first]


def seed(*, township, users, today, stdout):
    if Meeting.objects.filter(township=township).exists():
        return
    if township.code == "qingshan":
        made = seed_qingshan(township, users, today)
    elif township.code == "baishui":
        made = seed_baishui(township, users, today)
    else:
        return
    if made:
        motions = Motion.objects.filter(township=township).count()
        votes = Vote.objects.filter(meeting__township=township)
        stdout.write(
            f"会议演示数据：{township.name} 会议 {len(made)} 次、议案 {motions} 件、表决 {votes.count()} 项"
            f"（未通过 {votes.filter(passed=False).count()} 项）。"
        )
