"""The deputies app's part of the role table (applied by migration 0002_roles)."""

from congress_office.roles import Role

_READ = [
    "deputies.view_term",
    "deputies.view_district",
    "deputies.view_deputygroup",
    "deputies.view_deputy",
    "deputies.view_liaisonplan",
    "deputies.view_activity",
    "deputies.view_receptionday",
    "deputies.view_receptionvisit",
    "deputies.view_training",
    "deputies.view_groupscoring",
    "deputies.view_award",
    "deputies.view_record",
]
_EDIT = [
    f"deputies.{action}_{model}"
    for model in (
        "term",
        "district",
        "deputygroup",
        "deputy",
        "liaisonplan",
        "receptionday",
        "receptionvisit",
        "training",
        "groupscoring",
    )
    for action in ("add", "change")
]

DEPUTIES_ROLE_PERMISSIONS = {
    Role.CLERK: _READ
    + _EDIT
    + [
        "deputies.import_deputies",
        "deputies.view_contact",
        "deputies.add_activity",
        "deputies.change_activity",
        "deputies.review_activity",
    ],
    Role.CHAIR: _READ
    + ["deputies.view_contact", "deputies.change_liaisonplan", "deputies.add_award", "deputies.review_activity"],
    Role.DEPUTY: ["deputies.view_activity", "deputies.add_activity", "deputies.view_record", "deputies.view_deputy"],
    Role.AUDITOR: _READ,
    Role.COUNTY: _READ,
    Role.ADMIN: _READ,
}
