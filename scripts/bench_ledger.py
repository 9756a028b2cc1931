#!/usr/bin/env python
"""Ledger speed benchmark: a synthetic ledger, then server-side timings of the ledger list.

    .venv/bin/python scripts/bench_ledger.py                       # SQLite, var/bench.sqlite3, 100,000 projects
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/il_bench .venv/bin/python scripts/bench_ledger.py
    .venv/bin/python scripts/bench_ledger.py --projects 1000000 --database-url postgres://.../il_bench

The data set is a benchmark fixture, not ledger data: it is written with `bulk_create` straight into
the tables, without the services, validation or audit trail (an audited import of 100,000 projects
would take many minutes and measure the import, not the reads). Never point this script at a real
database: it refuses any database whose name does not contain "bench", and it empties the ledger
tables of that database before generating (unless the data set already has the requested size).

What it builds: a city with 12 districts and 40 parks, 30 sectors in 6 industry chains, 20 units,
20,000 investors, 300 signing events, the projects (default 100,000) each with its first signing and
one in ten signed again at a later event, and three users (administrator, district officer, leader).

What it measures: the time the server spends on each request (django.test.Client in-process, the
whole middleware stack, no network), after warm-up requests, for the ledger list page (when the
`projects:project_list` view exists) and /api/projects/ with the usual filters and sort orders.
Parameters vary between requests (another area, another value range) so no single plan or cache
entry is measured over and over. It prints p50 / p95 / max in milliseconds and the number of SQL
queries per request, as a Markdown table for docs/benchmarks.md, and beside them the floor: the very
SQL statements each timed request sent (captured with `connection.execute_wrapper`), run again
through a plain cursor right after it (app and raw SQL alternate), and the ratio of the two p95s.
`--reuse` takes a copied database as it is (e.g. one made by bench_dashboard --sql-generator).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"

CHAINS = [
    ("ev", "智能网联新能源汽车", "Smart connected NEV", True),
    ("ei", "电子信息", "Electronic information", True),
    ("bio", "生物医药", "Biomedicine", True),
    ("sw", "软件和信息服务", "Software and IT", True),
    ("mat", "新材料", "New materials", True),
    ("food", "消费品工业", "Consumer goods", False),
]
SUBSECTORS = ["整机", "零部件", "研发", "服务"]
SUBSECTORS_EN = ["Systems", "Components", "R&D", "Services"]
NAME_WORDS = ["智能", "新能源", "半导体", "生物", "医药", "数据", "云计算", "材料", "装备", "汽车", "电池", "芯片"]
NAME_TAILS = ["产业园", "生产基地", "研发中心", "总部", "项目", "制造基地", "二期", "扩建项目"]
INVESTOR_WORDS = ["华", "东", "科", "创", "远", "恒", "新", "达", "信", "宏", "盛", "腾", "峰", "泰", "瑞"]
STAGES = [
    ("signed", 30),
    ("registered", 20),
    ("land_secured", 12),
    ("started", 18),
    ("completed", 6),
    ("in_production", 10),
    ("full_output", 4),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--investors", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per scenario first")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data set even if it has the size")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the data set as it is, whatever its size (a copy of a database made by bench_dashboard --sql-generator)",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes to run")
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--explain", action="store_true", help="print the query plan of each scenario's queries")
    return parser.parse_args()


def setup_django(url: str):
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "0")  # no per-request query log; measure what production runs
    os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investledger.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "bench" not in str(db["NAME"]):
        sys.exit(f"refusing to use database {db['NAME']!r}: its name must contain 'bench'")
    create_if_missing()
    return db


def create_if_missing():
    """A PostgreSQL benchmark database named in the arguments is created when it does not exist yet
    (SQLite creates its file itself), so that every script runs from a fresh clone with no set-up."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    name = connection.settings_dict["NAME"]
    params = {k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
    params.pop("context", None)
    params.pop("cursor_factory", None)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"» creating the database {name}", flush=True)
            admin.execute(f'CREATE DATABASE "{name}"')


# --- Generating the data set -------------------------------------------------------------------


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def amount(rng) -> Decimal:
    """Contract value in CNY: log-normal around RMB 300 million, a fifth at RMB 1 billion or more."""
    value = rng.lognormvariate(19.5, 1.3)
    return Decimal(min(value, 5e11)).quantize(Decimal("10000"))


