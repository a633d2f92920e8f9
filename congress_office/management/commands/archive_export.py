"""python manage.py archive_export --township CODE --year YYYY --out DIR [--user USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from congress_office.models import Township
from congress_office.services.archive import archive_assign, fonds_of
from congress_office.services.archive_package import build_package
from congress_office.services.archive_verify import verify_package


class Command(BaseCommand):
    help = "把一个乡镇一个年度的档案导出为归档包（文件夹和 zip），并校验。"

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="乡镇代码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument(
            "--user", help="以此用户的身份导出（密级按其权限）；默认为本乡镇的第一位档案/审计人员或办公室人员"
        )

    def handle(self, *args, township, year, out, user=None, **options):
        place = Township.objects.filter(code=township).first()
        if place is None:
            raise CommandError(f"没有代码为 {township} 的乡镇。")
        User = get_user_model()
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"没有用户 {user}。")
        else:
            from congress_office.roles import Role

            candidates = User.objects.filter(township=place, is_active=True).order_by("pk")
            able = [u for u in candidates if u.has_perm("core.add_archiveitem")]
            by = next((u for u in able if u.has_role(Role.AUDITOR)), able[0] if able else None)
            if by is None:
                raise CommandError("本乡镇没有可以归档的用户，请用 --user 指定。")
        try:
            fonds_of(place)
            created = archive_assign(township=place, year=year, by=by)
        except Exception as error:  # PermissionDenied, ValidationError: a message, not a traceback
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        if created:
            self.stdout.write(f"新归档 {len(created)} 件。")

        def progress(done, total):
            if done == total or done % 50 == 0:
                self.stdout.write(f"  {done} / {total} 件")

        root, target = build_package(township=place, year=year, user=by, out_dir=out, progress=progress)
        self.stdout.write(f"归档包：{root}")
        self.stdout.write(f"压缩包：{target}")
        report = verify_package(root)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("归档包校验未通过。")
