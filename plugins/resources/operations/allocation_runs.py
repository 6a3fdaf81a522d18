"""Proposing an allocation and keeping it: ``propose`` runs the engine and stores an ``AllocationRun``.

One project (its open needs: the cheapest conflict-free set of resources
for them) or a period (every open need and pending booking of some kinds:
as many and as important served as can be, then the least spent and the
fewest seats left empty). Nothing is booked by proposing; ``allocation_apply``
does that in one step. The stored result is plain JSON (reasons as codes and
values, ``allocation_record``), so whoever reads it later reads it in their
own language; ``view`` turns it into lines to show.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from core.db.types import utcnow
from plugins.project.operations.common import get_or_404, require
from plugins.resources.models import AllocationRun
from plugins.resources.operations.allocation import OPTIMAL, Proposal, Reason, allocate, propose_for_needs
from plugins.resources.operations.allocation_problem import Built, build
from plugins.resources.operations.allocation_record import dump_all, load_all
from plugins.resources.operations.allocation_scope import clean_scope


def propose(session, data: dict) -> AllocationRun:
    """Run the allocator over the scope ``data`` describes (see ``allocation_scope``) and store the proposal."""
    require(session, "resources.allocation.run")
    scope = clean_scope(session, data)
    built = build(session, scope, utcnow())
    proposal = None
    if built.problem is not None:
        if scope.mode == "project":
            proposal = propose_for_needs(built.problem.units, built.problem.requests, epoch=built.problem.epoch,
                                         idle_seat_cost=built.problem.idle_seat_cost, time_limit=scope.time_limit)
        else:
            proposal = allocate(built.problem, time_limit=scope.time_limit)
    result = record(built, proposal)
    run = AllocationRun(mode=scope.mode, project_id=scope.project_id, starts_at=scope.starts_at,
                        ends_at=scope.ends_at, kinds=",".join(scope.kinds) or None, status="proposed",
                        served=len(result["assignments"]), unserved=len(result["unserved"]), result=result)
    session.add(run)
    session.flush()
    return run


def get_run(session, run_id) -> AllocationRun:
    """A proposal the acting user may see (their own; all with ``read_all``), by id."""
    require(session, "resources.allocation.run")
    return get_or_404(session, AllocationRun, run_id)


def recent_runs(session, limit: int = 20) -> list[AllocationRun]:
    """The latest proposals the acting user may see, newest first."""
    return list(session.scalars(select(AllocationRun).order_by(AllocationRun.id.desc()).limit(limit)))


# -- the stored result ---------------------------------------------------------------


def record(built: Built, proposal: Proposal | None) -> dict:
    """The proposal as JSON: requests as read, assignments, refusals, resources named, figures."""
    asked = {a.key: a for a in built.asked}
    assignments, named = [], set()
    for line in proposal.assignments if proposal else ():
        a = asked[line.request_id]
        moved = a.resource_id is not None and line.resource_id != a.resource_id
        named.update({line.resource_id, a.resource_id} - {None})
        assignments.append({
            "key": a.key, "resource_id": line.resource_id, "fee": _yuan(built.fees[(a.key, line.resource_id)]),
            "idle": line.idle, "moved": moved and a.pinned,
            "reasons": dump_all((*_prefix(a, line.resource_id, built), *line.reasons))})
    unserved = [{"key": key, "reasons": dump_all(reasons)} for key, reasons in built.refused.items()]
    unserved += [{"key": line.request_id, "reasons": dump_all(line.reasons)}
                 for line in (proposal.unserved if proposal else ())]
    order = {a.key: i for i, a in enumerate(built.asked)}
    unserved.sort(key=lambda u: order[u["key"]])
    named.update(a.resource_id for a in built.asked if a.resource_id)
    resources = {str(rid): _resource(built.resources[rid]) for rid in sorted(named) if rid in built.resources}
    return {"requests": [a.as_json() for a in built.asked], "assignments": assignments, "unserved": unserved,
            "resources": resources, "figures": _figures(built, proposal, assignments)}


def _prefix(a, resource_id, built: Built) -> tuple[Reason, ...]:
    """What a pending booking's line says first: kept where it is, moved, or taken off the waiting list."""
    if a.booking_id is None:
        return ()
    current = built.resources[a.resource_id]
    name = f"{current.code} {current.name}"
    if not a.pinned:
        return (Reason.of("waiting", unit=name),)
    return (Reason.of("stays" if resource_id == a.resource_id else "moved", unit=name),)


