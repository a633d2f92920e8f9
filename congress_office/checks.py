"""System checks of the deployment (`manage.py check --deploy`)."""

from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

# how many failing rows an error names
SHOWN_FAILURES = 5


@register(Tags.security, deploy=True)
def check_encryption_keys(app_configs=None, **kwargs):
    """The configured FIELD_ENCRYPTION_KEYS decrypt a sample of the stored personal data (the
    newest rows of every encrypted field): a restore without the keys, or with the wrong ones,
    fails here rather than on every page. An empty database passes; one that cannot be reached
    gives a warning (the check cannot tell)."""
    from .crypto import check_stored_keys

    try:
        result = check_stored_keys()
    except DatabaseError as error:
        return [
            Warning(
                "无法连接数据库，未能检查加密密钥能否解密已存的个人信息。",
                hint=f"{type(error).__name__}: {str(error).strip()[:200]}。数据库可用后请运行 manage.py verify_keys。",
                id="core.W010",
            )
        ]
    if not result.failures:
        return []
    shown = "、".join(f"{label} #{pk}（{field}）" for label, field, pk in result.failures[:SHOWN_FAILURES])
    more = "等" if len(result.failures) > SHOWN_FAILURES else ""
    return [
        Error(
            f"配置的加密密钥无法解密已存的个人信息：抽样 {result.sampled} 条，{len(result.failures)} 条无法解密"
            f"（{shown}{more}）。",
            hint="FIELD_ENCRYPTION_KEYS 须包含加密这些数据时使用的密钥（新密钥放在最前，旧密钥保留在后）；"
            "从备份恢复时请同时恢复原密钥。详见 manage.py verify_keys。",
            id="core.E010",
        )
    ]
