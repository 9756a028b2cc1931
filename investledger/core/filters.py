"""Filter classes shared by the apps' FilterSets."""

import django_filters as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class ObjectIdFilter(filters.ModelChoiceFilter):
    """Chooses an object by its id; documented in the OpenAPI schema as an integer."""
