"""The report as a PDF file: the same template and print stylesheet, laid out by WeasyPrint.

Browsers print the report page well, but a clinician often wants a file to attach to the
record, and peers' users ask for "a proper PDF rather than print this page". WeasyPrint renders
the page's ``@media print`` rules on the server, plus ``css/report-pdf.css`` (linked when the
template sees ``pdf``).

Nothing leaves the server while it does: the fetcher reads the page's own static files from
disk and refuses every other address, so no template change can make the PDF step request a
URL (no server-side request forgery, no fetching the site from itself).

WeasyPrint needs the Pango system library. It is imported on first use, so a machine without
Pango still serves every page; the download then says it is unavailable (``PdfUnavailable``).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlparse

from django.conf import settings


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library it needs) is not installed on this server."""


def pdf_response(request, template: str, context: dict, *, filename: str):
    """``template`` as a PDF attachment; it sees ``pdf`` true, to link the PDF-only rules."""
    response_class = _response_class()
    return response_class(
        request, template, context | {"pdf": True}, filename=filename, attachment=True
    )


def static_files_only():
    """The fetcher the PDF renderer uses (see the module docstring)."""
    return _response_class().url_fetcher_class()


@cache
def _response_class():
    try:
        from django_weasyprint.utils import DjangoURLFetcher
        from django_weasyprint.views import WeasyTemplateResponse
    except (ImportError, OSError) as error:  # OSError: the Pango library is missing
        raise PdfUnavailable(str(error)) from error

    class StaticFilesOnly(DjangoURLFetcher):
        """Static files from disk (through the staticfiles finders); nothing else."""

        def fetch(self, url, headers=None):
            path = urlparse(url).path
            static = url.startswith("file:") and path.startswith(settings.STATIC_URL)
            if static and ".." not in path:
                return super().fetch(url, headers)
            raise ValueError(f"the PDF renderer fetches only static files, not {url!r}")

    class PdfResponse(WeasyTemplateResponse):
        """A template rendered to a PDF download; ``/static/...`` resolves on disk."""

        url_fetcher_class = StaticFilesOnly

        def get_base_url(self):
            return "file:///"

    return PdfResponse
