"""Keyset ("seek") pagination for every API list.

A page ends at its last item; the next page holds the items strictly after it in the view's
ordering, compared on *all* the ordering columns (the last one unique, e.g. ``id``). Unlike an
offset, or DRF's cursor (a position plus an offset among equal values), nothing is skipped or
repeated when rows are inserted, edited or moved while a client pages: a row edited meanwhile
gets a new ``updated_at`` and so comes again, later in the change feed.
"""

import base64
import binascii
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 500


class KeysetPagination(BasePagination):
    """Pages in the order of ``view.cursor_ordering(request)`` (e.g. ``("updated_at", "id")``)."""

    page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        ordering = tuple(view.cursor_ordering(request))
        size = self._page_size(request)
        after = self._decode(request, queryset.model, ordering)
        if after is not None:
            queryset = queryset.filter(_after(ordering, after))
        rows = list(queryset.order_by(*ordering)[: size + 1])
        self.next_values = _values(rows[size - 1], ordering) if len(rows) > size else None
        self.request = request
        return rows[:size]

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_next_link(self):
        if self.next_values is None:
            return None
        token = base64.urlsafe_b64encode(json.dumps(self.next_values).encode()).decode()
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, token)

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return int(raw)

    def _decode(self, request, model, ordering) -> list | None:
        """The last item's ordering values, as the fields' Python values; forged ones are 400."""
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            if not isinstance(values, list) or len(values) != len(ordering):
                raise ValueError("wrong shape")
            return [
                model._meta.get_field(name.lstrip("-")).to_python(value)
                for name, value in zip(ordering, values, strict=True)
            ]
        except (ValueError, TypeError, UnicodeError, binascii.Error, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from None

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next` link's cursor (opaque).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (1-{MAX_PAGE_SIZE}, default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": ["string", "null"], "format": "uri"},
                "results": schema,
            },
        }


def _values(row, ordering) -> list[str]:
    """The last row's ordering values as text (``_decode`` reads them back with ``to_python``)."""
    return [row._meta.get_field(name.lstrip("-")).value_to_string(row) for name in ordering]


def _after(ordering, values) -> Q:
    """Rows strictly after ``values`` in ``ordering``: (a > x) or (a = x and b > y) or ..."""
    condition = Q(pk__in=[])
    for index, name in enumerate(ordering):
        field = name.lstrip("-")
        step = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": values[index]})
        for earlier, value in zip(ordering[:index], values[:index], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition
