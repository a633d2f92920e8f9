from congress_office.roles import Role

_VIEW = [
    "meetings.view_meeting",
    "meetings.view_motion",
    "meetings.view_livelihoodproject",
    "meetings.view_deliberationopinion",
]

MEETINGS_ROLE_PERMISSIONS = {
    Role.CLERK: _VIEW
    + [
        "meetings.add_meeting",
        "meetings.change_meeting",
        "meetings.run_meeting",
        "meetings.decide_meeting",
        "meetings.add_motion",
        "meetings.decide_motion",
    ],
    Role.CHAIR: _VIEW + ["meetings.decide_meeting", "meetings.decide_motion"],
    Role.DEPUTY: _VIEW + ["meetings.add_motion"],
    # the projects their unit implements, the 审议意见 assigned to it
    Role.UNIT_HANDLER: [
        "meetings.view_livelihoodproject",
        "meetings.view_deliberationopinion",
        "meetings.reply_opinion",
    ],
    Role.AUDITOR: _VIEW,
    Role.COUNTY: _VIEW,
    Role.ADMIN: _VIEW,
}
