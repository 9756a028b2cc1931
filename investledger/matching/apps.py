from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "investledger.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # Imported here, not at the top: an app's modules that import models load once the registry is ready.
        from investledger.ledger.investors import views as investor_views
        from investledger.ledger.opportunities import views as opportunity_views
        from investledger.matching import views

        # An opportunity's page ranks the investors that fit it, with the matches dismissed.
        if views.opportunity_matches not in opportunity_views.OPPORTUNITY_PAGE:
            opportunity_views.OPPORTUNITY_PAGE.append(views.opportunity_matches)
        # An investor's page lists the opportunities that fit its profile.
        if views.investor_matches not in investor_views.INVESTOR_PAGE:
            investor_views.INVESTOR_PAGE.append(views.investor_matches)
