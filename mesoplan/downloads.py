"""A file the browser downloads rather than shows: the answer both the pages and the API
give for an export."""

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse


def csv_download(body: str | Iterable[str], filename: str) -> HttpResponse | StreamingHttpResponse:
    """The CSV as an attachment: a text at once, or lines streamed as they come (the
    first byte leaves with the header, and the worker holds one chunk at a time)."""
    if isinstance(body, str):
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            body, content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
