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
    parser.add_argument("--only", default="", help="scenario name prefixes, separated by | (or by commas)")
    parser.add_argument(
        "--sql-generator",
        action="store_true",
        help="PostgreSQL: write the projects and their first signings with INSERT ... SELECT generate_series "
        "(same distributions as bench_ledger's generator, about 20 times faster at 1,000,000 projects)",
    )
    return parser.parse_args()


def sql_generate(args):
    """bench_ledger's city, sectors, investors, events and users, then the projects in SQL (PostgreSQL only).

    Same distributions as bench_ledger.generate: events weighted towards the later ones (random ** 0.8),
    log-normal contract values around RMB 300 million capped at RMB 500 billion, the same stage weights,
    3 % terminated, most projects in parks, half with a lead unit; each project gets its first signing.
    """
    from django.db import connection

    from investledger.ledger.events.models import SigningEvent
    from investledger.ledger.investors.models import Investor
    from investledger.reference.models import Area, Sector, Unit

    started = time.perf_counter()
    wanted = args.projects
    args.projects = 0
    bench_ledger.generate(args)  # everything but the projects
    args.projects = wanted
    parks = list(Area.objects.filter(kind="park").order_by("pk").values_list("pk", flat=True))
    districts = list(Area.objects.filter(kind="district").order_by("pk").values_list("pk", flat=True))
    areas = parks * 2 + districts
    leaves = list(Sector.objects.filter(parent__isnull=False).order_by("pk").values_list("pk", flat=True))
    investors = list(Investor.objects.order_by("pk").values_list("pk", flat=True))
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    events = list(SigningEvent.objects.order_by("pk").values_list("pk", "date"))
    bounds, edge = [], 0
    for stage, weight in bench_ledger.STAGES:
        edge += weight
        bounds.append(f"WHEN r_stage < {edge / 100} THEN '{stage}'")
    stage_case = "CASE " + " ".join(bounds[:-1]) + f" ELSE '{bench_ledger.STAGES[-1][0]}' END"
    print(f"» {wanted:,} projects in SQL", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
        cursor.execute(
            f"""
            INSERT INTO projects_project (created, updated, reference, name, investor_id, host_area_id, sector_id,
                agreement_type, currency, contract_value, fx_rate, contract_value_cny, value_approximate,
                value_estimated, value_undisclosed, light, responsible_leader, commissioner, stage, side_state, side_state_reason,
                side_state_date, description, is_demo, version, first_event_id, signed_on, planned_jobs,
                lead_unit_id)
            SELECT now(), now(), 'F' || lpad(g::text, 8, '0'), '基准项目' || g,
                (%(investors)s::bigint[])[1 + floor(r_inv * %(n_inv)s)::int],
                (%(areas)s::bigint[])[1 + floor(r_area * %(n_area)s)::int],
                (%(leaves)s::bigint[])[1 + floor(r_sector * %(n_leaf)s)::int],
                'contract', 'CNY', v, 1, v, false, false, false, '', '', '', {stage_case},
                CASE WHEN r_term < 0.03 THEN 'terminated' ELSE '' END,
                CASE WHEN r_term < 0.03 THEN 'benchmark data' ELSE '' END,
                CASE WHEN r_term < 0.03 THEN (%(dates)s::date[])[e] END,
                '', false, 1, (%(events)s::bigint[])[e], (%(dates)s::date[])[e],
                20 + floor(r_jobs * 2980)::int,
                CASE WHEN r_unit < 0.5 THEN (%(units)s::bigint[])[1 + floor(r_unit * 2 * %(n_unit)s)::int] END
            FROM (
                SELECT g, random() AS r_inv, random() AS r_area, random() AS r_sector, random() AS r_stage,
                    random() AS r_term, random() AS r_jobs, random() AS r_unit,
                    1 + least(floor(power(random(), 0.8) * %(n_ev)s)::int, %(n_ev)s - 1) AS e,
                    round(least(exp(19.5 + 1.3 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())), 5e11)
                        / 10000) * 10000 AS v
                FROM generate_series(1, %(n)s) AS g
            ) AS s
            """,
            {
                "investors": investors,
                "n_inv": len(investors),
                "areas": areas,
                "n_area": len(areas),
                "leaves": leaves,
                "n_leaf": len(leaves),
                "units": units,
                "n_unit": len(units),
                "events": [pk for pk, _d in events],
                "dates": [d for _pk, d in events],
                "n_ev": len(events),
                "n": wanted,
            },
        )
        print(f"  projects written ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute(
            """
            INSERT INTO projects_signing (created, updated, signed_on, kind, stated_value_cny, counted_project,
                counted_value_cny, notes, event_id, project_id)
            SELECT now(), now(), signed_on, 'new', contract_value_cny, true, contract_value_cny, '', first_event_id, id
            FROM projects_project
            """
        )
        cursor.execute("ANALYZE")
    print(f"» data set ready in {time.perf_counter() - started:.0f} s", flush=True)


def ensure_data(args):
    from django.core.management import call_command
    from django.db import connection

    from investledger.ledger.projects.models import Project

    if not args.sql_generator:
        return bench_ledger.ensure_data(args)
    if connection.vendor != "postgresql":
        sys.exit("--sql-generator needs PostgreSQL")
    call_command("migrate", verbosity=0, interactive=False)
    if args.regenerate or Project.objects.count() != args.projects:
        sql_generate(args)
    else:
        print(f"» reusing the data set: {args.projects:,} projects", flush=True)


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
        ("city dashboard, leader (computed, summary cells)", "leader", "summary", fixed(dashboard)),
        (
            "city dashboard, one sector chain (computed, summary cells)",
            "leader",
            "summary",
            lambda rng: f"{dashboard}?sector={rng.choice(chains)}",
        ),
        (
            "area view, a district (computed, summary cells)",
            "admin",
            "summary",
            lambda rng: f"{dashboard}?area={rng.choice(districts)}",
        ),
        ("district officer dashboard (computed, summary cells)", "officer", "summary", fixed(dashboard)),
        ("/api/metrics/ city (computed, summary cells)", "leader", "summary", fixed(api)),
        (
            "/api/metrics/ signing year (computed, summary cells)",
            "leader",
            "summary",
            lambda rng: (lambda y: f"{api}?signed_from={y}-01-01&signed_to={y}-12-31")(rng.choice(years)),
        ),
        ("city dashboard, leader, right after an edit (summary cells)", "leader", "after an edit", fixed(dashboard)),
        ("/api/metrics/ city, right after an edit (summary cells)", "leader", "after an edit", fixed(api)),
        ("an edit of amount and sector (edit)", "admin", "edit", fixed(dashboard)),
        ("city dashboard, leader (computed live)", "leader", False, fixed(dashboard)),
        ("city dashboard, leader (cached)", "leader", True, fixed(dashboard)),
        (
            "city dashboard, one sector chain (computed live)",
            "leader",
            False,
            lambda rng: f"{dashboard}?sector={rng.choice(chains)}",
        ),
        (
            "area view, a district (computed live)",
            "admin",
            False,
            lambda rng: f"{dashboard}?area={rng.choice(districts)}",
        ),
        ("district officer dashboard (computed live)", "officer", False, fixed(dashboard)),
        ("/api/metrics/ city (computed live)", "leader", False, fixed(api)),
        (
            "/api/metrics/ signing year (computed live)",
            "leader",
            False,
            lambda rng: (lambda y: f"{api}?signed_from={y}-01-01&signed_to={y}-12-31")(rng.choice(years)),
        ),
        (
            "/api/metrics/ as of a past date (computed live)",
            "leader",
            False,
            lambda rng: f"{api}?as_of={dt.date(2024, rng.randint(1, 12), 1)}",
        ),
    ]


