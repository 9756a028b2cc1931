#!/usr/bin/env python
"""Matching speed benchmark: one opportunity against 100,000 investor profiles, one investor against
10,000 opportunities.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/il_bench_match .venv/bin/python scripts/bench_matching.py
    .venv/bin/python scripts/bench_matching.py --profiles 20000       # SQLite, var/bench.sqlite3

The data set is a benchmark fixture written with `bulk_create` (no services, no audit trail), on top
of the synthetic ledger of `bench_ledger.py` (its city, 30 sectors in 6 chains, its investors and
projects): one profile per investor, with 1 to 3 sectors, a ticket range, 0 to 2 preferred areas,
1 or 2 cooperation modes and a line of stated plans. It refuses any database whose name does not
contain "bench" and rebuilds it when the data set does not have the requested size.

What it measures: the time of `matching.selectors.investors_for` (candidates chosen in the database,
then scored in Python with their reasons, the 20 best kept) for an opportunity drawn at random
(sector, amount, area, mode, description), after warm-up calls, for the administrator and for a
district officer; and the time of `matching.selectors.opportunities_for` (an investor drawn at random
among those with a profile, against the opportunities: one published list per area, each opportunity
with a category, one or two sectors, an amount, a mode and a line of description), likewise; and the
public catalogue page (`/opportunities/public/`, no sign-in, through the whole middleware stack) on its
first page, filtered by category, area, sector, size and mode, and on page 100. It prints p50 / p95 /
max in milliseconds and the candidates scored per call.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_ledger  # noqa: E402  (the ledger fixture and the Django set-up of the ledger benchmark)

MODES = ["equity", "ppp", "lease", "sale", "joint"]
PLANS = ["新建生产基地", "扩大西部产能", "设立区域总部", "建设研发中心", "投资产业园区", "并购本地企业"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", bench_ledger.DEFAULT_URL))
    parser.add_argument("--profiles", type=int, default=100_000, help="investors, each with a profile")
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40, help="timed calls per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls per scenario first")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--seed", type=int, default=20230412)
    parser.add_argument(
        "--favour", action="store_true", help="run at nice -15, with the database backend (a shared machine)"
    )
    return parser.parse_args()


def ticket(rng) -> tuple[Decimal | None, Decimal | None]:
    """A ticket range around a log-normal centre (RMB 300 million), a tenth open at one end."""
    centre = rng.lognormvariate(19.5, 1.3)
    low, high = Decimal(centre / 3).quantize(Decimal("10000")), Decimal(centre * 3).quantize(Decimal("10000"))
    roll = rng.random()
    return (None, high) if roll < 0.05 else (low, None) if roll < 0.1 else (low, high)


def generate_profiles(args):
    from django.db import connection, transaction

    from investledger.ledger.investors.models import Investor, InvestorProfile
    from investledger.reference.models import Area, Sector

    rng = random.Random(args.seed)
    sectors = list(Sector.objects.values_list("pk", flat=True))
    areas = list(Area.objects.exclude(kind="city").values_list("pk", flat=True))
    investor_ids = list(Investor.objects.order_by("pk").values_list("pk", flat=True))
    chunk = 10_000
    for start in range(0, len(investor_ids), chunk):
        batch = investor_ids[start : start + chunk]
        profiles = []
        for investor_id in batch:
            low, high = ticket(rng)
            profiles.append(
                InvestorProfile(
                    investor_id=investor_id,
                    ticket_min_cny=low,
                    ticket_max_cny=high,
                    modes=rng.sample(MODES, rng.randint(1, 2)),
                    plans=rng.choice(PLANS),
                )
            )
        with transaction.atomic():
            InvestorProfile.objects.bulk_create(profiles, batch_size=2000)
            links = InvestorProfile.sectors.through
            regions = InvestorProfile.regions.through
            links.objects.bulk_create(
                [
                    links(investorprofile_id=p.pk, sector_id=s)
                    for p in profiles
                    for s in rng.sample(sectors, rng.randint(1, 3))
                ],
                batch_size=5000,
            )
            regions.objects.bulk_create(
                [
                    regions(investorprofile_id=p.pk, area_id=a)
                    for p in profiles
                    for a in rng.sample(areas, rng.randint(0, 2))
                ],
                batch_size=5000,
            )
        print(f"  {start + len(batch):,} profiles", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate_opportunities(args):
    """One published list per area below the city, and `args.opportunities` open opportunities spread over
    them (bulk_create: a fixture, no services and no audit trail, as the profiles)."""
    from django.db import connection, transaction

    from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory, OpportunityList
    from investledger.reference.models import Area, Sector

    rng = random.Random(args.seed + 2)
    sectors = list(Sector.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    categories = list(OpportunityCategory.objects.values_list("pk", flat=True))
    areas = list(Area.objects.exclude(kind="city").order_by("pk"))
    with transaction.atomic():
        Opportunity.sectors.through.objects.all().delete()
        Opportunity.objects.all().delete()
        OpportunityList.objects.all().delete()
        lists = OpportunityList.objects.bulk_create(
            [
                OpportunityList(title=f"{area.name}机会清单", publishing_area=area, published=True, is_demo=True)
                for area in areas
            ]
        )
        rows = []
        for n in range(args.opportunities):
            index = rng.randrange(len(areas))
            amount = Decimal(rng.lognormvariate(20.5, 1.2)).quantize(Decimal("10000"))
            rows.append(
                Opportunity(
                    list=lists[index],
                    category_id=rng.choice(categories),
                    host_area=areas[index],
                    title=f"机会 {n}",
                    estimated_value=amount,
                    estimated_value_cny=amount,
                    cooperation_mode=rng.choice(MODES),
                    description=rng.choice(PLANS),
                    is_demo=True,
                )
            )
        Opportunity.objects.bulk_create(rows, batch_size=2000)
        links = Opportunity.sectors.through
        links.objects.bulk_create(
            [links(opportunity_id=o.pk, sector_id=s) for o in rows for s in rng.sample(sectors, rng.randint(1, 2))],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {len(rows):,} opportunities on {len(lists):,} lists", flush=True)


def ensure_data(args):
    from django.core.management import call_command

    from investledger.ledger.investors.models import InvestorProfile
    from investledger.ledger.opportunities.models import Opportunity

    call_command("migrate", verbosity=0, interactive=False)
    have = InvestorProfile.objects.count()
    if args.regenerate or have != args.profiles:
        ledger = SimpleNamespace(projects=args.projects, investors=args.profiles, events=100, seed=args.seed)
        bench_ledger.generate(ledger)
        print(f"» {args.profiles:,} investor profiles", flush=True)
        generate_profiles(args)
    else:
        print(f"» reusing the data set: {have:,} profiles", flush=True)
    if args.regenerate or Opportunity.objects.count() != args.opportunities:
        print(f"» {args.opportunities:,} opportunities", flush=True)
        generate_opportunities(args)


def random_opportunity(rng, sectors, areas):
    from investledger.matching import scoring

    return scoring.Opportunity(
        id=0,
        sector_ids=frozenset({rng.choice(sectors)}),
        amount_cny=Decimal(rng.lognormvariate(20.5, 1.2)).quantize(Decimal("10000")),
        area_path=rng.choice(areas),
        mode=rng.choice(MODES),
        text=rng.choice(PLANS),
    )


def measure(args):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from investledger.ledger.investors.models import Investor
    from investledger.matching.selectors import investors_for, opportunities_for
    from investledger.reference.models import Area, Sector

    favoured = bench_ledger.favour() if args.favour else "normal priority"
    rng = random.Random(args.seed + 1)
    sectors = list(Sector.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    areas = list(Area.objects.exclude(kind="city").values_list("path", flat=True))
    users = get_user_model().objects
    rows = []
    for name, username in (
        ("opportunity → investors (administrator)", "bench_admin"),
        ("opportunity → investors (district officer)", "bench_officer"),
    ):
        user = users.get(username=username)
        timings, scored = [], []
        for n in range(args.warmup + args.requests):
            opportunity = random_opportunity(rng, sectors, areas)
            started = time.perf_counter()
            matches = investors_for(opportunity, user, limit=None)
            elapsed = (time.perf_counter() - started) * 1000
            if n >= args.warmup:
                timings.append(elapsed)
                scored.append(len(matches))
        rows.append((name, timings, scored))
    with_profile = list(Investor.objects.filter(profile__isnull=False).values_list("pk", flat=True))
    for name, username in (
        ("investor → opportunities (administrator)", "bench_admin"),
        ("investor → opportunities (district officer)", "bench_officer"),
    ):
        user = users.get(username=username)
        timings, scored = [], []
        for n in range(args.warmup + args.requests):
            investor = Investor(pk=rng.choice(with_profile))
            started = time.perf_counter()
            matches = opportunities_for(investor, user, limit=None)
            elapsed = (time.perf_counter() - started) * 1000
            if n >= args.warmup:
                timings.append(elapsed)
                scored.append(len(matches))
        rows.append((name, timings, scored))
    rows.extend(measure_catalogue(args, rng))
    print(
        f"\n{connection.vendor}, {args.profiles:,} profiles, {args.opportunities:,} opportunities, load average {os.getloadavg()[0]:.1f}, {favoured}, "
        f"Python {platform.python_version()}"
    )
    print("| scenario | p50 ms | p95 ms | max ms | candidates scored (median) |")
    print("|---|---:|---:|---:|---:|")
    for name, timings, scored in rows:
        p50, p95 = bench_ledger.percentile(timings, 0.5), bench_ledger.percentile(timings, 0.95)
        scored_median = f"{statistics.median(scored):,.0f}" if any(scored) else "—"
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {max(timings):.0f} | {scored_median} |")


def measure_catalogue(args, rng):
    """The public catalogue page (no sign-in) over the open opportunities: its first page, a filter by
    category, by area, by sector and by size, and a deep page; each request draws its filter values."""
    from django.test import Client

    from investledger.ledger.opportunities.models import OpportunityCategory
    from investledger.reference.models import Area, Sector

    categories = list(OpportunityCategory.objects.values_list("pk", flat=True))
    areas = list(Area.objects.exclude(kind="city").values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    client = Client()
    url = "/opportunities/public/"
    draws = {
        "public catalogue: first page": lambda: {},
        "public catalogue: category": lambda: {"category": rng.choice(categories)},
        "public catalogue: area": lambda: {"area": rng.choice(areas)},
        "public catalogue: sector": lambda: {"sector": rng.choice(sectors)},
        "public catalogue: size and mode": lambda: {
            "size": rng.choice(["under_1", "1_10", "10_50", "50_up"]),
            "mode": rng.choice(MODES),
        },
        "public catalogue: page 100": lambda: {"page": 100},
    }
    rows = []
    for name, draw in draws.items():
        timings = []
        if args.favour:
            client.get(url)
            bench_ledger.favour()  # the requests' connection may be a new backend
        for n in range(args.warmup + args.requests):
            params = draw()
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, params, response.status_code)
            if n >= args.warmup:
                timings.append(elapsed)
        rows.append((name, timings, [0]))
    return rows


def main():
    args = parse_args()
    bench_ledger.setup_django(args.database_url)
    ensure_data(args)
    measure(args)


if __name__ == "__main__":
    main()
