"""The county-scale benchmark (issue 12): generate a county's data at a scale factor (1.0 = 30
townships, ~3,000 deputies, 1 M duty activities, 300 k petitions, 30 k suggestions over 10 years),
then measure every list, detail, dashboard, statistics page, export and PDF as a clerk and a chair
of the first township and as a county user. Not a test: it prints a table and writes JSON.

    python manage.py bench_county --generate --scale 1.0      # once (about 20 minutes at 1.0)
    python manage.py bench_county --generate-more --scale 1.0 # documents, meetings, assessments, archive
    python manage.py bench_county --runs 5 --json var/bench/county.json
"""

import json
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "县级规模基准测试：生成数据并测量各页面的耗时、查询数和内存。"

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="先生成基准数据（含公文、会议、考核和档案）")
        parser.add_argument(
            "--generate-more", action="store_true", help="在已生成的基准数据上补充公文、会议、考核和档案"
        )
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--only", default="", help="只测名称含此文字的页面")
        parser.add_argument("--township", default="bench01", help="测量的乡镇代码（演示数据可用 qingshan）")
        parser.add_argument("--json", dest="json_path", default="var/bench/county.json")

    def handle(self, *args, generate, generate_more, scale, runs, only, township, json_path, **options):
        from congress_office import celery_app
        from congress_office.bench import measure
        from congress_office.models import Township
        from congress_office.roles import Role

        celery_app.conf.task_always_eager = True  # PDFs render in the request: their time is measured
        if runs < 5:
            raise CommandError("至少测量 5 次（--runs 5）。")
        info = {}
        if generate:
            from congress_office.bench.generate import generate as make

            info = make(scale, stdout=self.stdout)
        if generate or generate_more:
            from congress_office.bench.generate_more import generate_more as make_more

            try:
                info["more"] = make_more(scale, stdout=self.stdout)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
        code = township
        township = Township.objects.filter(code=code).first()
        if township is None:
            raise CommandError(f"没有乡镇 {code}：先运行 python manage.py bench_county --generate --scale 0.01")
        users = {}
        User = get_user_model()
        # the office, and the roles whose home is their own (issue 14): only the home is measured for those
        for role in (Role.CLERK, Role.CHAIR, Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR):
            users[role.value] = User.objects.filter(township=township, groups__name=role.value).order_by("pk").first()
        users["county"] = User.objects.filter(township=None, groups__name=Role.COUNTY.value).order_by("pk").first()
        users = {k: v for k, v in users.items() if v is not None}
        self.stdout.write(measure.HEADER)
        results = measure.run(users, township, runs=runs, only=only, stdout=self.stdout)
        missed = [r for r in results if not r.ok]
        self.stdout.write(f"{len(results)} pages, {len(missed)} over target or failing")
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=settings.BASE_DIR
            ).stdout.strip()
        except OSError:
            commit = ""
        target = Path(json_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "measured_at": datetime.now().isoformat(timespec="seconds"),
            "commit": commit,
            "database": settings.DATABASES["default"]["ENGINE"],
            "runs": runs,
            "generated": info,
            "results": measure.as_json(results),
        }
        target.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        self.stdout.write(f"JSON: {target}")
