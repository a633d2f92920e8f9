"""python manage.py archive_verify DIR: every digest, the catalogue XML, 件号 gaps; exits 1 on
any finding."""

import sys
import tempfile
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand

from congress_office.services.archive_verify import verify_package


class Command(BaseCommand):
    help = "校验归档包：重算每个文件的 SM3 和 SHA-256，核对文件目录和件号；发现问题时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="归档包文件夹（或其 zip）")

    def handle(self, *args, path, **options):
        source = Path(path)
        with tempfile.TemporaryDirectory() as scratch:
            if source.is_file() and zipfile.is_zipfile(source):
                with zipfile.ZipFile(source) as archive:
                    archive.extractall(scratch)
                folders = [p for p in Path(scratch).iterdir() if p.is_dir()]
                source = folders[0] if len(folders) == 1 else Path(scratch)
            report = verify_package(source)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            sys.exit(1)
