"""Loads fine; its install step and its demo data fail at run time."""
from core import Manifest, hookimpl

manifest = Manifest(name="install_raises", version="1.0", title={"zh_Hans": "安装出错", "en": "Install raises"})


@hookimpl
def huiwu_install(session):
    raise RuntimeError("the default price list is missing")


@hookimpl
def huiwu_demo_data(session, scale):
    raise ValueError(f"no demo data at {scale} scale")
