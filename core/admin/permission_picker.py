"""Choosing a role's permissions from the declared catalogue, grouped by module.

Only permissions that the kernel or a loaded plugin declares can be chosen;
a permission a role holds that nobody declares any more (its plugin was
removed) is kept as it is rather than silently dropped on save.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import ValidationError

from core.security.models import RolePermission
from core.web.i18n import chosen_locale

#: How the usual actions read when a plugin titles its permissions ``(object title, action)``.
ACTION_LABELS = {
    "read": _l("read"), "create": _l("create"), "update": _l("update"),
    "delete": _l("delete"), "export": _l("export"), "approve": _l("approve"),
}


def permission_label(permission) -> str:
    title = permission.title
    if isinstance(title, tuple) and len(title) == 2:
        obj, action = title
        return f"{obj}: {ACTION_LABELS.get(action, action)}"
    return str(title) if title else permission.id


@dataclass
class PermissionGroup:
    key: str
    title: str
    enabled: bool
    permissions: list  # (id, label)


def catalogue_groups() -> list[PermissionGroup]:
    """Declared permissions grouped by the module declaring them, kernel first."""
    kernel = current_app.extensions["huiwu"]
    enabled = kernel.registry.enabled(kernel.session())
    locale = chosen_locale()
    by_owner: dict[str | None, list] = {}
    for perm_id, perm in sorted(kernel.permissions.items()):
        by_owner.setdefault(kernel.permission_plugin.get(perm_id), []).append((perm_id, permission_label(perm)))
    groups = [PermissionGroup("core", _("System"), True, by_owner.get(None, []))]
    for plugin in kernel.registry.loaded:
        if plugin.name in by_owner:
            groups.append(PermissionGroup(plugin.name, plugin.manifest.title_for(locale),
                                          plugin.name in enabled, by_owner[plugin.name]))
    return groups


def catalogue_labels() -> dict[str, str]:
    return {pid: label for group in catalogue_groups() for pid, label in group.permissions}


def _toggle(label, checked: bool) -> str:
    script = ("this.closest('fieldset').querySelectorAll('input[type=checkbox]')"
              f".forEach(function (box) {{ box.checked = {str(checked).lower()}; }}); return false;")
    return f'<a href="#" class="small font-weight-normal ml-2" onclick="{script}">{escape(label)}</a>'


class GroupedCheckboxes:
    """Renders the catalogue as one fieldset of checkboxes per module."""

    def __call__(self, field, **kwargs):
        chosen = set(field.data or ())
        toggles = _toggle(_("all"), True) + _toggle(_("none"), False)
        disabled = _("disabled")
        html = [f'<div class="huiwu-permissions" id="{escape(field.id)}">']
        for group in catalogue_groups():
            state = "" if group.enabled else f' <span class="badge badge-light">{escape(disabled)}</span>'
            html.append(f'<fieldset class="huiwu-permission-group" data-module="{escape(group.key)}">'
                        f'<legend>{escape(group.title)}{state}{toggles}</legend><div class="row">')
            for perm_id, label in group.permissions:
                box_id = f"perm-{perm_id.replace('.', '-')}"
                checked = " checked" if perm_id in chosen else ""
                html.append(
                    f'<div class="col-md-6 col-xl-4"><div class="custom-control custom-checkbox">'
                    f'<input type="checkbox" class="custom-control-input" name="{escape(field.name)}" '
                    f'id="{box_id}" value="{escape(perm_id)}"{checked}>'
                    f'<label class="custom-control-label" for="{box_id}">{escape(label)} '
                    f'<code class="text-muted small">{escape(perm_id)}</code></label></div></div>'
                )
            html.append("</div></fieldset>")
        html.append("</div>")
        return Markup("".join(html))


class PermissionsField(Field):
    """A role's permission ids; reads ``Role.permission_ids``, writes ``Role.permissions``."""

    widget = GroupedCheckboxes()

    def process_data(self, value):
        self.data = sorted(value or ())

    def process_formdata(self, valuelist):
        self.data = sorted(set(valuelist))

    def pre_validate(self, form):
        declared = current_app.extensions["huiwu"].permissions
        unknown = [p for p in self.data or () if p not in declared]
        if unknown:
            raise ValidationError(_("Unknown permission: %(ids)s", ids=", ".join(unknown)))

    def populate_obj(self, obj, name):
        declared = current_app.extensions["huiwu"].permissions
        have = obj.permission_ids
        wanted = set(self.data or ()) | {p for p in have if p not in declared}
        obj.permissions = [p for p in obj.permissions if p.permission in wanted] + [
            RolePermission(permission=p) for p in sorted(wanted - have)
        ]
