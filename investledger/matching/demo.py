"""Demo profiles: what each demo investor looks for, read from what the demo ledger says it signed.

For every investor of the demo ledger that leads a project and has no profile yet, the profile states
the sectors of its projects, a ticket range from its smallest to its largest disclosed amount, and
the districts hosting its projects, each with its source: the projects it was read from and the day
the latest was signed. Nothing else is stated (the ledger does not say which cooperation modes an
investor prefers). Written through `investors.services.profile_save`, audited as `command:demo`;
an investor that has a profile is left as it is, so loading twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from investledger.ledger.investors.models import Investor, InvestorProfile
from investledger.ledger.investors.services import profile_save
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area


def _district_of(area: Area) -> int:
    ids = [int(x) for x in area.path.strip("/").split("/") if x]
    return ids[1] if len(ids) > 1 else ids[0]  # below the city: its district or county


def _source(projects: list[Project]) -> dict:
    latest = max((p.signed_on for p in projects if p.signed_on), default=None)
    names = "; ".join(p.name for p in projects[:3]) + ("…" if len(projects) > 3 else "")
    text = f"Demo: read from its {len(projects)} project(s) in the ledger ({names})"[:300]
    return {"text": text, "url": "", "on": latest.isoformat() if latest else ""}


def load(stdout=None) -> dict[str, int]:
    have = set(InvestorProfile.objects.values_list("investor_id", flat=True))
    led: dict[int, list[Project]] = defaultdict(list)
    projects = Project.objects.filter(investor__is_demo=True).select_related("host_area").order_by("signed_on", "pk")
    for project in projects:
        if project.investor_id not in have:
            led[project.investor_id].append(project)
    made = 0
    for investor in Investor.objects.filter(pk__in=led).order_by("pk"):
        mine = led[investor.pk]
        source = _source(mine)
        if not source["on"]:
            continue
        amounts = [p.contract_value_cny for p in mine if not p.value_undisclosed and p.contract_value_cny]
        sources = {fact: source for fact in ("sectors", "regions")}
        fields: dict = {"sources": sources}
        if amounts:
            fields |= {"ticket_min_cny": min(amounts), "ticket_max_cny": max(amounts)}
            sources["ticket"] = source
        profile_save(
            investor=investor,
            fields=fields,
            sectors=sorted({p.sector_id for p in mine if p.sector_id}),
            regions=sorted({_district_of(p.host_area) for p in mine}),
            audit_message="demo data",
        )
        made += 1
    if stdout is not None:
        stdout.write(f"  {made} investor profiles")
    return {"profiles": made}
