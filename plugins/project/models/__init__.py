"""The project plugin's tables (all named ``project_<thing>``)."""
from plugins.project.models.change import ChangeRequest, ClientAccess
from plugins.project.models.project import OrderLine, Project, Requirement
from plugins.project.models.task import (
              Milestone,
              Task,
              TaskTemplate,
              TaskUpdate,
              task_dependency,
)

ALL_MODELS = [Project, Requirement, OrderLine, TaskTemplate, Task, TaskUpdate, Milestone, ChangeRequest,
              ClientAccess]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "task_dependency"]
