from congress_office.roles import Role

_VIEW = ["deputies.view_suggestion", "deputies.view_consultation", "deputies.view_suggestion_report"]

SUGGESTIONS_ROLE_PERMISSIONS = {
    Role.CLERK: _VIEW
    + [
        "deputies.add_suggestion",
        "deputies.change_suggestion",
        "deputies.assign_suggestion",
        "deputies.reply_suggestion",
        "deputies.supervise_suggestion",
        "deputies.extend_suggestion",
        "deputies.add_consultation",
    ],
    Role.CHAIR: _VIEW + ["deputies.assign_suggestion", "deputies.supervise_suggestion", "deputies.extend_suggestion"],
    Role.DEPUTY: ["deputies.view_suggestion", "deputies.add_suggestion", "deputies.rate_suggestion"],
    Role.UNIT_HANDLER: [
        "deputies.view_suggestion",
        "deputies.reply_suggestion",
        "deputies.add_consultation",
        "deputies.view_consultation",
    ],
    Role.AUDITOR: _VIEW,
    Role.COUNTY: _VIEW,
    Role.ADMIN: _VIEW,
}
