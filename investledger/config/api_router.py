"""One API router; each app registers its viewsets in its own `api.py` through `register()`."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for app in (
    "reference",
    "investors",
    "events",
    "projects",
    "supervision",
    "escalation",
    "reporting",
    "intake",
    "accounts",
    "history",
):
    try:
        module = import_module(f"investledger.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"investledger.{app}.api":
            raise
        continue
    for prefix, viewset, basename in getattr(module, "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)