def wipe():
    """Empty the bench database: a new SQLite file, or a new PostgreSQL database of the same name."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
    else:
        # A dedicated database: drop and create it again (the audit trail refuses TRUNCATE).
        import psycopg

        name = connection.settings_dict["NAME"]
        connection.close()
        params = {k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
        params.pop("context", None)
        params.pop("cursor_factory", None)
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)


def generate(args):
    from django.db import connection, transaction

    from investledger.accounts.models import RoleAssignment, User
    from investledger.core.access import Role
    from investledger.ledger.events.models import SigningEvent
    from investledger.ledger.investors.models import Investor
    from investledger.ledger.projects.models import Project, Signing
    from investledger.reference.models import Area, Sector, Unit

    rng = random.Random(args.seed)
    started = time.perf_counter()
    print(f"» emptying the bench database ({connection.vendor})", flush=True)
    wipe()

    with transaction.atomic():
        city = Area.objects.create(code="bench-city", name="基准市", name_en="Bench City", kind="city")
        districts, parks = [], []
        for d in range(12):
            district = Area.objects.create(
                code=f"d{d + 1}", name=f"第{d + 1}区", name_en=f"District {d + 1}", kind="district", parent=city
            )
            districts.append(district)
        for p in range(40):
            parent = districts[p % 12]
            parks.append(
                Area.objects.create(
                    code=f"p{p + 1}",
                    name=f"{parent.name}园区{p + 1}",
                    name_en=f"Park {p + 1}",
                    kind="park",
                    parent=parent,
                )
            )
        sectors = []
        for position, (code, name, name_en, strategic) in enumerate(CHAINS):
            chain = Sector.objects.create(
                code=code, name=name, name_en=name_en, strategic_emerging=strategic, position=position * 10
            )
            sectors.append(chain)
            for i, (sub, sub_en) in enumerate(zip(SUBSECTORS, SUBSECTORS_EN, strict=True)):
                sectors.append(
                    Sector.objects.create(
                        code=f"{code}-{i}",
                        name=f"{name}{sub}",
                        name_en=f"{name_en} {sub_en}",
                        parent=chain,
                        strategic_emerging=strategic,
                        position=position * 10 + i + 1,
                    )
                )
        units = Unit.objects.bulk_create(
            [Unit(code=f"u{i}", name=f"单位{i}", name_en=f"Unit {i}", kind="department") for i in range(20)]
        )
        admin = User.objects.create_user("bench_admin", password=None)
        officer = User.objects.create_user("bench_officer", password=None)
        leader = User.objects.create_user("bench_leader", password=None)
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
        RoleAssignment.objects.create(user=leader, role=Role.LEADER)
        RoleAssignment.objects.create(user=officer, role=Role.DISTRICT_OFFICER, area=districts[0])

    print(f"» {args.investors:,} investors, {args.events} events", flush=True)
    investors = Investor.objects.bulk_create(
        [
            Investor(
                name="".join(rng.choices(INVESTOR_WORDS, k=3)) + f"集团{i:05d}有限公司",
                name_en=f"Investor Group {i:05d}",
                origin=rng.choice(["local", "other_province", "hmt", "foreign"]),
                ownership=rng.choice(["central_soe", "local_soe", "private", "private", "foreign"]),
                fortune_global_500=rng.random() < 0.02,
            )
            for i in range(args.investors)
        ],
        batch_size=2000,
    )
    start = dt.date(2018, 1, 1)
    events = SigningEvent.objects.bulk_create(
        [
            SigningEvent(
                name=f"第{i + 1}次集中签约活动",
                name_en=f"Signing ceremony {i + 1}",
                kind=rng.choice(["expo", "ceremony", "roadshow", "online"]),
                date=start + dt.timedelta(days=int(i * 3000 / args.events)),
                place="基准市",
            )
            for i in range(args.events)
        ]
    )
    investor_ids = [i.pk for i in investors]
    areas = parks * 2 + districts  # most projects sit in parks
    leaf_sectors = [s for s in sectors if s.parent_id]
    chunk = 10_000
    made = 0
    while made < args.projects:
        size = min(chunk, args.projects - made)
        projects = []
        firsts = []
        for n in range(made, made + size):
            event_index = min(int(rng.random() ** 0.8 * args.events), args.events - 1)
            event = events[event_index]
            value = amount(rng)
            area = rng.choice(areas)
            projects.append(
                Project(
                    reference=f"B{event.date.year}-{n + 1:07d}",
                    name=f"{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{rng.choice(NAME_TAILS)}{n + 1}",
                    investor_id=rng.choice(investor_ids),
                    host_area_id=area.pk,
                    sector_id=rng.choice(leaf_sectors).pk,
                    contract_value=value,
                    contract_value_cny=value,
                    fx_rate=Decimal("1"),
                    stage=weighted(rng, STAGES),
                    side_state="terminated" if rng.random() < 0.03 else "",
                    first_event_id=event.pk,
                    signed_on=event.date,
                    lead_unit_id=rng.choice(units).pk if rng.random() < 0.5 else None,
                    planned_jobs=rng.randint(20, 3000),
                )
            )
            firsts.append((event_index, value))
        for project in projects:
            if project.side_state:
                project.side_state_reason = "benchmark data"
                project.side_state_date = project.signed_on
        with transaction.atomic():
            Project.objects.bulk_create(projects, batch_size=2000)
            signings = []
            for project, (event_index, value) in zip(projects, firsts, strict=True):
                event = events[event_index]
                signings.append(
                    Signing(
                        project_id=project.pk,
                        event_id=event.pk,
                        signed_on=event.date,
                        kind="new",
                        stated_value_cny=value,
                        counted_project=True,
                        counted_value_cny=value,
                    )
                )
                if event_index + 1 < args.events and rng.random() < 0.1:
                    later = events[rng.randrange(event_index + 1, args.events)]
                    signings.append(
                        Signing(
                            project_id=project.pk,
                            event_id=later.pk,
                            signed_on=later.date,
                            kind="resigning",
                            stated_value_cny=value,
                            counted_project=False,
                            counted_value_cny=Decimal("0"),
                        )
                    )
            Signing.objects.bulk_create(signings, batch_size=2000)
        made += size
        print(f"  {made:,} projects ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"» data set ready in {time.perf_counter() - started:.0f} s", flush=True)


def ensure_data(args):
    from django.core.management import call_command

    from investledger.ledger.projects.models import Project

    call_command("migrate", verbosity=0, interactive=False)
    if args.reuse and not args.regenerate:
        print("» reusing the data set as it is", flush=True)
    else:
        have = Project.objects.count()
        if args.regenerate or have != args.projects:
            generate(args)
        else:
            print(f"» reusing the data set: {have:,} projects", flush=True)
    fresh_summary()


def fresh_summary():
    """The dashboard's summary cells rebuilt when they are not current, as a ledger at rest has them
    (lists may read their totals from them)."""
    from investledger.reporting import summary

    if summary.is_fresh():
        return
    started = time.perf_counter()
    summary.refresh()
    print(f"» summary cells rebuilt in {time.perf_counter() - started:.1f} s", flush=True)


# --- Scenarios ---------------------------------------------------------------------------------


def scenarios(project_list_url: str | None):
    from investledger.ledger.events.models import SigningEvent
    from investledger.ledger.projects.models import Project
    from investledger.reference.models import Area, Sector

    districts = list(Area.objects.filter(kind="district").values_list("pk", flat=True))
    parks = list(Area.objects.filter(kind="park").values_list("pk", flat=True))
    chains = list(Sector.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    leaves = list(Sector.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    events = list(SigningEvent.objects.values_list("pk", flat=True))
    top = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    words = ["智能", "新能源", "半导体", "生物", "材料", "芯片", "数据"]
    stages = ["signed", "registered", "started", "in_production"]

    def deep_cursor(rng):
        """A cursor in the default order at a random project: a page anywhere in the ledger."""
        from investledger.core import keyset
        from investledger.ledger.projects.models import Project

        keys = keyset.keys_of(Project.objects.order_by("-signed_on", "-id"))
        row = Project.objects.filter(pk__gte=rng.randint(1, top)).order_by("pk").first()
        return keyset.encode(keys, keyset.values_of(row, keys), False)

    def value_range(rng):
        low = rng.choice([1, 2, 5, 10, 20])  # 亿元
        return low * 100_000_000, low * 500_000_000

    def date_range(rng):
        year = rng.randint(2018, 2025)
        return f"{year}-01-01", f"{year}-12-31"

    api = "/api/projects/"
    items = [
        ("api: default (admin)", "admin", lambda r: api),
        ("api: default (district officer)", "officer", lambda r: api),
        ("api: area = district", "admin", lambda r: f"{api}?area={r.choice(districts)}"),
        ("api: area = park + sector", "admin", lambda r: f"{api}?area={r.choice(parks)}&sector={r.choice(leaves)}"),
        ("api: sector chain (sub-sectors)", "admin", lambda r: f"{api}?sector={r.choice(chains)}"),
        ("api: stage", "admin", lambda r: f"{api}?stage={r.choice(stages)}"),
        ("api: value range", "admin", lambda r: "{}?value_cny_min={}&value_cny_max={}".format(api, *value_range(r))),
        ("api: signing date range", "admin", lambda r: "{}?signed_from={}&signed_to={}".format(api, *date_range(r))),
        ("api: text search", "admin", lambda r: f"{api}?q={r.choice(words)}{r.randint(1, 999)}"),
        ("api: text search, one word", "admin", lambda r: f"{api}?q={r.choice(words)}"),
        ("api: event", "admin", lambda r: f"{api}?event={r.choice(events)}"),
        ("api: sort by value desc", "admin", lambda r: f"{api}?ordering=-value"),
        ("api: sort by name", "admin", lambda r: f"{api}?ordering=name"),
        (
            "api: combined (area, stage, value, dates, sort)",
            "officer",
            lambda r: (
                f"{api}?area={districts[0]}&stage={r.choice(stages)}&value_cny_min={value_range(r)[0]}&signed_from={date_range(r)[0]}&ordering=-value"
            ),
        ),
        ("api: page 100", "admin", lambda r: f"{api}?page={r.randint(90, 110)}"),
        ("api: page_size 200", "admin", lambda r: f"{api}?page_size=200"),
        ("api: cursor, first page", "admin", lambda r: f"{api}?cursor="),
        ("api: cursor, deep (keyset)", "admin", lambda r: f"{api}?cursor={deep_cursor(r)}"),
        ("api: cursor, deep (district officer)", "officer", lambda r: f"{api}?cursor={deep_cursor(r)}"),
        ("api: events list", "admin", lambda r: "/api/events/"),
        ("api: events list (district officer)", "officer", lambda r: "/api/events/"),
        ("api: event detail", "admin", lambda r: f"/api/events/{r.choice(events)}/"),
    ]
    if project_list_url:
        page = project_list_url
        items += [
            ("page: ledger default (admin)", "admin", lambda r: page),
            ("page: ledger default (district officer)", "officer", lambda r: page),
            ("page: area = district", "admin", lambda r: f"{page}?area={r.choice(districts)}"),
            ("page: sector + stage", "admin", lambda r: f"{page}?sector={r.choice(chains)}&stage={r.choice(stages)}"),
            ("page: value range (亿元)", "admin", lambda r: f"{page}?value_min=10&value_max=50"),
            ("page: text search", "admin", lambda r: f"{page}?q={r.choice(words)}"),
            ("page: sort by value desc", "admin", lambda r: f"{page}?ordering=-value"),
        ]
    return items + search_scenarios(project_list_url) + record_page_scenarios(events)


def search_scenarios(page: str | None):
    """The free-text search beyond one common word: a rare name, an investor, a reference, and the
    district officer's search (their scope and the text together)."""
    from investledger.ledger.investors.models import Investor
    from investledger.ledger.projects.models import Project

    api = "/api/projects/"
    tails = ["产业园", "生产基地", "研发中心", "总部", "项目", "制造基地", "二期", "扩建项目"]
    investors = list(Investor.objects.order_by("pk").values_list("name", flat=True)[:500])
    references = list(Project.objects.order_by("pk").values_list("reference", flat=True)[:2000:4])
    words = ["智能", "新能源", "半导体", "生物", "材料", "芯片", "数据"]
    items = [
        ("api: text search, rare name", "admin", lambda r: f"{api}?q={r.choice(tails)}{r.randint(1000, 99999)}"),
        ("api: text search, investor", "admin", lambda r: f"{api}?q={r.choice(investors)[3:10]}"),
        ("api: text search, reference", "admin", lambda r: f"{api}?q={r.choice(references).lower()}"),
        ("api: text search, one word (district officer)", "officer", lambda r: f"{api}?q={r.choice(words)}"),
    ]
    if page:
        items += [
            ("page: text search, rare name", "admin", lambda r: f"{page}?q={r.choice(tails)}{r.randint(1000, 99999)}"),
            ("page: text search (district officer)", "officer", lambda r: f"{page}?q={r.choice(words)}"),
        ]
    return items


