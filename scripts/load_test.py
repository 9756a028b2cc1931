#!/usr/bin/env python
"""Load test: concurrent signed-in users against `investledger serve` (gunicorn, production settings),
beside what the database alone sustains for the same statements.

    .venv/bin/python scripts/load_test.py --database-url postgres://postgres@127.0.0.1:5432/il_bench_copyload
    .venv/bin/python scripts/load_test.py --database-url ... --clients 20,50 --seconds 30 --workers 5
    .venv/bin/python scripts/load_test.py --database-url postgres://.../il_load --load-demo   # the demo ledger

It starts the production server on a free loopback port (INVESTLEDGER_PRODUCTION=1, DEBUG off, static
files collected, HTTPS redirect off since the traffic never leaves the machine). Each client is a
signed-in user (the demo's users of five roles, or a benchmark database's bench_admin, bench_officer and
bench_leader, in turn) with its own session and keep-alive connection, requesting one page after
another as fast as the server answers, each drawn at random (seeded) from a mix:

    ledger page /projects/ 30 %, project page /projects/<pk>/ 30 % (a project the user sees, one of 50),
    dashboard /reports/ 10 %, API project list /api/projects/ 30 %

For each number of clients it runs SECONDS seconds (and never more than --max-requests a client), then
prints per page kind the requests, p50 / p95 / p99 latency in ms and the errors (any status other than
200, or a connection failure), the total requests per second and the load average.

The floor: before the server starts, every page kind is requested once in-process per user (for the
project page, for five of the user's projects) after a warm-up request, and the SQL statements it
sends are captured. pgbench then replays these statement sets from the same number of connections
for the same time, each set drawn with the page kind's share of the mix: its transactions per second
are what the database alone sustains for this traffic, and "app / database" is the ratio of the two.

Sessions are written straight into the session store (a user needs no password); the database's name
must contain "load" or "bench".
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_USERS = ["admin", "officer_liangjiang", "officer_hitech", "leader", "supervisor"]
BENCH_USERS = ["bench_admin", "bench_officer", "bench_leader"]
# (page kind, share of the requests in %, path; {pk} is one of the user's projects)
MIX = [
    ("ledger page", 30, "/projects/"),
    ("project page", 30, "/projects/{pk}/"),
    ("dashboard", 10, "/reports/"),
    ("API project list", 30, "/api/projects/"),
]
PROJECTS_PER_USER = 50
CAPTURED_PROJECTS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, workers: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DATABASE_URL=database_url,
        INVESTLEDGER_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        INVESTLEDGER_AUDIT_KEY=secrets.token_hex(32),  # production refuses to start without one
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        WEB_CONCURRENCY=str(workers),
        AXES_ENABLED="0",  # one address signs many users in: throttling is not what is measured
    )
    return env


@dataclass
class User:
    username: str
    cookie: str  # "sessionid=..."
    projects: list[int]


def prepare(env: dict) -> tuple[list[User], dict[str, list[list[str]]]]:
    """In-process, with the server's settings: sessions for the users, their projects, and the SQL each
    page kind sends (captured on the second request, once caches are warm as in a running worker)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investledger.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from investledger.ledger.projects.models import Project

    model = get_user_model()
    names = DEMO_USERS if model.objects.filter(username__in=DEMO_USERS).exists() else BENCH_USERS
    users, captured = [], {kind: [] for kind, _share, _path in MIX}
    database_ms: dict[str, list[float]] = {kind: [] for kind, _share, _path in MIX}
    total_ms: dict[str, list[float]] = {kind: [] for kind, _share, _path in MIX}
    rng = random.Random(7)
    top = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for name in names:
        user = model.objects.filter(username=name).first()
        if user is None:
            continue
        visible = Project.objects.visible_to(user)
        projects: list[int] = []
        for _attempt in range(20):  # random ids, kept when the user sees them (no ORDER BY random())
            sample = [rng.randint(1, top) for _ in range(2000)]
            projects += list(visible.filter(pk__in=sample).values_list("pk", flat=True)[:PROJECTS_PER_USER])
            if len(projects) >= PROJECTS_PER_USER:
                break
        if not projects:
            projects = list(visible.values_list("pk", flat=True)[:PROJECTS_PER_USER])
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        users.append(User(name, f"{settings.SESSION_COOKIE_NAME}={store.session_key}", projects[:PROJECTS_PER_USER]))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for kind, _share, path in MIX:
            for pk in projects[:CAPTURED_PROJECTS] if "{pk}" in path else [None]:
                url = path.format(pk=pk)
                client.get(url)
                began = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                total_ms[kind].append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {url} answered {response.status_code}")
                captured[kind].append([q["sql"] for q in queries.captured_queries])
                database_ms[kind].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    if not users:
        raise SystemExit(f"none of the users {names} is in the database (--load-demo loads the demo)")
    print(
        "» one request alone, in process, warm (mean ms in all / in the database's statements): "
        + ", ".join(
            f"{kind} {sum(total_ms[kind]) / len(ms):.0f} / {sum(ms) / len(ms):.0f}" for kind, ms in database_ms.items()
        ),
        flush=True,
    )
    return users, captured


