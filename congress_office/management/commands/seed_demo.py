"""Demo data: two townships (the second shows isolation), users of every role, handling units
and deadlines in every state. Running it again changes nothing that exists already.

Under production settings (settings.PRODUCTION) it refuses to run unless given --force, and then
gives the accounts it creates a fresh random password, printed once, instead of the published
DEMO_PASSWORD."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from congress_office.models import Deadline, DeadlineRule, Township, Unit, UnitKind
from congress_office.registries import demo_seeders
from congress_office.roles import Role
from congress_office.services.deadlines import deadline_extend, deadline_meet, deadline_open, deadlines_scan
from congress_office.services.users import user_upsert

DEMO_PASSWORD = "Demo@2026"

TOWNSHIPS = [
    {
        "code": "qingshan",
        "name": "青山镇",
        "county": "示范县",
        "agency_code": "青人",
        "population": 38600,
        "prefix": "qs",
        "fonds": "0123",
    },
    {
        "code": "baishui",
        "name": "白水乡",
        "county": "示范县",
        "agency_code": "白人",
        "population": 16200,
        "prefix": "bs",
        "fonds": "0124",
    },
]

UNITS = [
    ("党政办公室", UnitKind.OFFICE),
    ("财政所", UnitKind.STATION),
    ("自然资源所", UnitKind.STATION),
    ("农业农村办公室", UnitKind.OFFICE),
    ("司法所", UnitKind.STATION),
    ("派出所", UnitKind.STATION),
    ("社会事务办公室", UnitKind.OFFICE),
    ("生态环境办公室", UnitKind.OFFICE),
    ("中心小学", UnitKind.OTHER),
    ("东风村村民委员会", UnitKind.VILLAGE),
    ("石桥村村民委员会", UnitKind.VILLAGE),
    ("河口社区居民委员会", UnitKind.VILLAGE),
]

PEOPLE = {
    "qs": [
        ("clerk", "王秀英", [Role.CLERK], None),
        ("chair", "李建国", [Role.CHAIR], None),
        ("vicechair", "周海燕", [Role.CHAIR], None),
        ("deputy", "张桂兰", [Role.DEPUTY], None),
        ("unit", "刘洋", [Role.UNIT_HANDLER], "自然资源所"),
        ("auditor", "陈静", [Role.AUDITOR], None),
    ],
    "bs": [
        ("clerk", "赵丽", [Role.CLERK], None),
        ("chair", "孙志强", [Role.CHAIR], None),
        ("deputy", "吴德明", [Role.DEPUTY], None),
        ("unit", "郑伟", [Role.UNIT_HANDLER], "财政所"),
        ("auditor", "何芳", [Role.AUDITOR], None),
    ],
}

# (title, unit, days ago started, rule, limit, fate)
DEADLINES = [
    ("东风村土地承包经营权纠纷信访件办理", "自然资源所", 70, DeadlineRule.CALENDAR_DAYS, 60, "open"),
    ("石桥村饮水安全问题代表建议答复", "农业农村办公室", 95, DeadlineRule.MONTHS, 3, "open"),
    ("中心小学周边交通安全隐患整改", "派出所", 40, DeadlineRule.CALENDAR_DAYS, 60, "open"),
    ("河口社区养老服务站建设进展报告", "社会事务办公室", 12, DeadlineRule.WORKING_DAYS, 15, "open"),
    ("镇区生活垃圾转运站异味投诉处理", "生态环境办公室", 50, DeadlineRule.CALENDAR_DAYS, 60, "extend"),
    ("农村低保对象动态调整情况说明", "社会事务办公室", 30, DeadlineRule.WORKING_DAYS, 20, "open"),
    ("2026年财政预算执行情况报告", "财政所", 60, DeadlineRule.CALENDAR_DAYS, 30, "met"),
    ("人民调解委员会规范化建设", "司法所", 20, DeadlineRule.MONTHS, 1, "open"),
    ("高标准农田建设项目验收资料", "农业农村办公室", 5, DeadlineRule.WORKING_DAYS, 10, "open"),
    ("第二季度代表建议办理情况汇总", "党政办公室", 100, DeadlineRule.CALENDAR_DAYS, 30, "met"),
]


def seed_archive(township, spec, auditor, today):
    """The township's 全宗 and 机构 code; last year's records archived, this year's left for the
    auditor's 整理归档 and export."""
    from congress_office.models import Fonds, OrgCode
    from congress_office.services.archive import archive_assign

    Fonds.objects.get_or_create(
        township=township, defaults={"code": spec["fonds"], "name": f"{township.name}人民代表大会"}
    )
    OrgCode.objects.get_or_create(township=township, code="BGS", defaults={"name": "办公室"})
    return len(archive_assign(township=township, year=today.year - 1, by=auditor))


