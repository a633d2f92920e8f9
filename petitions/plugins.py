"""What the petitions app plugs into the core's registries."""
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import DeadlineKind, case_types, deadline_kinds, nav_items

from .case_type import petition_case_type


def register():
    spec = case_types.register("petitions.petition", petition_case_type())
    for clock_name, clock in spec.clocks.items():
        deadline_kinds.register(f"petitions.petition.{clock_name}", DeadlineKind(label=clock.label))
    nav_items.register("petitions", NavItem(_("信访"), "petitions:petition_list", "bi-envelope-paper",
                                            permission="petitions.view_petition"))