def _resource(r) -> dict:
    return {"code": r.code, "name": r.name, "kind": r.kind, "city": r.city}


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def _figures(built: Built, proposal: Proposal | None, assignments: list[dict]) -> dict:
    """Served count and weight, money, empty seats, moves; the solver's bounds in the same terms."""
    weights = {a.key: a.weight for a in built.asked}
    served = {line["key"] for line in assignments}
    figures = {
        "requests": len(built.asked), "served": len(served), "weight": sum(weights[k] for k in served),
        "weight_total": sum(weights.values()), "weight_bound": None,
        "cost": _yuan(sum(int(Decimal(line["fee"]) * 100) for line in assignments)),
        "idle": sum(line["idle"] for line in assignments), "moves": sum(1 for line in assignments if line["moved"]),
        "objective": None, "bound": None, "gap": None, "status": OPTIMAL, "wall_time": 0.0, "components": 0,
        "baseline_served": None,
    }
    if proposal is None:
        return figures
    figures.update(objective=_yuan(proposal.figures.objective), bound=_yuan(proposal.bound), gap=proposal.gap,
                   status=proposal.status, wall_time=round(proposal.wall_time, 3), components=proposal.components,
                   baseline_served=proposal.baseline.served if proposal.baseline else None)
    if proposal.weight_bound is not None:
        kept = [a for a in built.asked if a.pinned and a.key not in built.refused]
        rest = proposal.weight_bound - built.kept_weight * len(kept)
        free = sum(a.weight for a in built.asked if not a.pinned and a.key not in built.refused)
        figures["weight_bound"] = sum(a.weight for a in kept) + max(0, min(rest, free))
    return figures


# -- showing it ----------------------------------------------------------------------


@dataclass
class Line:
    """One request of a stored proposal, as shown: what was asked, what it gets (or not) and why."""

    key: str
    request: dict
    resource: dict | None
    resource_id: int | None
    was: dict | None
    fee: str | None
    idle: int | None
    moved: bool
    reasons: tuple

    @property
    def text(self) -> str:
        return " ".join(str(r) for r in self.reasons)

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(self.request["starts_at"])

    @property
    def ends_at(self) -> datetime:
        return datetime.fromisoformat(self.request["ends_at"])


def lines(run: AllocationRun) -> tuple[list[Line], list[Line]]:
    """(assignments, unserved) of ``run``, reasons ready to be rendered in the current language."""
    result = run.result or {}
    requests = {r["key"]: r for r in result.get("requests", ())}
    resources = result.get("resources", {})

    def line(row, resource_id=None):
        request = requests[row["key"]]
        was = resources.get(str(request["resource_id"])) if request.get("resource_id") else None
        return Line(row["key"], request, resources.get(str(resource_id)) if resource_id else None, resource_id,
                    was, row.get("fee"), row.get("idle"), bool(row.get("moved")), load_all(row.get("reasons")))

    given = [line(row, row["resource_id"]) for row in result.get("assignments", ())]
    given.sort(key=lambda x: (x.request["starts_at"], x.key))
    return given, [line(row) for row in result.get("unserved", ())]


def reason_rows(reasons) -> list[dict]:
    """Reasons for the API: each code with its sentence in the caller's language."""
    return [{"code": getattr(r, "code", ""), "text": str(r)} for r in reasons]


def summary(run: AllocationRun) -> dict:
    """The run as the API shows it: its scope and state, figures, and every line with its reasons rendered."""
    given, refused = lines(run)
    return {"id": run.id, "mode": run.mode, "status": run.status, "project_id": run.project_id,
            "starts_at": run.starts_at, "ends_at": run.ends_at,
            "kinds": run.kinds.split(",") if run.kinds else [], "created_at": run.created_at,
            "created_by_id": run.created_by_id, "applied_at": run.applied_at, "applied_by_id": run.applied_by_id,
            "problem": run.problem, "figures": (run.result or {}).get("figures", {}),
            "assignments": [_line_json(x) for x in given], "unserved": [_line_json(x) for x in refused]}


def _line_json(line: Line) -> dict:
    r = line.request
    return {"request": line.key, "need_id": r.get("need_id"), "booking_id": r.get("booking_id"),
            "project_id": r["project_id"], "project": r["project"], "name": r["name"], "kind": r["kind"],
            "starts_at": line.starts_at, "ends_at": line.ends_at, "layout": r.get("layout"),
            "guests": r.get("guests"), "quantity": r["quantity"], "weight": r["weight"],
            "resource_id": line.resource_id, "resource_code": (line.resource or {}).get("code"),
            "resource_name": (line.resource or {}).get("name"),
            "moved_from": r.get("resource_id") if line.moved else None, "fee": line.fee, "idle": line.idle,
            "reasons": reason_rows(line.reasons), "explanation": line.text}
