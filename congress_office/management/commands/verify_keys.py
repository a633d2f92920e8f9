"""`manage.py verify_keys`: do the configured FIELD_ENCRYPTION_KEYS decrypt the stored personal
data? Samples the newest values of every encrypted field; exit status 0 when every sampled value
decrypts, 1 otherwise (scripts/restore runs it after a restore)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from congress_office.crypto import check_stored_keys


class Command(BaseCommand):
    help = "检查配置的加密密钥能否解密已存的个人信息（每个加密字段抽样最新的若干条）。"

    def add_arguments(self, parser):
        parser.add_argument("--per-field", type=int, default=5, help="每个加密字段抽样的条数（默认 5，最新的非空值）")
        parser.add_argument("--database", default="default", help="检查的数据库（默认 default）")

    def handle(self, *args, per_field, database, **options):
        if per_field < 1:
            raise CommandError("--per-field 至少为 1。")
        try:
            result = check_stored_keys(per_field, using=database)
        except DatabaseError as error:
            raise CommandError(f"密钥检查：无法读取数据库（{type(error).__name__}: {error}）".strip()) from None
        if not result.failures:
            self.stdout.write(f"密钥检查：抽样 {result.sampled} 条，全部可解密")
            return
        self.stderr.write(
            f"密钥检查：抽样 {result.sampled} 条，其中 {len(result.failures)} 条无法解密——"
            "FIELD_ENCRYPTION_KEYS 不是加密这些数据时使用的密钥："
        )
        for label, field, pk in result.failures:
            self.stderr.write(f"  {label}.{field} #{pk}")
        raise CommandError(
            "配置的加密密钥无法解密已存的个人信息，请恢复原密钥（可与新密钥并列，新密钥在前）。", returncode=1
        )
