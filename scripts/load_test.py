#!/usr/bin/env python
"""Load test: concurrent signed-in users against `investledger serve` (gunicorn, production settings).

    .venv/bin/python scripts/load_test.py --database-url postgres://postgres@127.0.0.1:5432/il_load
    .venv/bin/python scripts/load_test.py --database-url ... --clients 50 --seconds 30 --workers 5

It starts the production server on a free loopback port (INVESTLEDGER_PRODUCTION=1, DEBUG off, static
files collected, HTTPS redirect off since the traffic never leaves the machine), signs in demo users of
several roles (admin, district officers, leader, supervisor), then runs each page in turn: CLIENTS threads
request it as fast as the server answers for SECONDS seconds (and never more than --max-requests each),
each thread with its own session and keep-alive connection. It prints, per page, requests served,
requests per second, p50 / p95 / p99 latency in milliseconds and the errors (any status other than 200,
or a connection failure), as a Markdown table for docs/benchmarks.md. Every request goes to 127.0.0.1.

The database must hold the demo (`--load-demo` migrates and loads it first; the demo is idempotent) and
its name must contain "load" or "bench": the test signs users in, which writes sessions.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_PASSWORD = "demo-password-2026"  # investledger.demo.users.DEMO_PASSWORD, read without importing Django
USERS = ["admin", "officer_liangjiang", "officer_hitech", "leader", "supervisor"]
PAGES = [
    ("ledger page", "/projects/"),
    ("API project list", "/api/projects/"),
    ("dashboard", "/reports/"),
    ("issues page", "/escalation/issues/"),
]


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
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        WEB_CONCURRENCY=str(workers),
        AXES_ENABLED="0",  # one address signs many users in: throttling is not what is measured
    )
    return env


class Session:
    """One signed-in user on one keep-alive connection (cookies kept by hand: production cookies are
    marked Secure, which a browser would not send over plain HTTP to 127.0.0.1)."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.sign_in(username)

    def _cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, response) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {**self._cookie_header(), **(headers or {})}
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        data = response.read()
        self._keep(response)
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return response.status, data

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"the login page answered {status}")
        body = urllib.parse.urlencode(
            {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            "Origin": f"http://127.0.0.1:{self.port}",
        }
        status, _ = self.request("POST", "/accounts/login/", body, headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} could not sign in (status {status}); is the demo loaded?")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def hammer(session: Session, path: str, until: float, max_requests: int, result: Result) -> None:
    for _ in range(max_requests):
        if time.monotonic() >= until:
            return
        started = time.perf_counter()
        try:
            status, _ = session.request("GET", path)
        except (http.client.HTTPException, OSError):
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        with result.lock:
            result.latencies.append(elapsed)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != 200:
                result.errors += 1


def percentile(values: list[float], share: float) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client and page, a bound besides time")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
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
    port = free_port()
    server = subprocess.Popen(
        [*manage, "serve", f"127.0.0.1:{port}", "--no-migrate", "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, server)
        sessions = [Session(port, USERS[i % len(USERS)]) for i in range(args.clients)]
        load_before = os.getloadavg()[0]
        rows = []
        for label, path in PAGES:
            result = Result()
            started = time.monotonic()
            until = started + args.seconds
            threads = [
                threading.Thread(target=hammer, args=(s, path, until, args.max_requests, result)) for s in sessions
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            lat = result.latencies
            rows.append(
                f"| {label} | {len(lat)} | {len(lat) / elapsed:.1f} | {statistics.median(lat):.0f} | "
                f"{percentile(lat, 0.95):.0f} | {percentile(lat, 0.99):.0f} | {result.errors} |"
            )
            if result.errors:
                print(f"  {label}: statuses {result.statuses}", file=sys.stderr)
        print(
            f"\n{platform.node()} · {os.cpu_count()} cores · gunicorn {args.workers} workers · {args.clients} clients "
            f"· {args.seconds:.0f} s per page · load average {load_before:.1f} → {os.getloadavg()[0]:.1f}\n"
        )
        print("| page | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
