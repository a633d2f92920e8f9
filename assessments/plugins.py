"""What the assessments app plugs into the core's registries."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import demo_seeders, nav_items, role_tables


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def register():
    from .permissions import ASSESSMENTS_ROLE_PERMISSIONS

    role_tables.register("assessments", ASSESSMENTS_ROLE_PERMISSIONS)
    nav_items.register(
        "assessments",
        NavItem(
            _("实绩考核"), "assessments:plan_list", "bi-clipboard-data", permission="assessments.view_assessmentplan"
        ),
    )
    demo_seeders.register("assessments", seed)