def record_page_scenarios(events):
    """The pages of one record and the events list: event list, event detail, project detail."""
    from django.urls import reverse

    from investledger.accounts.models import User
    from investledger.ledger.projects.models import Project

    officer = User.objects.get(username="bench_officer")
    everyone = list(Project.objects.order_by("pk").values_list("pk", flat=True)[::997])
    theirs = list(Project.objects.visible_to(officer).order_by("pk").values_list("pk", flat=True)[:100_000:199])
    their_events = list(
        Project.objects.visible_to(officer).order_by().values_list("first_event_id", flat=True).distinct()[:300]
    )
    return [
        ("page: event list", "admin", lambda r: reverse("events:event_list")),
        ("page: event list (district officer)", "officer", lambda r: reverse("events:event_list")),
        ("page: event detail", "admin", lambda r: reverse("events:event_detail", args=[r.choice(events)])),
        (
            "page: event detail (district officer)",
            "officer",
            lambda r: reverse("events:event_detail", args=[r.choice(their_events)]),
        ),
        ("page: project detail", "admin", lambda r: reverse("projects:project_detail", args=[r.choice(everyone)])),
        (
            "page: project detail (district officer)",
            "officer",
            lambda r: reverse("projects:project_detail", args=[r.choice(theirs)]),
        ),
    ]


