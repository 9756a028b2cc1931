"""DRF settings hooks (pagination, error format). Kept apart from viewsets to avoid an import cycle."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """Turn model validation errors raised by services into field-level HTTP 400 answers, and give
    every HTTP 409 its one shape (core.api.Conflict)."""
    from investledger.core.api import Conflict

    if isinstance(exc, Conflict):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """Django's 404 handler: an address under /api/ that matches no route (an id with a dot in it,
    a misspelt path) answers in the API's JSON error format, like every other API error; pages keep
    Django's own page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
