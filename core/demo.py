"""The kernel's demo data: departments and staff of a Chinese event agency."""
from __future__ import annotations

from sqlalchemy import select

from core.security.models import Department, Role, User
from core.security.passwords import hash_password

DEPARTMENTS = [
    ("PM", "项目管理部"), ("VENUE", "场地搭建部"), ("AV", "设备租赁部"),
    ("CATER", "餐饮服务部"), ("SALES", "客户服务部"), ("FIN", "财务部"),
]

STAFF = [
    ("zhangwei", "张伟", "PM"), ("wangfang", "王芳", "PM"), ("lina", "李娜", "VENUE"),
    ("liuyang", "刘洋", "VENUE"), ("chenjing", "陈静", "AV"), ("yangming", "杨明", "AV"),
    ("zhaolei", "赵磊", "CATER"), ("huangmin", "黄敏", "CATER"), ("zhouqiang", "周强", "SALES"),
    ("wuli", "吴丽", "SALES"), ("xujun", "徐军", "FIN"), ("sunyan", "孙燕", "FIN"),
]

DEMO_PASSWORD = "huiwu-demo"


def kernel_demo(session, scale: str) -> None:
    if session.scalar(select(Department).where(Department.code == "PM")) is not None:
        return
    depts = {code: Department(code=code, name=name) for code, name in DEPARTMENTS}
    session.add_all(depts.values())
    password = hash_password(DEMO_PASSWORD)
    session.flush()
    for login, name, dept in STAFF:
        session.add(User(login=login, name=name, email=f"{login}@huiwu.example",
                         password_hash=password, departments=[depts[dept]], locale="zh_Hans"))
    session.flush()
    _ = session.execute(select(Role)).scalars().all()