def favour(niceness: int = -15) -> str:
    """Run this benchmark's process and its PostgreSQL backend at a higher CPU priority than the rest of
    the machine (`renice`, needs root), so that other work on a shared machine takes little of the time
    measured. Returns what was done, to print beside the figures."""
    from django.db import connection

    pids = [os.getpid()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    try:
        for pid in pids:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except PermissionError:
        return "not favoured (renice needs root)"
    return f"process and database backend at nice {niceness}"


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(args):
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from investledger.accounts.models import User

    try:
        page_url = reverse("projects:project_list")
    except NoReverseMatch:
        page_url = None
    clients = {}
    for persona in ("admin", "officer", "leader"):
        client = Client()
        client.force_login(User.objects.get(username=f"bench_{persona}"))
        clients[persona] = client
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    rng = random.Random(args.seed)
    results = []
    for name, persona, make_url in scenarios(page_url):
        if only and not any(name.startswith(p) for p in only):
            continue
        client = clients[persona]
        for _ in range(args.warmup):
            response = client.get(make_url(rng))
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code} for {response.request['PATH_INFO']}")
        captured: list = []

        def record(execute, sql, params, many, context, captured=captured):
            captured.append((sql, params, many))
            return execute(sql, params, many, context)

        if args.explain:
            with connection.execute_wrapper(record):
                client.get(make_url(rng))
            explain(captured, name)
        timings, floors, queries = [], [], 0
        load_before = os.getloadavg()[0]
        for _ in range(args.requests):
            url = make_url(rng)
            captured.clear()
            with connection.execute_wrapper(record):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
            floors.append(replay(captured))
        row = {
            "name": name,
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "max": max(timings),
            "floor50": statistics.median(floors),
            "floor95": percentile(floors, 0.95),
            "queries": queries,
            "load": (load_before + os.getloadavg()[0]) / 2,
        }
        results.append(row)
        print(
            f"  {name:<52} p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  max {row['max']:7.1f} ms  "
            f"floor p50 {row['floor50']:6.1f}  p95 {row['floor95']:6.1f} ms  "
            f"x{row['p95'] / row['floor95']:.1f}  {row['queries']} queries  load {row['load']:.1f}",
            flush=True,
        )
    return results


