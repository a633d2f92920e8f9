"""Roles are auth groups; their permissions are created by migrations (see sync_roles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("办公室工作人员")
    CHAIR = "chair", _("人大主席团")
    DEPUTY = "deputy", _("人大代表")
    UNIT_HANDLER = "unit_handler", _("承办单位经办人")
    AUDITOR = "auditor", _("审计档案人员")
    COUNTY = "county", _("县人大常委会")
    ADMIN = "admin", _("系统管理员")


# Roles whose users see every township (read-only for county, everything for admin).
COUNTY_WIDE_ROLES = {Role.COUNTY, Role.ADMIN}

# "app_label.codename" permissions each role holds. Later apps extend this table in their
# own migrations by calling sync_roles with their part of it.
CORE_ROLE_PERMISSIONS = {
    Role.CLERK: [
        "core.view_township",
        "core.view_unit",
        "core.add_unit",
        "core.change_unit",
        "core.view_deadline",
        "core.add_deadline",
        "core.change_deadline",
        "core.meet_deadline",
        "core.view_holiday",
        "core.view_audit",
        "core.view_archiveitem",
        "core.add_archiveitem",
    ],
    Role.CHAIR: [
        "core.view_township",
        "core.view_unit",
        "core.view_deadline",
        "core.extend_deadline",
        "core.approve_extension",
        "core.meet_deadline",
        "core.view_holiday",
        "core.view_audit",
        "core.view_dashboard",
    ],
    Role.DEPUTY: ["core.view_deadline"],
    Role.UNIT_HANDLER: ["core.view_deadline", "core.meet_deadline"],
    Role.AUDITOR: [
        "core.view_township",
        "core.view_unit",
        "core.view_deadline",
        "core.view_holiday",
        "core.view_audit",
        "core.view_archiveitem",
        "core.add_archiveitem",  # 归档 and the annual package: the auditor's own job
    ],
    Role.COUNTY: [
        "core.view_township",
        "core.view_unit",
        "core.view_deadline",
        "core.view_dashboard",
        "core.view_holiday",
    ],
    Role.ADMIN: [
        "core.view_township",
        "core.add_township",
        "core.change_township",
        "core.view_unit",
        "core.add_unit",
        "core.change_unit",
        "core.view_user",
        "core.add_user",
        "core.change_user",
        "core.view_holiday",
        "core.add_holiday",
        "core.change_holiday",
        "core.delete_holiday",
        "core.view_deadline",
        "core.view_audit",
        "core.view_dashboard",
    ],
}


def sync_roles(apps, role_permissions):
    """Create the role groups and grant them the listed permissions (idempotent).

    Called from data migrations with the historical `apps`; permissions are created first,
    because Django normally creates them only after all migrations have run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=str(role.value if hasattr(role, "value") else role))
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                # a model of a later migration: sync_role_groups_after_migrate grants it once
                # every migration has run
                continue
            group.permissions.add(permission)


def sync_role_groups_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: keep the role groups in line with every app's role table.

    The data migrations create the groups once; this also restores them after a flush (which
    empties auth_group) and grants permissions added to a role table later. It runs once, after
    the last app's post_migrate, when every permission exists.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from .registries import role_tables

    # post_migrate is sent once per app that has a models module, in INSTALLED_APPS order
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    permissions = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for table in role_tables.values():
        for role, perms in table.items():
            group, _created = Group.objects.using(using).get_or_create(
                name=str(role.value if hasattr(role, "value") else role)
            )
            group.permissions.add(*[permissions[p] for p in perms if p in permissions])
