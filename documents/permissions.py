from congress_office.roles import Role

_VIEW = ["documents.view_incomingdocument", "documents.view_outgoingdocument", "documents.view_issuingbody"]

DOCUMENTS_ROLE_PERMISSIONS = {
    Role.CLERK: _VIEW
    + [
        "documents.add_incomingdocument",
        "documents.handle_incoming",
        "documents.add_outgoingdocument",
        "documents.change_outgoingdocument",
        "documents.review_outgoing",
    ],
    Role.CHAIR: _VIEW + ["documents.instruct_incoming", "documents.review_outgoing", "documents.sign_outgoing"],
    Role.UNIT_HANDLER: ["documents.view_incomingdocument"],
    Role.AUDITOR: _VIEW,
    Role.COUNTY: _VIEW,
    Role.ADMIN: _VIEW + ["documents.add_issuingbody", "documents.change_issuingbody"],
}
