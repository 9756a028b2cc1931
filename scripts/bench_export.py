#!/usr/bin/env python
"""Export benchmark: the filtered ledger streamed as CSV and XLSX, time and peak memory.

    .venv/bin/python scripts/bench_export.py --database-url postgres://postgres@127.0.0.1:5432/il_bench_dashboard_1m
    .venv/bin/python scripts/bench_export.py                    # SQLite, var/bench.sqlite3 (100,000 projects)

It reads a benchmark database made by scripts/bench_ledger.py or scripts/bench_dashboard.py (it
refuses any database whose name lacks "bench"), signs in as its administrator and downloads
/reports/export/projects.csv and .xlsx in-process, consuming the streamed response chunk by chunk
as a client would. Peak memory is the process's Python allocations (tracemalloc) during the export
on top of what was allocated before it, and the resident-set high-water mark (ru_maxrss).

On PostgreSQL each format is printed beside its floor: the database alone running the export's own
`COPY (SELECT ...) TO STDOUT` (the same SELECT the export streams from, `exports.export_select`) with
psql into /dev/null, and the ratio export time / floor time. CSV's floor is the CSV COPY; the XLSX's
is the binary COPY of the typed rows it reads (the rest of its time is openpyxl writing the workbook).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    )
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc (which slows Python)")
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench'")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investledger.config.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from investledger.ledger.projects.models import Project

    count = Project.objects.count()
    from investledger.core.access import Role

    admin = get_user_model().objects.filter(role_assignments__role=Role.ADMIN, role_assignments__area=None).first()
    if admin is None:
        sys.exit("no administrator in the benchmark database: generate it with scripts/bench_ledger.py first")
    client = Client()
    client.force_login(admin)
    print(f"» {count:,} projects · {args.database_url.split('@')[-1]} · load average {load()}")
    print(
        "| format | rows | seconds | rows/s | bytes | peak Python MB (tracemalloc) | max RSS MB "
        "| floor: COPY to /dev/null, s | export / floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fmt in args.formats.split(","):
        if not args.no_trace:
            tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/reports/export/projects.{fmt}")
        size = 0
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        floor = copy_floor(args.database_url, admin, fmt)
        ratio = f"{seconds / floor:.2f}" if floor else "—"
        print(
            f"| {fmt} | {count:,} | {seconds:.1f} | {count / seconds:,.0f} | {size:,} | {peak / 2**20:.1f} | {rss:.0f} "
            f"| {f'{floor:.1f}' if floor else '—'} | {ratio} |"
        )
    print(f"» load average after: {load()}")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def copy_floor(database_url: str, user, fmt: str) -> float | None:
    """Seconds psql takes to run the export's own COPY into /dev/null (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    import psycopg

    from investledger.ledger.projects.filtersets import ProjectFilterSet
    from investledger.ledger.projects.models import Project
    from investledger.reporting import exports

    queryset = ProjectFilterSet({}, queryset=Project.objects.visible_to(user)).qs  # what the view exports
    sql, params = exports.export_select(queryset, csv=fmt == "csv")
    copy = f"COPY ({sql}) TO STDOUT (FORMAT {'csv' if fmt == 'csv' else 'binary'})"
    with connection.cursor() as cursor:
        statement = psycopg.ClientCursor(cursor.cursor.connection).mogrify(copy, params)
    started = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_url, "-c", statement],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
