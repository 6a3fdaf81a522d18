"""What CRM publishes for analysis: one row per customer with its figures."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.analytics import Dataset
from plugins.crm.models import Customer, CustomerStats


def customer_rows(session, **_params):
    stmt = (select(Customer.id, Customer.industry, Customer.size, Customer.city, Customer.source,
                   Customer.level, CustomerStats.meeting_count, CustomerStats.total_spend,
                   CustomerStats.rfm_recency_days, CustomerStats.rfm_frequency, CustomerStats.rfm_monetary,
                   CustomerStats.segment)
            .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
            .execution_options(yield_per=2000))
    for row in session.execute(stmt):
        yield dict(row._mapping)


DATASETS = [
    Dataset("crm.customers", _l("Customers and their figures"), customer_rows, {
        "id": _l("Customer"), "industry": _l("Industry"), "size": _l("Company size"), "city": _l("City"),
        "source": _l("Source channel"), "level": _l("Level"), "meeting_count": _l("Meetings held"),
        "total_spend": _l("Total spend"), "rfm_recency_days": _l("Recency (days)"),
        "rfm_frequency": _l("Frequency"), "rfm_monetary": _l("Monetary value"), "segment": _l("RFM segment"),
    }),
]
