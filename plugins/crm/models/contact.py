"""People at customer companies. Personal data is encrypted at rest.

Each encrypted column has a blind-index twin (a keyed hash of the normalised
value), which is what exact lookups by phone, e-mail, WeChat ID or ID number
compare against; the ciphertext itself differs on every write.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import AuditedMixin, Base, EncryptedString
from core.db.types import BlindIndex
from plugins.crm.operations.validation import (
    email_index,
    id_number_index,
    mobile_index,
    normalise_email,
    normalise_mobile,
    wechat_index,
)


class Contact(AuditedMixin, Base):
    __tablename__ = "crm_contact"
    __audit_masked__ = ("mobile_bidx", "email_bidx", "wechat_bidx", "id_number_bidx")

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship(back_populates="contacts")  # noqa: F821
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    department: Mapped[str | None] = mapped_column(String(60))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    mobile: Mapped[str | None] = mapped_column(EncryptedString)
    mobile_bidx: Mapped[str | None] = mapped_column(BlindIndex(), index=True)
    email: Mapped[str | None] = mapped_column(EncryptedString)
    email_bidx: Mapped[str | None] = mapped_column(BlindIndex(), index=True)
    wechat: Mapped[str | None] = mapped_column(EncryptedString)
    wechat_bidx: Mapped[str | None] = mapped_column(BlindIndex(), index=True)
    #: 身份证 or passport number, needed for flight and hotel bookings.
    id_number: Mapped[str | None] = mapped_column(EncryptedString)
    id_number_bidx: Mapped[str | None] = mapped_column(BlindIndex(), index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    @validates("name")
    def _strip_name(self, _key, value):
        return (value or "").strip()

    @validates("mobile")
    def _index_mobile(self, _key, value):
        value = normalise_mobile(value)
        self.mobile_bidx = mobile_index(value)
        return value

    @validates("email")
    def _index_email(self, _key, value):
        value = normalise_email(value)
        self.email_bidx = email_index(value)
        return value

    @validates("wechat")
    def _index_wechat(self, _key, value):
        value = (value or "").strip() or None
        self.wechat_bidx = wechat_index(value)
        return value

    @validates("id_number")
    def _index_id_number(self, _key, value):
        value = (value or "").strip().upper() or None
        self.id_number_bidx = id_number_index(value)
        return value

    def __str__(self) -> str:
        return self.name
