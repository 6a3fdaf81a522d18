"""The blueprint API modules are written with: flask-smorest's, parsing arguments a little cheaper.

webargs makes a new instance of an arguments schema given as a class on
every request, to give each its own ``context``; marshmallow 4 has no
context, and a schema is not changed by loading, so one instance per class
serves every request. Plugins import ``Blueprint`` from here; a plugin on
flask-smorest's own works the same, a little slower.
"""
from __future__ import annotations

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser


class ArgumentsParser(FlaskParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._instances: dict[type, Schema] = {}

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._instances.get(argmap)
            if schema is None:
                schema = self._instances[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()
