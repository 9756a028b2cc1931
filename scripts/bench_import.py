#!/usr/bin/env python
"""Benchmark of the signing-list import: check + commit of a generated sheet, end to end.

    .venv/bin/python scripts/bench_import.py [--rows 100000] [--db sqlite|postgres|both] [--floor]

Generates a signing list (.xlsx) of ROWS rows, then for each database runs, in a fresh process
with a fresh database, what `investledger import FILE --commit` does: read, map, check every row
(duplicates in bulk against the ledger), and write projects, signings and audit entries in one
transaction. Prints rows per second and the process's peak memory (max RSS) for each run.

PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/il_bench_import (dropped and created; another
name with BENCH_PG_NAME, so that two people can measure on one server at once);
SQLite: var/bench_import.sqlite3 (deleted and created).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"  # the benchmark's databases are made and dropped here
PG_NAME = os.environ.get("BENCH_PG_NAME", "il_bench_import")
PG_URL = PG_SERVER + PG_NAME
SQLITE_PATH = ROOT / "var" / "bench_import.sqlite3"

AREAS = ["北区", "北区园区"]
SECTORS = ["智能网联新能源汽车", "生物医药", "食品加工"]


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("签约项目")
    ws.append(["2022年重点项目集中签约清单"])
    ws.append(
        ["序号", "项目名称", "投资方", "所在区域", "产业领域", "签约额（亿元）", "签约日期", "计划开工日期", "项目简介"]
    )
    for i in range(1, rows + 1):
        ws.append(
            [
                i,
                f"基准项目{i:07d}号智能制造基地",
                f"基准投资企业{i % 20000:05d}有限公司",
                AREAS[i % len(AREAS)],
                SECTORS[i % len(SECTORS)],
                round(1 + (i % 997) / 10, 2),
                ["2022-08-22", "2022/8/22", "2022年8月22日"][i % 3],
                "2023-01-15",
                "新建生产线及配套设施",
            ]
        )
    wb.save(path)


def run_child(path: Path) -> dict:
    """In a fresh process with DATABASE_URL set: migrate, make the city, import, report."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investledger.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from investledger.core.audit import audit_context
    from investledger.intake import services
    from investledger.intake.models import ImportBatch
    from investledger.testing import build_reference_data

    ref = build_reference_data()
    user = get_user_model().objects.create(username="bench", is_superuser=True, is_staff=True)
    timings = {}
    started = time.perf_counter()
    with audit_context(actor=user, source="command:bench"), open(path, "rb") as fh:
        batch = services.batch_create(user=user, uploaded=fh, file_name=path.name, event=ref.event)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
        batch = services.batch_validate(batch)
        timings["check_s"] = time.perf_counter() - started
        assert batch.status == ImportBatch.Status.VALIDATED and batch.error_count == 0, batch.message
        commit_started, commit_cpu_started = time.perf_counter(), time.process_time()
        batch = services.batch_commit(batch=batch, user=user)
        timings["commit_s"] = time.perf_counter() - commit_started
        # This process's own CPU time: what the importer spends, much less moved by other work on the
        # machine than the elapsed time (the database server's share is not in it).
        timings["commit_cpu_s"] = time.process_time() - commit_cpu_started
    total = time.perf_counter() - started
    assert batch.status == ImportBatch.Status.COMMITTED
    from investledger.core.models import AuditEntry
    from investledger.ledger.projects.models import Project

    return {
        "rows": batch.rows_validated,
        "projects": Project.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "total_s": round(total, 1),
        "check_s": round(timings["check_s"], 1),
        "commit_s": round(timings["commit_s"], 1),
        "commit_cpu_s": round(timings["commit_cpu_s"], 2),
        "rows_per_s": round(batch.rows_validated / total),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def fresh_database(db: str) -> str:
    if db == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_PATH}"
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    return PG_URL


# The ledger tables the commit writes, in the order it writes them.
FLOOR_TABLES = ["investors_investor", "projects_project", "projects_signing", "core_auditentry"]


