"""Parameters of the enterprises actors (see model/params.py: collected into the one schema)."""

from model.schema import Param, param  # noqa: F401

SPECS: list[Param] = []
