"""`investledger serve` runs the production WSGI server (gunicorn) with static files, over real HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.PROJECT_DIR) / "manage.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        INVESTLEDGER_DATA_DIR=str(tmp_path / "var"),
        WEB_CONCURRENCY="2",
    )
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"serve stopped: {process.stdout.read()}")
            try:
                _get(base + "/accounts/login/")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("serve did not answer within 180 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_serve_answers_through_gunicorn_with_static_files_and_no_debug_pages(served):
    status, headers, body = _get(served + "/accounts/login/")
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert b"csrfmiddlewaretoken" in body

    status, headers, body = _get(served + "/static/vendor/bootstrap/css/bootstrap.min.css")
    assert status == 200
    assert len(body) > 100_000
    assert headers["Content-Type"].startswith("text/css")

    # DEBUG is off unless asked for: an unknown address gets the plain 404, not Django's debug page.
    status, _headers, body = _get(served + "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body and b"DEBUG = True" not in body


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'investledger.config.settings');"
    code += "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    env["DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(("threads", "worker"), [(1, "SyncWorker"), (4, "ThreadWorker")])
def test_serve_runs_gunicorns_threaded_worker_when_given_threads(threads, worker):
    from gunicorn.config import Config

    from investledger.core.management.commands.serve import gunicorn_settings

    config = Config()
    for name, value in gunicorn_settings("127.0.0.1:8000", workers=3, threads=threads, timeout=60).items():
        config.set(name, value)
    assert config.threads == threads
    assert config.worker_class.__name__ == worker


def test_serve_takes_its_threads_from_web_threads_by_default(settings, monkeypatch):
    from django.core.management import call_command

    from investledger.core.management.commands import serve

    started = {}
    monkeypatch.setattr(serve, "run_gunicorn", lambda addrport, **options: started.update(options))
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no migrate, no collectstatic
    settings.WEB_THREADS = 3
    call_command("serve", "127.0.0.1:8000", "--workers", "2")
    assert started["threads"] == 3 and started["workers"] == 2
    call_command("serve", "127.0.0.1:8000", "--workers", "2", "--threads", "5")
    assert started["threads"] == 5


def test_by_default_serve_runs_a_worker_that_outlives_a_download_longer_than_its_timeout(settings):
    """A sync worker reports to gunicorn only between requests: an export of a million rows (a minute
    or more) was cut off with the worker at the 60 s timeout. The threaded worker reports meanwhile."""
    from gunicorn.config import Config

    from investledger.core.management.commands.serve import gunicorn_settings

    config = Config()
    for name, value in gunicorn_settings("127.0.0.1:8000", workers=3, threads=settings.WEB_THREADS, timeout=60).items():
        config.set(name, value)
    assert config.worker_class.__name__ == "ThreadWorker"
