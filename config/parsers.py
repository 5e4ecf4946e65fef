"""The API's one request format: JSON (mobile apps and scripts; the web forms post to pages)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSON that the diary can store, or a 400 naming what is wrong.

    Two kinds of valid JSON would otherwise fail deep inside (a 500): a pathologically nested
    document, and a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8 text can hold, in
    any key or value (a body-map area, a choice, a batch operation's name).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        path = _unstorable_text(data)
        if path is not None:
            raise ParseError(
                f"Text at {path or 'the top level'} contains a character that cannot be stored "
                "(a lone UTF-16 surrogate)."
            )
        return data


def _unstorable_text(value, path: str = "") -> str | None:
    """The path (``a.b[2]``) of the first string or key that is not valid Unicode text."""
    if isinstance(value, str):
        return None if value.isascii() or _encodes(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if not _encodes(key):
                return where.encode("utf-8", "backslashreplace").decode()
            found = _unstorable_text(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unstorable_text(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