def under_production_settings():
    return bool(getattr(settings, "PRODUCTION", False)) or (settings.SETTINGS_MODULE or "").endswith(".production")


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent). Refused under production settings without --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run under production settings too: the accounts it creates get a random password, printed once",
        )
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="APP",
            help="the platform and only these apps' demo (petitions, deputies …; a name covers its parts, "
            "petitions.handling with petitions), without the archive: for checks that need little data",
        )

    def handle(self, *args, **options):
        production = under_production_settings()
        if production and not options["force"]:
            raise CommandError(
                "当前是生产环境配置，seed_demo 不会运行：演示账号的密码是公开的。"
                "确需在生产环境建立演示数据，请加 --force（新建的演示账号将使用随机密码，只显示一次）。"
            )
        # in production a fresh random password (the accounts must change it at first login),
        # never the published one
        password = secrets.token_urlsafe(12) if production else DEMO_PASSWORD
        created, scan, reset = self.seed(password=password, must_change_password=production, only=options["only"])
        summary = (
            "演示数据已就绪：新建乡镇 {townships} 个、单位 {units} 个、用户 {users} 个、期限事项 {deadlines} 件".format(
                **created
            )
        )
        summary += f"；本次提醒 {scan.reminders_sent} 条。"
        if not production:
            self.stdout.write(self.style.SUCCESS(summary + f"所有演示账号的密码：{DEMO_PASSWORD}"))
        elif created["users"] or reset:
            self.stdout.write(
                self.style.SUCCESS(
                    summary + f"新建演示账号的随机密码（只显示这一次，请妥善转交，首次登录须修改）：{password}"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(summary + "没有新建账号，已有账号的密码未改动。"))

    @transaction.atomic
    def seed(self, *, password, must_change_password, only=None):
        today = timezone.localdate()
        created = {"townships": 0, "units": 0, "users": 0, "deadlines": 0}
        accounts = []
        admin, was_created = user_upsert(
            username="admin",
            password=password,
            roles=[Role.ADMIN],
            name="系统管理员",
            email="admin@example.invalid",
            must_change_password=must_change_password,
        )
        accounts.append(admin)
        if not admin.is_superuser:
            admin.is_superuser = True
            admin.save(update_fields=["is_superuser"])
        created["users"] += was_created
        county, was_created = user_upsert(
            username="county",
            password=password,
            roles=[Role.COUNTY],
            name="县人大常委会联络室",
            must_change_password=must_change_password,
        )
        accounts.append(county)
        created["users"] += was_created
        for spec in TOWNSHIPS:
            prefix = spec["prefix"]
            township, was_created = Township.objects.get_or_create(
                code=spec["code"],
                defaults={k: spec[k] for k in ("name", "county", "agency_code", "population")},
            )
            created["townships"] += was_created
            units = {}
            for name, kind in UNITS:
                units[name], was_created = Unit.objects.get_or_create(
                    township=township, name=name, defaults={"kind": kind, "contact": "", "phone": ""}
                )
                created["units"] += was_created
            users = {}
            for suffix, name, roles, unit_name in PEOPLE[prefix]:
                users[suffix], was_created = user_upsert(
                    username=f"{prefix}_{suffix}",
                    password=password,
                    roles=roles,
                    name=name,
                    township=township,
                    unit=units.get(unit_name),
                    email=f"{prefix}_{suffix}@example.invalid",
                    must_change_password=must_change_password,
                )
                accounts.append(users[suffix])
                created["users"] += was_created
            items = DEADLINES if prefix == "qs" else DEADLINES[:5]
            for title, unit_name, days_ago, rule, limit, fate in items:
                if Deadline.objects.filter(township=township, title=title).exists():
                    continue
                deadline = deadline_open(
                    township=township,
                    kind="core.general",
                    title=title,
                    start_date=today - timedelta(days=days_ago),
                    rule=rule,
                    limit=limit,
                    responsible_unit=units[unit_name],
                    by=users["clerk"],
                )
                created["deadlines"] += 1
                if fate == "met":
                    deadline_meet(deadline=deadline, by=users["clerk"])
                elif fate == "extend":
                    deadline_extend(
                        deadline=deadline,
                        reason="涉及多部门协调，需县生态环境局现场检测。",
                        approver=users["chair"],
                        by=users["clerk"],
                        extra=30,
                    )
            for key, seeder in demo_seeders.items():
                if only and not any(key == app or key.startswith(f"{app}.") for app in only):
                    continue
                seeder(township=township, users=users, today=today, stdout=self.stdout)
            if only:
                continue
            archived = seed_archive(township, spec, users["auditor"], today)
            if archived:
                self.stdout.write(f"{township.name}：归档 {archived} 件（上一年度）")
        reset = 0
        if password != DEMO_PASSWORD:
            # an account left from a run before production (or before this guard) keeps no
            # published password either
            for account in accounts:
                if account.check_password(DEMO_PASSWORD):
                    account.set_password(password)
                    account.must_change_password = must_change_password
                    account.save(update_fields=["password", "must_change_password"])
                    reset += 1
        scan = deadlines_scan(today=today)
        return created, scan, reset
