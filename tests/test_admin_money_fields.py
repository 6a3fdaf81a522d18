"""Admin forms show the kernel's Money columns (Flask-Admin alone would silently leave them out)."""
from decimal import Decimal

from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import DecimalField
from wtforms.validators import Optional

from core.admin import SecureModelView
from core.db import Money


class _Base(DeclarativeBase):
    pass


class Quote(_Base):
    __tablename__ = "test_quote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    discount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)


def test_money_columns_become_decimal_fields_with_two_places(app, kernel):
    with app.test_request_context():
        form_class = SecureModelView(Quote, kernel.session).scaffold_form()
    assert form_class.price.field_class is DecimalField and form_class.price.kwargs["places"] == 2
    assert any(isinstance(v, Optional) for v in form_class.discount.kwargs["validators"])
