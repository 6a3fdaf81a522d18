from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core import Manifest, hookimpl

manifest = Manifest(name="wrong_table", version="1.0", title={"zh_Hans": "表名", "en": "Wrong table"})


class _Base(DeclarativeBase):  # not the kernel's: this table must never reach a database
    pass


class Thing(_Base):
    __tablename__ = "thing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


@hookimpl
def huiwu_models():
    return [Thing]
