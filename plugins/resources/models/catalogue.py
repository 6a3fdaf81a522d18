"""The catalogue: suppliers and the resources they provide, with what each kind needs.

One table holds every kind of resource, with the columns every kind shares
(name, supplier, price and pricing unit, stock, status, location, buffers);
what only one kind has hangs off it: capacities per layout for halls, menu
packages for caterers, acts for troupes. A combined hall (A+B opened into
one) lists its parts, and a booking of it occupies them, so booking AB blocks
A and B and the other way round.

``stock`` is how many can be out at the same time: 1 makes a resource
*exclusive* (a hall, a troupe, the one LED wall); more makes it *stocked*
(40 projectors, 20 hotel rooms; a caterer's stock is its maximum guests), and
overlapping bookings may then add up to the stock, never more.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import AuditedMixin, Base, EncryptedString, Money

resource_part = Table(
    "resources_resource_part",
    Base.metadata,
    Column("combined_id", ForeignKey("resources_resource.id", ondelete="CASCADE"), primary_key=True),
    Column("part_id", ForeignKey("resources_resource.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Supplier(AuditedMixin, Base):
    """Who provides resources we do not own: a hotel, a rental house, a caterer, a troupe."""

    __tablename__ = "resources_supplier"
    __audit_masked__ = ("phone", "email")

    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    email: Mapped[str | None] = mapped_column(EncryptedString)
    address: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @validates("name")
    def _strip_name(self, _key, value):
        return (value or "").strip()

    def __str__(self) -> str:
        return self.name


class Resource(AuditedMixin, Base):
    __tablename__ = "resources_resource"
    __table_args__ = (
        Index("ix_resources_resource_kind_status", "kind", "status"),
    )

    #: ``VEN-0001``; unique, given on creation when left empty.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    specification: Mapped[str | None] = mapped_column(Text)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("resources_supplier.id", ondelete="SET NULL"),
                                                    index=True)
    supplier: Mapped[Supplier | None] = relationship()
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    pricing_unit: Mapped[str] = mapped_column(String(20), default="day")
    #: How many can be booked at the same time (1 = exclusive).
    stock: Mapped[int] = mapped_column(Integer, default=1)
    #: What one of it is called on a contract: 台, 间, 辆, 位 ...
    unit_label: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="available")
    city: Mapped[str | None] = mapped_column(String(30), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    #: Hours a hall needs to be dressed before and cleared after; they count as occupied.
    setup_minutes: Mapped[int] = mapped_column(Integer, default=0)
    teardown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: Venue: floor area in m², floor, facilities (stage, LED wall, simultaneous interpretation booths ...).
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    floor: Mapped[str | None] = mapped_column(String(20))
    facilities: Mapped[str | None] = mapped_column(Text)
    #: Generic kinds (rooms, vehicles): people one unit takes.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Caterer: fewest guests it accepts for one booking (its most per day is ``stock``).
    min_guests: Mapped[int | None] = mapped_column(Integer)
    #: Bookings of this resource are confirmed without a manager's approval.
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    parts: Mapped[list[Resource]] = relationship(
        secondary=resource_part, primaryjoin=lambda: Resource.id == resource_part.c.combined_id,
        secondaryjoin=lambda: Resource.id == resource_part.c.part_id, order_by=lambda: Resource.code)
    layouts: Mapped[list[Layout]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", passive_deletes=True, order_by="Layout.id")
    packages: Mapped[list[Package]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", passive_deletes=True, order_by="Package.id")
    acts: Mapped[list[Act]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", passive_deletes=True, order_by="Act.id")

    @property
    def exclusive(self) -> bool:
        return (self.stock or 1) == 1

    @validates("name", "code")
    def _strip(self, _key, value):
        return (value or "").strip()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Layout(AuditedMixin, Base):
    """A hall's capacity when set up one way (theatre 500, banquet 300 ...)."""

    __tablename__ = "resources_layout"
    __table_args__ = (
        UniqueConstraint("resource_id", "layout"),
        # A hall's largest capacity, read for every hall an availability search lists (revision resources_0007).
        Index("ix_resources_layout_resource_capacity", "resource_id", "capacity"),
    )

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="CASCADE"))
    resource: Mapped[Resource] = relationship(back_populates="layouts")
    layout: Mapped[str] = mapped_column(String(20))
    capacity: Mapped[int] = mapped_column(Integer)


class Package(AuditedMixin, Base):
    """A caterer's menu package, priced per head."""

    __tablename__ = "resources_package"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="CASCADE"), index=True)
    resource: Mapped[Resource] = relationship(back_populates="packages")
    name: Mapped[str] = mapped_column(String(200))
    price_per_head: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class Act(AuditedMixin, Base):
    """One act a troupe performs: how long it lasts and what it costs."""

    __tablename__ = "resources_act"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="CASCADE"), index=True)
    resource: Mapped[Resource] = relationship(back_populates="acts")
    name: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    fee: Mapped[Decimal] = mapped_column(Money)

    def __str__(self) -> str:
        return self.name
