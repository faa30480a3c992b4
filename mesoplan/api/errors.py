"""Exception handler: domain errors become 409/400 with a body a client can act on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mesoplan.errors import Conflict, InvalidInput


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        body = {"detail": exc.message, "code": exc.code, **exc.details}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
