"""One API router; each app registers its viewsets in its own `api.py` through `ROUTES`.

The apps are those registered in `INSTALLED_APPS` (settings), so a new app needs no line here.
"""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for config in apps.get_app_configs():
    if not config.name.startswith("investledger."):
        continue
    name = f"{config.name}.api"
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        continue
    for prefix, viewset, basename in getattr(module, "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)