def replay(captured) -> float:
    """The floor of one request: the very SQL statements it sent, run again through a cursor with the
    same parameters and every row fetched, in ms. Only reads are replayed (a GET writes nothing; a
    session save would be a write)."""
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params, many in captured:
            if many or not sql.lstrip().upper().startswith(("SELECT", "WITH", "EXPLAIN")):
                continue
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def explain(captured, name):
    from django.db import connection

    print(f"--- {name}")
    for sql, params, _many in captured:
        if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
            continue
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = cursor.fetchall()
        print("   ", sql[:300])
        for line in plan:
            print("      ", " ".join(str(x) for x in line))


def main():
    args = parse_args()
    db = setup_django(args.database_url)
    ensure_data(args)
    from django.db import connection

    from investledger.ledger.projects.models import Project, Signing

    print(
        f"» {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {connection.vendor} "
        f"{connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version} · "
        f"{db['NAME']} · {Project.objects.count():,} projects, {Signing.objects.count():,} signings",
        flush=True,
    )
    print(f"» {args.warmup} warm-up + {args.requests} timed requests per scenario", flush=True)
    results = measure(args)
    print()
    print("| scenario | p50 ms | p95 ms | SQL floor p50 | SQL floor p95 | p95 / floor | queries | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['name']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['floor50']:.0f} | {row['floor95']:.0f} "
            f"| {row['p95'] / row['floor95']:.1f} | {row['queries']} | {row['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