class Captured:
    """The SELECT statements a request sends (sql, params), through the connection's execute wrapper."""

    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


def floor_ms(statements) -> float:
    """The time of the very statements a request sent, re-run with a cursor (rows fetched): the
    database's share, what no change to the Python side could go below."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - t0) * 1000


def timed_request(client, url):
    """(response, ms, statements): the request timed, its SELECT statements captured."""
    from django.db import connection

    captured = Captured()
    with connection.execute_wrapper(captured):
        t0 = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - t0) * 1000
    return response, ms, captured.statements


def edit_project(rng, ids, leaves, user):
    """One audited edit through the service, as the edit page makes it: amount and sector. Returns ms."""
    from decimal import Decimal

    from investledger.core.audit import audit_context
    from investledger.ledger.projects.models import Project
    from investledger.ledger.projects.services import project_update

    project = Project.objects.get(pk=rng.choice(ids))
    fields = {"contract_value": project.contract_value + Decimal("10000"), "sector_id": rng.choice(leaves)}
    t0 = time.perf_counter()
    with audit_context(actor=user, source="bench"):
        project_update(project=project, fields=fields, audit_message="benchmark edit")
    return (time.perf_counter() - t0) * 1000


def row_of(name, timings, floors=None):
    row = {"name": name, "n": len(timings), "p50": statistics.median(timings), "p95": percentile(timings, 0.95)}
    row["max"] = max(timings)
    if floors:
        row["floor50"] = statistics.median(floors)
        row["floor95"] = percentile(floors, 0.95)
        row["ratio"] = row["p50"] / row["floor50"] if row["floor50"] else float("nan")
    text = f"  {name:<60} p50 {row['p50']:8.1f}  p95 {row['p95']:8.1f}  max {row['max']:8.1f} ms"
    if floors:
        text += f"  · floor p50 {row['floor50']:7.1f} p95 {row['floor95']:7.1f} ms · ×{row['ratio']:.1f}"
    print(text, flush=True)
    return row


def measure(args):
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from investledger.accounts.models import User
    from investledger.core import audit
    from investledger.ledger.projects.models import Project
    from investledger.reference.models import Sector

    clients = {}
    for persona in ("admin", "officer", "leader"):
        client = Client()
        client.force_login(User.objects.get(username=f"bench_{persona}"))
        clients[persona] = client
    # Scenario names hold commas: prefixes are separated by "|" when one is given, else by commas.
    only = [p.strip() for p in args.only.split("|" if "|" in args.only else ",") if p.strip()]
    rng = random.Random(args.seed)
    results = []
    from investledger.reporting import summary
    from investledger.reporting.models import SummaryStamp

    editor = User.objects.get(username="bench_admin")
    top = Project.objects.filter(signed_on__isnull=False, value_undisclosed=False).order_by("-pk").values("pk")
    ids = list(top.values_list("pk", flat=True)[:2000])
    leaves = list(Sector.objects.filter(parent__isnull=False).values_list("pk", flat=True))

    for name, persona, cached, make_url in scenarios():
        if only and not any(name.startswith(p) for p in only):
            continue
        if cached in ("summary", "after an edit", "edit"):
            if not summary.is_fresh():
                done = summary.refresh()
                print(f"  (summary cells rebuilt: {done['cells']:,} cells in {done['seconds']:.1f} s)", flush=True)
        else:
            # "computed live" = no current summary cells (a new day before the rebuild, or a unit-scoped reader).
            SummaryStamp.objects.all().delete()
        settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS = 300 if cached is True else 0
        cache.clear()
        client = clients[persona]
        requests = args.requests if not name.startswith("/api/metrics/ as of") else max(5, args.requests // 3)
        if cached == "edit":
            # The edit alone, alternately with the summary update (as now) and without it (as before: no
            # collector). After an edit without it the stamp is moved on by hand, so that the next edit
            # with it finds current cells and does the update; the cells are marked stale at the end.
            for _ in range(args.warmup):
                edit_project(rng, ids, leaves, editor)
            hooks = list(audit.AFTER_RECORD)
            with_update, without = [], []
            try:
                for _ in range(requests):
                    with_update.append(edit_project(rng, ids, leaves, editor))
                    audit.AFTER_RECORD.clear()
                    without.append(edit_project(rng, ids, leaves, editor))
                    audit.AFTER_RECORD.extend(hooks)
                    SummaryStamp.objects.filter(pk=1).update(chain_tail=audit.chain_tail_id())
            finally:
                audit.AFTER_RECORD[:] = hooks
                SummaryStamp.objects.filter(pk=1).update(chain_tail=-1)
            results.append(row_of(name.replace("(edit)", "(with the summary update)"), with_update))
            results.append(row_of(name.replace("(edit)", "(without it, as before)"), without))
            continue
        for _ in range(args.warmup):
            response = client.get(make_url(rng))
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
        timings, floors, edits = [], [], []
        for _ in range(requests):
            if cached == "after an edit":
                edits.append(edit_project(rng, ids, leaves, editor))
            url = make_url(rng)
            response, ms, statements = timed_request(client, url)
            timings.append(ms)
            floors.append(floor_ms(statements))
            assert response.status_code == 200, (url, response.status_code)
            board = response.context and response.context.get("board") if hasattr(response, "context") else None
            if cached in ("summary", "after an edit") and board is not None:
                assert board.source == "summary", (name, board.source)
        results.append(row_of(name, timings, floors))
        if edits:
            results.append(row_of("   the edit before each request (project_update)", edits))
    return results


def main():
    args = parse_args()
    args.explain = False
    db = bench_ledger.setup_django(args.database_url)
    ensure_data(args)
    import platform

    from django.db import connection

    from investledger.ledger.projects.models import Project

    vendor = connection.vendor
    version = connection.Database.sqlite_version if vendor == "sqlite" else connection.pg_version
    count = Project.objects.count()
    print(
        f"» {platform.node()} · {os.cpu_count()} cores · {vendor} {version} · {db['NAME']} · {count:,} projects"
        f" · load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    results = measure(args)
    print(f"» load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(
        f"| {vendor} · {count:,} projects | requests | p50 ms | p95 ms | max ms | floor p50 ms | floor p95 ms "
        "| p50 ÷ floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        floor = f"{row['floor50']:.0f} | {row['floor95']:.0f} | {row['ratio']:.1f}" if "floor50" in row else "— | — | —"
        print(f"| {row['name']} | {row['n']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['max']:.0f} | {floor} |")


if __name__ == "__main__":
    main()
