"""Django's PostgreSQL backend, with timestamps parsed by psycopg's C loader.

Django pins the time zone of loaded timestamps by registering a pure-Python subclass of
psycopg's ``timestamptz`` loader, so every timestamp is parsed by a regular expression in
Python (~4 µs each; a 30-day API list loads 60 of them). Django also keeps every connection in
UTC when ``USE_TZ`` is on, and psycopg's C loader then returns the very same aware UTC
datetimes, so in that case this backend hands the parsing to it. Any other time zone setup
keeps Django's loader.

It also lets a query ask to be a prepared statement (psycopg's ``execute(..., prepare=True)``,
used by the insights store, whose statements are planned once per connection instead of once
per recompute). Django turns prepared statements off altogether (``prepare_threshold`` None)
because a connection pooler in transaction mode loses them; here nothing is prepared unless it
asks, and setting ``OPTIONS["prepare_threshold"]`` (None included) still decides.
"""

import sys
from datetime import UTC
from functools import cache

from django.db.backends.postgresql import base
from psycopg import adapt, adapters
from psycopg.pq import Format

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
PSYCOPG_LOADER = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)  # the C one when compiled
PREPARE_ON_REQUEST = sys.maxsize  # a psycopg threshold no query reaches by being repeated


class UtcTimestamptzLoader(adapt.Loader):
    """psycopg's own loader behind the ``timezone`` attribute Django checks on each cursor."""

    timezone = UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._load = PSYCOPG_LOADER(oid, context).load

    def load(self, data):
        return self._load(data)


@cache
def _adapters(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    """Django's (cached) adapter template with the fast loader; one per template."""
    fast = adapt.AdaptersMap(template)
    fast.register_loader("timestamptz", UtcTimestamptzLoader)
    return fast


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.timezone is UTC and self.timezone_name == "UTC" and "context" in params:
            params["context"] = _adapters(params["context"])
        if "prepare_threshold" not in self.settings_dict["OPTIONS"]:
            params["prepare_threshold"] = PREPARE_ON_REQUEST
        return params
