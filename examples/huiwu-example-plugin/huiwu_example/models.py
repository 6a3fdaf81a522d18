from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import AuditedMixin, Base


class Note(AuditedMixin, Base):
    __tablename__ = "example_note"

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)

    def __str__(self):
        return self.title
