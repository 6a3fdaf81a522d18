"""The CRM's admin pages, under the 客户 / Customers menu."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.crm.admin.classification import (
    DuplicateFlagView,
    PlaybookView,
    TagRuleView,
    TagView,
)
from plugins.crm.admin.customers import ContactView, CustomerView
from plugins.crm.admin.pages import ImportExportView, SegmentsView
from plugins.crm.admin.records import (
    CommunicationView,
    FeedbackView,
    FollowUpView,
    MeetingView,
)
from plugins.crm.models import (
    Communication,
    Contact,
    Customer,
    DuplicateFlag,
    Feedback,
    Meeting,
    Playbook,
    Tag,
    TagRule,
)

CATEGORY = _l("Customers")


def admin_views(session) -> list:
    c = CATEGORY
    return [
        CustomerView(Customer, session, name=_l("Customers"), category=c, endpoint="crm_customers"),
        ContactView(Contact, session, name=_l("Contacts"), category=c, endpoint="crm_contacts"),
        CommunicationView(Communication, session, name=_l("Communication records"), category=c,
                          endpoint="crm_communications"),
        FollowUpView(Communication, session, name=_l("My follow-ups"), category=c,
                     endpoint="crm_follow_ups", url="crm_follow_ups"),
        MeetingView(Meeting, session, name=_l("Meeting history"), category=c, endpoint="crm_meetings"),
        FeedbackView(Feedback, session, name=_l("Feedback"), category=c, endpoint="crm_feedback"),
        SegmentsView(name=_l("Segments"), category=c, endpoint="crm_segments", url="crm_segments"),
        PlaybookView(Playbook, session, name=_l("Playbooks"), category=c, endpoint="crm_playbooks"),
        TagView(Tag, session, name=_l("Tags"), category=c, endpoint="crm_tags"),
        TagRuleView(TagRule, session, name=_l("Tag rules"), category=c, endpoint="crm_tag_rules"),
        DuplicateFlagView(DuplicateFlag, session, name=_l("Possible duplicates"), category=c,
                          endpoint="crm_duplicates"),
        ImportExportView(name=_l("Import and export"), category=c, endpoint="crm_import",
                         url="crm_import"),
    ]
