from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "investledger.leads"
    label = "leads"
    verbose_name = _("Leads and referrers")

    def ready(self) -> None:
        # The opportunities' inbox offers "open a lead" on each interest; opportunities imports no lead.
        from investledger.escalation import notifications
        from investledger.leads.digest import overdue_leads_section
        from investledger.leads.views_interest import inbox_offers
        from investledger.ledger.opportunities import views as opportunity_views

        if inbox_offers not in opportunity_views.INBOX_OFFERS:
            opportunity_views.INBOX_OFFERS.append(inbox_offers)
        # The daily digest lists the overdue leads; escalation imports no lead.
        if overdue_leads_section not in notifications.DIGEST_SECTIONS:
            notifications.DIGEST_SECTIONS.append(overdue_leads_section)
