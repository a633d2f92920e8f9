from congress_office.roles import Role

_VIEW = ["petitions.view_petition", "petitions.view_subject", "petitions.view_petition_stats"]

PETITIONS_ROLE_PERMISSIONS = {
    Role.CLERK: _VIEW
    + [
        "petitions.add_petition",
        "petitions.change_petition",
        "petitions.register_petition",
        "petitions.decide_petition",
        "petitions.assign_petition",
        "petitions.supervise_petition",
        "petitions.extend_petition",
        "petitions.reply_petition",
        "petitions.view_personal_data",
        "petitions.add_subject",
        "petitions.change_subject",
    ],
    Role.CHAIR: _VIEW
    + [
        "petitions.decide_petition",
        "petitions.assign_petition",
        "petitions.supervise_petition",
        "petitions.extend_petition",
        "petitions.instruct_petition",
        "petitions.view_personal_data",
    ],
    Role.UNIT_HANDLER: ["petitions.view_petition", "petitions.reply_petition"],
    Role.DEPUTY: ["petitions.view_petition"],
    Role.AUDITOR: _VIEW,
    # the county reads aggregates only (信访统计, 县级汇总): no petition list, detail, attachment,
    # notice or export, so no petitioner's name, address, phone or ID number (migration 0007)
    Role.COUNTY: ["petitions.view_subject", "petitions.view_petition_stats"],
    Role.ADMIN: _VIEW + ["petitions.add_subject", "petitions.change_subject"],
}