class Session:
    """One signed-in user on one keep-alive connection (the session cookie sent by hand: production
    cookies are marked Secure, which a browser would not send over plain HTTP to 127.0.0.1)."""

    def __init__(self, port: int, user: User):
        self.port = port
        self.user = user
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> int:
        try:
            self.conn.request("GET", path, headers={"Cookie": self.user.cookie})
            response = self.conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return response.status


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind, _s, _p in MIX})
    errors: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind, _s, _p in MIX})
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client_loop(session: Session, seed: int, until: float, max_requests: int, result: Result) -> None:
    rng = random.Random(seed)
    kinds = [(kind, path) for kind, _share, path in MIX]
    weights = [share for _kind, share, _path in MIX]
    for _ in range(max_requests):
        if time.monotonic() >= until:
            return
        kind, path = rng.choices(kinds, weights)[0]
        url = path.format(pk=rng.choice(session.user.projects)) if "{pk}" in path else path
        started = time.perf_counter()
        status = session.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        with result.lock:
            result.latencies[kind].append(elapsed)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != 200:
                result.errors[kind] += 1


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def wait_for(port: int, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def run_app(port: int, users: list[User], clients: int, seconds: float, max_requests: int) -> tuple[float, Result]:
    sessions = [Session(port, users[i % len(users)]) for i in range(clients)]
    for session in sessions[:3]:  # a first request of each worker's is not what is measured
        session.get("/api/projects/")
    result = Result()
    started = time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(target=client_loop, args=(s, i, until, max_requests, result)) for i, s in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for session in sessions:
        session.conn.close()
    return elapsed, result


def run_floor(database_url: str, captured: dict[str, list[list[str]]], clients: int, seconds: float) -> float:
    """Transactions per second pgbench sustains replaying the captured statement sets (one set a
    transaction, drawn with its page kind's share), from `clients` connections for `seconds`."""
    shares = {kind: share for kind, share, _path in MIX}
    with tempfile.TemporaryDirectory(prefix="load-floor-") as folder:
        scripts = []
        for kind, sets in captured.items():
            for n, statements in enumerate(sets):
                slug = re.sub(r"\W+", "-", kind)
                path = Path(folder) / f"{slug}-{n}.sql"
                # One statement a line. pgbench reads ":name" as a variable only when it defines one
                # (client_id, scale, random_seed), so the captured SQL's colons are left as they are.
                lines = [" ".join(sql.split()) + ";" for sql in statements]
                # A server-side cursor (the ORM's iterator) is closed by the driver, out of the log.
                lines += [f"CLOSE {name};" for name in re.findall(r'^DECLARE ("[^"]+")', "\n".join(lines), re.M)]
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                weight = max(1, round(1000 * shares[kind] / len(sets)))
                scripts += ["-f", f"{path}@{weight}"]
        command = ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(int(seconds)), *scripts, database_url]
        output = subprocess.run(command, capture_output=True, text=True)
    if output.returncode != 0:
        raise SystemExit(f"pgbench failed:\n{output.stderr[-2000:]}")
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", output.stdout)
    if failed and int(failed.group(1)):
        raise SystemExit(f"pgbench: {failed.group(1)} failed transactions\n{output.stdout[-2000:]}")
    if not match:
        raise SystemExit(f"pgbench printed no tps:\n{output.stdout[-2000:]}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--clients", default="20,50", help="numbers of concurrent clients, run one after another")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client, a bound besides time")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--threads", type=int, default=2, help="gunicorn threads per worker (serve's default, 2; 1: the sync worker)"
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the database-alone replay")
    parser.add_argument("--load-demo", action="store_true", help="migrate and load the demo first")
    args = parser.parse_args()
    name = urllib.parse.urlparse(args.database_url).path.lstrip("/")
    if not args.database_url.startswith("postgres") or not ("load" in name or "bench" in name):
        raise SystemExit("give --database-url postgres://.../NAME with 'load' or 'bench' in NAME")
    env = server_env(args.database_url, args.workers)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if args.load_demo:
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    # the pages name their static files through the manifest `serve` collects (captured before it starts)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
    started = time.monotonic()
    users, captured = prepare(env)
    print(f"» sessions made and SQL captured in {time.monotonic() - started:.0f} s", flush=True)
    statements = {kind: sum(map(len, sets)) / len(sets) for kind, sets in captured.items()}
    print(
        f"» {platform.node()} · {os.cpu_count()} cores · gunicorn {args.workers} workers × {args.threads} threads · users "
        f"{', '.join(u.username for u in users)} · statements a request: "
        + ", ".join(f"{kind} {n:.0f}" for kind, n in statements.items()),
        flush=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            *manage,
            "serve",
            f"127.0.0.1:{port}",
            "--no-migrate",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs = []
    try:
        wait_for(port, server)
        for clients in [int(n) for n in args.clients.split(",")]:
            before = load()
            elapsed, result = run_app(port, users, clients, args.seconds, args.max_requests)
            runs.append((clients, sum(len(v) for v in result.latencies.values()) / elapsed))
            print_run(clients, args.seconds, elapsed, result, before, load())
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.no_floor:
        return
    print(
        "\n| clients | application requests/s | database alone (pgbench) statement sets/s | app / database | load average |"
    )
    print("|---:|---:|---:|---:|---|")
    for clients, app_rps in runs:
        before = load()
        tps = run_floor(args.database_url, captured, clients, args.seconds)
        print(f"| {clients} | {app_rps:.1f} | {tps:.1f} | {app_rps / tps:.2f} | {before} → {load()} |", flush=True)


def print_run(clients: int, seconds: float, elapsed: float, result: Result, before: str, after: str) -> None:
    total = sum(len(v) for v in result.latencies.values())
    print(
        f"\n{clients} clients · {seconds:.0f} s · {total / elapsed:.1f} requests/s · load average {before} → {after}\n"
    )
    print("| page kind | share | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, share, _path in MIX:
        lat = result.latencies[kind]
        print(
            f"| {kind} | {share} % | {len(lat)} | {len(lat) / elapsed:.1f} | {percentile(lat, 0.5):.0f} | "
            f"{percentile(lat, 0.95):.0f} | {percentile(lat, 0.99):.0f} | {result.errors[kind]} |"
        )
    every = [v for values in result.latencies.values() for v in values]
    print(
        f"| all | 100 % | {total} | {total / elapsed:.1f} | {percentile(every, 0.5):.0f} | "
        f"{percentile(every, 0.95):.0f} | {percentile(every, 0.99):.0f} | {sum(result.errors.values())} |",
        flush=True,
    )
    if sum(result.errors.values()):
        print(f"  statuses {result.statuses}", file=sys.stderr)


if __name__ == "__main__":
    main()
