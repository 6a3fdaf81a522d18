"""Defaults seeded the first time the plugin is enabled: task templates per requirement category."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from plugins.project.models import TaskTemplate

#: (category, task title, department code, days before the start, planned hours)
DEFAULT_TEMPLATES = [
    ("venue", "场地考察与确认", "VENUE", 30, 8),
    ("venue", "会场布置方案", "VENUE", 14, 12),
    ("venue", "现场搭建", "VENUE", 1, 16),
    ("av", "设备清单确认", "AV", 14, 4),
    ("av", "音视频设备调试", "AV", 1, 8),
    ("av", "现场技术保障", "AV", 0, 10),
    ("catering", "确认菜单", "CATER", 14, 4),
    ("catering", "试菜", "CATER", 7, 4),
    ("catering", "现场餐饮服务", "CATER", 0, 10),
    ("accommodation", "酒店房间预订", "VENUE", 21, 6),
    ("accommodation", "入住名单确认", "VENUE", 3, 4),
    ("transport", "接送车辆安排", "VENUE", 10, 6),
    ("performance", "演出节目确认", "PM", 14, 6),
    ("printing", "物料设计定稿", "PM", 10, 8),
    ("printing", "物料印刷与验收", "PM", 4, 4),
    ("interpretation", "同传译员预订", "AV", 21, 3),
    ("interpretation", "同传设备调试", "AV", 1, 4),
]


def install(session) -> None:
    if session.scalar(select(TaskTemplate.id).limit(1)) is not None:
        return
    session.add_all([TaskTemplate(category=c, title=t, department_code=d, days_before=days,
                                  planned_hours=Decimal(h), active=True)
                     for c, t, d, days, h in DEFAULT_TEMPLATES])
    session.flush()
