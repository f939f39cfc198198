"""Request hygiene shared by every page and API call.

* Ids in URLs are bounded to what an INTEGER column holds, so a 30-digit id is a
  plain 404 rather than a database overflow.
* A NUL character in a query or form value is refused up front with 400: no text
  field needs one, and PostgreSQL cannot store it.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_DB_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` with a default upper bound of the database's INTEGER."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DB_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_nul() -> None:
    if request.path.startswith("/api/"):
        return  # the API's own parameter parsing refuses NUL and names the parameter
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_nul)
