"""The staff's generated admin UI (Flask-Admin), permission-aware from the base class up."""
from core.admin.base import SecureModelView, SecureView  # noqa: F401
