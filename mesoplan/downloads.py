"""A file the browser downloads rather than shows: the answer both the pages and the API
give for an export."""

from django.http import HttpResponse


def csv_download(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
