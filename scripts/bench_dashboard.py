#!/usr/bin/env python
"""Dashboard speed benchmark: server time of the city dashboard (and friends) on a synthetic ledger.

    .venv/bin/python scripts/bench_dashboard.py                      # SQLite, var/bench_dashboard.sqlite3
    .venv/bin/python scripts/bench_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/il_bench_dashboard
    .venv/bin/python scripts/bench_dashboard.py --projects 1000000 --database-url postgres://.../il_bench_dashboard

The data set comes from scripts/bench_ledger.py's generator (imported, not copied): the same city of
12 districts and 40 parks, sectors, events and projects, written straight into the tables. Like that
script it refuses a database whose name does not contain "bench" and it empties that database first.

Each scenario is timed in-process with django.test.Client (the whole middleware stack, no network)
after warm-up requests. "computed" runs with the dashboard cache off (every request computes every
figure from the database); "cached" runs with the cache on, as in production, where a figure is
recomputed only after the ledger changed (the cache key holds the audit chain's tail).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import bench_ledger  # noqa: E402  (the shared generator)

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'bench_dashboard.sqlite3'}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--investors", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    return parser.parse_args()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))]


def scenarios():
    import datetime as dt

    from django.urls import reverse

    from investledger.reference.models import Area, Sector

    dashboard = reverse("reporting:dashboard")
    api = reverse("metrics-list")
    districts = list(Area.objects.filter(kind="district").values_list("pk", flat=True))
    chains = list(Sector.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    years = [2019, 2020, 2021, 2022, 2023, 2024]

    def fixed(url):
        return lambda rng: url

    return [
        ("city dashboard, leader (computed)", "leader", False, fixed(dashboard)),
        ("city dashboard, leader (cached)", "leader", True, fixed(dashboard)),
        (
            "city dashboard, one sector chain (computed)",
            "leader",
            False,
            lambda rng: f"{dashboard}?sector={rng.choice(chains)}",
        ),
        (
            "area view, a district (computed)",
            "admin",
            False,
            lambda rng: f"{dashboard}?area={rng.choice(districts)}",
        ),
        ("district officer dashboard (computed)", "officer", False, fixed(dashboard)),
        ("/api/metrics/ city (computed)", "leader", False, fixed(api)),
        (
            "/api/metrics/ signing year (computed)",
            "leader",
            False,
            lambda rng: (lambda y: f"{api}?signed_from={y}-01-01&signed_to={y}-12-31")(rng.choice(years)),
        ),
        (
            "/api/metrics/ as of a past date (computed)",
            "leader",
            False,
            lambda rng: f"{api}?as_of={dt.date(2024, rng.randint(1, 12), 1)}",
        ),
    ]


def measure(args):
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from investledger.accounts.models import User

    clients = {}
    for persona in ("admin", "officer", "leader"):
        client = Client()
        client.force_login(User.objects.get(username=f"bench_{persona}"))
        clients[persona] = client
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    rng = random.Random(args.seed)
    results = []
    for name, persona, cached, make_url in scenarios():
        if only and not any(name.startswith(p) for p in only):
            continue
        settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS = 300 if cached else 0
        cache.clear()
        client = clients[persona]
        for _ in range(args.warmup):
            response = client.get(make_url(rng))
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
        requests = args.requests if not name.startswith("/api/metrics/ as of") else max(5, args.requests // 3)
        timings = []
        for _ in range(requests):
            url = make_url(rng)
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        row = {
            "name": name,
            "n": requests,
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "max": max(timings),
        }
        results.append(row)
        print(
            f"  {name:<48} p50 {row['p50']:8.1f}  p95 {row['p95']:8.1f}  max {row['max']:8.1f} ms",
            flush=True,
        )
    return results


def main():
    args = parse_args()
    args.explain = False
    db = bench_ledger.setup_django(args.database_url)
    bench_ledger.ensure_data(args)
    import platform

    from django.db import connection

    from investledger.projects.models import Project

    vendor = connection.vendor
    version = connection.Database.sqlite_version if vendor == "sqlite" else connection.pg_version
    count = Project.objects.count()
    print(
        f"» {platform.node()} · {os.cpu_count()} cores · {vendor} {version} · {db['NAME']} · {count:,} projects",
        flush=True,
    )
    results = measure(args)
    print()
    print(f"| {vendor} · {count:,} projects | requests | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for row in results:
        print(f"| {row['name']} | {row['n']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['max']:.0f} |")


if __name__ == "__main__":
    main()
