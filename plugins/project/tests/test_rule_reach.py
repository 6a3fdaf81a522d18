"""Record rules hold however a statement reaches a ruled table, not only in its first column.

A statement gets the rules of the classes it can reach (``core.security.reach``);
these are the shapes a rule must not slip through. The caterer sees one project
(through its catering task) and two tasks: that one, and a task of another
project assigned to them, whose project stays hidden. The AV task of the same
project stays hidden too, whatever the query.
"""
import pytest
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from core.security.models import Department
from core.security.reach import RuleReach, reached
from plugins.project.models import Milestone, Project, Task, TaskUpdate


@pytest.fixture
def world(kernel, db, make_user, staff, new_project, session_as):
    other_pm = make_user("wangfang", roles=["project_manager"])
    cook = staff("zhaolei", "CATER")
    staff("chenjing", "AV")
    theirs = new_project(manager_id=other_pm.id)
    elsewhere = new_project(manager_id=other_pm.id)
    with kernel.system_session() as s:
        depts = {d.code: d.id for d in s.scalars(select(Department))}
        av = Task(project_id=theirs, title="调音台", department_id=depts["AV"])
        cater = Task(project_id=theirs, title="茶歇", department_id=depts["CATER"], depends_on=[av])
        far = Task(project_id=elsewhere, title="签到台", assignee_id=cook.id)
        s.add_all([av, cater, far])
        s.commit()
        ids = {"theirs": theirs, "elsewhere": elsewhere, "cater": cater.id, "av": av.id, "far": far.id,
               "av_dept": depts["AV"]}
    return {**ids, "cook": session_as(cook)}


def test_joins_either_way_filter_both_sides(world):
    s = world["cook"]
    pairs = s.execute(select(Project.id, Task.id).join(Task, Task.project_id == Project.id)).all()
    assert pairs == [(world["theirs"], world["cater"])]
    assert s.scalars(select(Task.id).join(Task.project)).all() == [world["cater"]]
    assert s.scalars(select(Project.id).select_from(Task).join(Project, Task.project_id == Project.id)
                     ).all() == [world["theirs"]]


def test_counts_through_select_from_and_aggregates(world):
    s = world["cook"]
    assert s.scalar(select(func.count()).select_from(Task)) == 2
    assert s.scalar(select(func.count(Task.id))) == 2
    assert s.scalar(select(func.count()).select_from(Project)) == 1


def test_subqueries_in_where_and_columns(world):
    s = world["cook"]
    av_tasks = select(Task.project_id).where(Task.department_id == world["av_dept"])
    assert s.scalars(select(Project.id).where(Project.id.in_(av_tasks))).all() == []
    assert s.scalars(select(Project.id).where(
        exists(select(Task.id).where(Task.project_id == Project.id,
                                     Task.department_id == world["av_dept"])))).all() == []
    per_project = select(func.count(Task.id)).where(Task.project_id == Project.id).scalar_subquery()
    assert s.execute(select(Project.id, per_project)).all() == [(world["theirs"], 1)]
    assert s.scalars(select(Project.id).where(Project.milestones.any())).all() == []


def test_relationship_loads_lazy_selectin_and_joined(world):
    s = world["cook"]
    cater, far = s.get(Task, world["cater"]), s.get(Task, world["far"])
    assert cater.depends_on == []          # lazy, through the dependency table
    assert cater.project.id == world["theirs"]
    assert far.project is None             # lazy many-to-one to a hidden project
    s.expunge_all()
    loaded = s.scalars(select(Task).options(selectinload(Task.depends_on)).order_by(Task.id)).all()
    assert [(t.id, t.depends_on) for t in loaded] == [(world["cater"], []), (world["far"], [])]
    s.expunge_all()
    joined = s.scalars(select(Task).options(joinedload(Task.project), joinedload(Task.depends_on))).unique()
    assert {t.id: t.project and t.project.id for t in joined} == {world["cater"]: world["theirs"],
                                                                   world["far"]: None}


def test_bulk_update_and_delete_touch_only_visible_rows(kernel, world):
    s = world["cook"]
    assert s.execute(update(Task).values(notes="看过")).rowcount == 2
    assert s.execute(delete(Task).where(Task.project_id == world["theirs"])).rowcount == 1
    s.commit()
    with kernel.system_session() as system:
        left = dict(system.execute(select(Task.id, Task.notes).where(
            Task.id.in_([world["cater"], world["av"], world["far"]]))).all())
    assert left == {world["av"]: None, world["far"]: "看过"}


def test_what_a_statement_reaches():
    assert _names(select(Task.id)) >= {"project_task"}
    assert "project_task" in _names(select(Project.id).join(Task, Task.project_id == Project.id))
    assert "project_milestone" in _names(select(Project).options(joinedload(Project.milestones)))
    assert "project_task" in _names(select(Project.id).where(exists().where(Task.project_id == Project.id)))
    assert "project_task" in _names(update(Task).values(notes=""))
    assert "project_task" not in _names(select(Project.id))


def test_rule_models_per_statement_shape(kernel):
    reach = RuleReach(kernel.record_rules)
    assert reach.models(select(Milestone.id).where(Milestone.id == 1)) == {Milestone}
    assert reach.models(select(Milestone.id).where(Milestone.id == 2)) == {Milestone}  # same shape, remembered
    assert reach.models(select(Task).join(Task.updates)) == {Task, TaskUpdate}
    assert reach.models(select(Department.id)) == frozenset()
    assert reach.models(select(Task).options(joinedload("*"))) is None  # a wildcard could load anything


def _names(statement) -> set[str]:
    tables, _mappers = reached(statement)
    return {t.name for t in tables}
