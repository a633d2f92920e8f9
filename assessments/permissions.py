from congress_office.roles import Role

_VIEW = ["assessments.view_assessmentplan", "assessments.view_subject"]

ASSESSMENTS_ROLE_PERMISSIONS = {
    Role.CLERK: _VIEW
    + [
        "assessments.add_assessmentplan",
        "assessments.change_assessmentplan",
        "assessments.score_assessment",
    ],
    Role.CHAIR: _VIEW + ["assessments.confirm_assessment"],
    Role.COUNTY: _VIEW,
    Role.ADMIN: _VIEW,
}
