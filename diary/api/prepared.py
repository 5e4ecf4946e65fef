"""Diary lists whose SQL the ORM compiles once per shape instead of once per request.

Django compiles a queryset's SQL on every evaluation. For the 52-column day row that costs
about as much as running the query (~0.6 ms of a 30-day list), and the API lists come in a
handful of shapes: which filters are present, the ordering, the page window. ``PreparedRows``
therefore lets the ORM compile each shape once, with placeholder values, checks that the
placeholders come back as the query's parameters exactly, and later binds each request's own
values to that SQL. A shape that does not pass the check (SQLite turns dates into strings, a
lookup rewrites its value, a column needs a converter) is remembered and served by the ORM
as usual, so the result never depends on the shortcut.

It offers what ``CursorPagination`` and the write path's row lock use of a queryset: ``model``,
``order_by``, ``filter``, ``select_for_update``, slicing and iteration.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from functools import lru_cache

from django.db import connections, router
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import Col

# Values bound as parameters, with a placeholder of the same type for compiling (k: position).
PLACEHOLDERS = {
    int: lambda k: -(10**12) - k,
    str: lambda k: f"\x1fplaceholder-{k}",
    dt.date: lambda k: dt.date(1000 + k, 1, 1),
    dt.datetime: lambda k: dt.datetime(1000 + k, 1, 1, tzinfo=dt.UTC),
    uuid.UUID: lambda k: uuid.UUID(int=k + 1),
}


@dataclass(frozen=True)
class CompiledShape:
    sql: str
    slots: tuple[int | None, ...]  # per SQL parameter: which filter value it is (None: constant)
    constants: tuple  # the compiled parameters (used where the slot is None)
    attnames: tuple[str, ...]  # the selected columns, in order

    def parameters(self, values: list) -> list:
        return [
            constant if slot is None else values[slot]
            for slot, constant in zip(self.slots, self.constants, strict=True)
        ]


@dataclass(frozen=True)
class PreparedRows:
    """``model`` rows matching ``conditions`` (a Q with plain lookups), ordered and sliced."""

    model: type[Model]
    conditions: Q
    ordering: tuple[str, ...] = ()
    window: tuple[int | None, int | None] = (None, None)
    lock: bool = False

    def order_by(self, *ordering) -> PreparedRows:
        return replace(self, ordering=ordering)

    def filter(self, **lookups) -> PreparedRows:
        more = Q(**{name: self._python_value(name, value) for name, value in lookups.items()})
        return replace(self, conditions=self.conditions & more)

    def select_for_update(self) -> PreparedRows:
        return replace(self, lock=True)

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None or self.window != (None, None):
            return self.queryset()[item]
        return replace(self, window=(item.start, item.stop))

    def __iter__(self):
        return iter(self._fetch())

    def queryset(self) -> QuerySet:
        """The same rows as a plain queryset (what a shape without compiled SQL runs)."""
        rows = self.model.objects.filter(self.conditions).order_by(*self.ordering)
        if self.lock:
            rows = rows.select_for_update()
        start, stop = self.window
        return rows[start:stop] if (start, stop) != (None, None) else rows

    def _fetch(self) -> list:
        values: list = []
        alias = router.db_for_read(self.model)
        try:
            shape = _shape(self.conditions, values)
            compiled = _compile(self.model, alias, shape, self.ordering, self.window, self.lock)
        except Unpreparable:
            compiled = None
        if compiled is None:
            return list(self.queryset())
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, compiled.parameters(values))
            rows = cursor.fetchall()
        return [self.model.from_db(alias, compiled.attnames, row) for row in rows]

    def _python_value(self, lookup: str, value):
        """A cursor position arrives as text; compare it as the field's own type."""
        if not isinstance(value, str):
            return value
        return self.model._meta.get_field(lookup.split("__")[0]).to_python(value)


class Unpreparable(Exception):
    """Conditions with a value that is not bound as is (a model instance, a list, a naive
    datetime): the ORM runs them."""


def _shape(node: Q, values: list) -> tuple:
    """The structure of ``node`` without its values (appended to ``values``); an ``isnull``
    shapes the SQL, so its True/False stays in the structure."""
    parts = []
    for child in node.children:
        if isinstance(child, Q):
            parts.append(_shape(child, values))
            continue
        lookup, value = child
        if lookup.endswith("__isnull") and isinstance(value, bool):
            parts.append(("literal", lookup, value))
        elif type(value) in PLACEHOLDERS and getattr(value, "tzinfo", True) is not None:
            parts.append(("value", lookup, type(value)))
            values.append(value)
        else:
            raise Unpreparable(lookup)
    return ("node", node.connector, node.negated, tuple(parts))


def _rebuild(shape: tuple, placeholders: list) -> Q:
    """A Q of ``shape`` with a distinct placeholder for every value (appended, in order)."""
    _, connector, negated, parts = shape
    node = Q(_connector=connector, _negated=negated)
    for kind, *rest in parts:
        if kind == "literal":
            node.children.append(tuple(rest))
        elif kind == "value":
            lookup, value_type = rest
            placeholder = PLACEHOLDERS[value_type](len(placeholders))
            placeholders.append(placeholder)
            node.children.append((lookup, placeholder))
        else:
            node.children.append(_rebuild((kind, *rest), placeholders))
    return node


@lru_cache(maxsize=512)
def _compile(model, alias, shape, ordering, window, lock) -> CompiledShape | None:
    """The SQL of one shape, or None when binding values to it would not match the ORM."""
    placeholders: list = []
    conditions = _rebuild(shape, placeholders)
    rows = PreparedRows(model, conditions, ordering, window, lock).queryset()
    compiler = rows.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    slots = [_slot(param, placeholders) for param in params]
    if set(slots) - {None} != set(range(len(placeholders))):
        return None  # a value was rewritten or shaped the SQL instead of being bound as is
    columns = [expression for expression, _sql, _alias in compiler.select]
    if not all(isinstance(col, Col) and col.target.model is model for col in columns):
        return None
    if compiler.get_converters(columns) or compiler.klass_info is None:
        return None
    attnames = tuple(col.target.attname for col in columns)
    return CompiledShape(sql, tuple(slots), tuple(params), attnames)


def _slot(param, placeholders: list) -> int | None:
    for k, placeholder in enumerate(placeholders):
        if type(param) is type(placeholder) and param == placeholder:
            return k
    return None
