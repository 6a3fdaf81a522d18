"""The CRM's tables (all named ``crm_<thing>``)."""
from plugins.crm.models.activity import Communication, Feedback, Meeting, Spend
from plugins.crm.models.classification import (
    CustomerTag,
    DuplicateFlag,
    Playbook,
    RfmRun,
    SegmentChange,
    Tag,
    TagCondition,
    TagRule,
)
from plugins.crm.models.contact import Contact
from plugins.crm.models.customer import Customer, CustomerStats, Preference

ALL_MODELS = [
    Customer, CustomerStats, Preference, Contact, Meeting, Spend, Feedback, Communication,
    Tag, TagRule, TagCondition, CustomerTag, RfmRun, SegmentChange, Playbook, DuplicateFlag,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]