def database_floor() -> dict:
    """What PostgreSQL alone spends on the commit's rows: the same rows, taken back in one transaction.

    The rows the last PostgreSQL run wrote are copied out (binary COPY), an empty copy of that
    database is made, and the rows are copied in again table by table with every index, check and
    foreign key the schema has, then committed (the deferred foreign-key checks run there). No
    Python builds or checks anything: what this takes is the share of the import no client-side
    work can remove, since one transaction is served by one database process.
    """
    import psycopg

    folder = ROOT / "var" / "bench_floor"
    folder.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(PG_URL) as conn, conn.cursor() as cur:
        for table in FLOOR_TABLES:
            with (
                open(folder / f"{table}.bin", "wb") as out,
                cur.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy,
            ):
                for block in copy:
                    out.write(block)
    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS il_bench_floor")
        conn.execute(f'CREATE DATABASE il_bench_floor TEMPLATE "{PG_NAME}"')
    timings = {}
    try:
        with psycopg.connect(PG_SERVER + "il_bench_floor", autocommit=True) as conn:
            # Empty the tables; the audit table refuses TRUNCATE by its own trigger, lifted here only.
            conn.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            conn.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
            conn.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
            conn.execute("VACUUM ANALYZE")
            with conn.transaction(), conn.cursor() as cur:
                for table in FLOOR_TABLES:
                    started = time.perf_counter()
                    with (
                        open(folder / f"{table}.bin", "rb") as source,
                        cur.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy,
                    ):
                        while block := source.read(1 << 20):
                            copy.write(block)
                    timings[table] = round(time.perf_counter() - started, 1)
                started = time.perf_counter()
            timings["commit"] = round(time.perf_counter() - started, 1)  # the deferred foreign-key checks
    finally:
        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS il_bench_floor")
        for table in FLOOR_TABLES:
            (folder / f"{table}.bin").unlink(missing_ok=True)
    timings["total"] = round(sum(timings.values()), 1)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of each run to FILE.<db>.prof")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="after each PostgreSQL run, time PostgreSQL taking the same rows with no Python work (see database_floor)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(run_child, Path(args.child))
            profiler.dump_stats(args.profile)
            stats = pstats.Stats(args.profile, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
        else:
            result = run_child(Path(args.child))
        print(json.dumps(result))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for rows in args.rows:
        path = ROOT / "var" / f"bench_import_{rows}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            t = time.perf_counter()
            generate(path, rows)
            print(
                f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f}s",
                file=sys.stderr,
            )
        for db in databases:
            env = {
                **os.environ,
                "DATABASE_URL": fresh_database(db),
                "DEBUG": "0",  # as in production: no query log kept in memory
                "INVESTLEDGER_DATA_DIR": str(ROOT / "var" / "bench_import_data"),
            }
            command = [sys.executable, __file__, "--child", str(path)]
            if args.profile:
                command += ["--profile", f"{args.profile}.{db}.prof"]
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if args.profile:
                Path(f"{args.profile}.{db}.txt").write_text(out.stderr)
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"benchmark on {db} failed")
            result = {
                "db": db,
                **json.loads(out.stdout.strip().splitlines()[-1]),
                "load_average": round(os.getloadavg()[0], 1),
            }
            if args.floor and db == "postgres":
                result["floor"] = database_floor()
            results.append(result)
            print(json.dumps(result, ensure_ascii=False))
    print("\n| database | rows | check (s) | commit (s) | total (s) | rows/s | peak memory (max RSS) | load average |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {'PostgreSQL' if r['db'] == 'postgres' else 'SQLite'} | {r['rows']:,} | {r['check_s']} | "
            f"{r['commit_s']} | {r['total_s']} | {r['rows_per_s']:,} | {r['max_rss_mb']} MB | {r['load_average']} |"
        )
    floors = [r for r in results if "floor" in r]
    if floors:
        print("\nPostgreSQL alone taking the committed rows (seconds), no Python work:\n")
        print(f"| rows | {' | '.join(FLOOR_TABLES)} | commit | total | commit of the import |")
        print(f"|---:|{'---:|' * (len(FLOOR_TABLES) + 3)}")
        for r in floors:
            f = r["floor"]
            cells = " | ".join(str(f[t]) for t in FLOOR_TABLES)
            print(f"| {r['rows']:,} | {cells} | {f['commit']} | {f['total']} | {r['commit_s']} |")


if __name__ == "__main__":
    main()
