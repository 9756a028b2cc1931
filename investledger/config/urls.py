from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from investledger.config.api_router import router
from investledger.core.views import favicon

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects:project_list", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", favicon),
    path("accounts/", include("investledger.accounts.urls")),
    path("projects/", include("investledger.ledger.projects.urls")),
    path("events/", include("investledger.ledger.events.urls")),
    path("investors/", include("investledger.ledger.investors.urls")),
    path("opportunities/", include("investledger.ledger.opportunities.urls")),
    path("reference/", include("investledger.reference.urls")),
    path("supervision/", include("investledger.supervision.urls")),
    path("escalation/", include("investledger.escalation.urls")),
    path("leads/", include("investledger.leads.urls")),
    path("reports/", include("investledger.reporting.urls")),
    path("intake/", include("investledger.intake.urls")),
    path("history/", include("investledger.history.urls")),
    path("matching/", include("investledger.matching.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
]

handler404 = "investledger.core.drf.not_found"
