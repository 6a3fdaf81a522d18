"""The "Timeline" page: every resource of a kind over a period, as a chart and a list."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app, request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from core.errors import ValidationFailed
from plugins.resources.admin.base import ResourcesPage, choices, zone
from plugins.resources.models.choices import KINDS
from plugins.resources.operations import timeline, timeline_chart

#: The list under the chart stops after this many bars (the chart shows them all).
LIST_LIMIT = 300
DEFAULT_DAYS = 7


class TimelineForm(FlaskForm):
    class Meta:
        csrf = False  # a view, sent with GET

    kind = SelectField(_l("Kind"), choices=choices(KINDS), default="venue")
    starts_on = DateField(_l("From (day)"), validators=[DataRequired()])
    ends_on = DateField(_l("Until (day, included)"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional()])


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone())


class TimelineView(ResourcesPage):
    required_permission = "resources.availability.read"

    @expose("/")
    def index(self):
        form = TimelineForm(formdata=request.args if request.args else None)
        if not request.args:
            today = datetime.now(zone()).date()
            form.starts_on.data, form.ends_on.data = today, today + timedelta(days=DEFAULT_DAYS - 1)
        data, chart = None, None
        if form.validate():
            session = current_app.extensions["huiwu"].session()
            try:
                data = timeline.for_kind(session, form.kind.data, day_start(form.starts_on.data),
                                         day_start(form.ends_on.data + timedelta(days=1)),
                                         city=(form.city.data or "").strip() or None)
                chart = timeline_chart.chart_html(session, data, url_for("huiwu_charts.plotly_js"))
            except ValidationFailed as exc:
                field = form._fields.get({"starts_at": "starts_on", "ends_at": "ends_on"}.get(exc.field, exc.field))
                if field is not None:
                    field.errors = [*field.errors, str(exc.message)]
        return self.render("resources/timeline.html", form=form, timeline=data, chart=chart,
                           titles={line.resource_id: line.title for line in data.lines} if data else {},
                           limit=LIST_LIMIT, status_label=timeline_chart.status_label)
