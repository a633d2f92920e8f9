from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import DeadlineKind, case_types, deadline_kinds, nav_items

from .case_type import suggestion_case_type


def register():
    spec = case_types.register("deputies.suggestion", suggestion_case_type())
    for clock_name, clock in spec.clocks.items():
        deadline_kinds.register(f"deputies.suggestion.{clock_name}", DeadlineKind(label=clock.label))
    nav_items.register("deputies.suggestions", NavItem(_("代表建议"), "deputies:suggestion_list", "bi-lightbulb",
                                                       permission="deputies.view_suggestion"))
