"""Benchmark: the resident portal under concurrent load on the demo borough (issue 3).

1. Makes two demo boroughs in SQLite files under var/bench/ (the embedded mode `make run` uses):
   ``seed_demo --residents 100000`` and a small one (``--small``, 1,000 residents) for the query
   counts. ``--reuse`` keeps files already made.
2. Starts gunicorn as scripts/run.sh does (2 workers, 4 threads, DEBUG off) on a free port, signs
   in as the demo resident (resident@example.com) through the real sign-in form, starts a
   missed-bin journey (GET and POST the start page) and loads, with ``wrk`` on localhost
   (``--connections`` concurrent connections for ``--duration`` seconds each): ``/healthz`` (the
   floor: the same server and middleware, no database), the home page, a service start page,
   the journey's first question page and the MyAccount dashboard. It reports the median and
   95th percentile latency, the throughput and the ratio to the floor.
3. Counts each page's SQL queries with Django's test client and CaptureQueriesContext on both
   demo boroughs (they must not grow with the data).

Usage: .venv/bin/python bench/portal.py [--residents 100000] [--small 1000] [--duration 10]
       [--connections 8] [--reuse]
(`make bench-portal`.) Installs Debian's wrk with apt-get if it is missing. Never part of
`make test`.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common import ensure_wrk, free_port, machine  # noqa: E402 - bench/common.py

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
RESIDENT = "resident@example.com"
PASSWORD = "borough-demo-2026"  # noqa: S105 - the public demo sign-in (seed_demo)
SERVICE = "/services/report-missed-bin/"
COOKIE = "borough_session"

# wrk's summary has no 95th percentile: print it (and the median) from the histogram.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def env_for(database: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "BOROUGH_LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
    }


def seed(residents: int, reuse: bool) -> Path:
    database = VAR / f"portal-{residents}.sqlite3"
    if reuse and database.exists():
        print(f"Reusing {database.relative_to(ROOT)}")
        return database
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = env_for(database)
    manage = [PYTHON, "manage.py"]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    quiet = {"stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "load_catalogue"], cwd=ROOT, env=env, check=True, **quiet)
    subprocess.run(
        [*manage, "seed_demo", "--residents", str(residents)],
        cwd=ROOT,
        env=env,
        check=True,
        **quiet,
    )
    print(
        f"Seeded the demo borough with {residents:,} residents in {time.perf_counter() - started:.0f} s"
    )
    return database


# --------------------------------------------------------------------------- query counts


def count_queries() -> None:
    """In a child process with DATABASE_URL set: print the pages' query counts as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from borough.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(email=RESIDENT))
    response = client.post(SERVICE)
    assert response.status_code == 302, response.status_code
    question = response["Location"]
    # The floor is loaded without the session cookie, as wrk sends it (with the cookie, the
    # session is read for the resident's language).
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/healthz").status_code == 200
    counts = {"/healthz": len(queries)}
    for path in ("/", SERVICE, question, "/my-account/"):
        client.get(path)  # the first request may touch the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(queries)
    counts["question"] = question
    print(json.dumps(counts))


def query_counts(database: Path) -> dict:
    out = subprocess.run(
        [PYTHON, __file__, "--count-queries"],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ load test


class Browser:
    """Just enough of a browser to sign in and start a journey: cookies and CSRF tokens."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), text
        finally:
            conn.close()

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    @staticmethod
    def csrf(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise SystemExit("No CSRF token on the page")
        return html.unescape(found.group(1))


def start_server(port: int, database: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "config.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
            *("--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env_for(database),
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if Browser(port).request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(wrk: str, port: int, path: str, cookie: str, args, script: str) -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    url = f"http://127.0.0.1:{port}{path}"
    # Warm up: both workers' caches and SQLite's pages.
    subprocess.run(
        [wrk, "-t1", f"-c{args.connections}", "-d2s", *headers, url],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            wrk,
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "-s",
            script,
            *headers,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    median_us, p95_us, requests, duration_us, errors = (int(x) for x in line.split()[1:])
    return {
        "median": median_us / 1000,
        "p95": p95_us / 1000,
        "rps": requests / (duration_us / 1e6),
        "requests": requests,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep demo boroughs already made")
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        count_queries()
        return

    print(f"Portal benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {machine()}")
    wrk = ensure_wrk()
    small = seed(args.small, args.reuse)
    big = seed(args.residents, args.reuse)
    small_counts = query_counts(small)
    big_counts = query_counts(big)

    port = free_port()
    server = start_server(port, big)
    rows = []
    try:
        browser = Browser(port)
        _, _, page = browser.request("GET", "/account/login/")
        status, _, _ = browser.request(
            "POST",
            "/account/login/",
            {"csrfmiddlewaretoken": browser.csrf(page), "login": RESIDENT, "password": PASSWORD},
        )
        if status != 302 or COOKIE not in browser.cookies:
            raise SystemExit(f"Signing in as {RESIDENT} failed ({status})")
        browser.request("GET", SERVICE)
        # The start page's form needs no CSRF token: starting changes only the visitor's session.
        status, question, _ = browser.request("POST", SERVICE, {})
        if status != 302 or "/questions/" not in question:
            raise SystemExit(f"Starting the journey failed ({status} {question})")
        cookie = browser.cookie_header()
        pages = [
            ("floor: /healthz (no database)", "/healthz", ""),
            ("home page", "/", cookie),
            (f"service start page ({SERVICE})", SERVICE, cookie),
            (f"question page ({question})", question, cookie),
            ("MyAccount dashboard (/my-account/)", "/my-account/", cookie),
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        try:
            for label, path, page_cookie in pages:
                timing = load(wrk, port, path, page_cookie, args, script.name)
                rows.append((label, path, timing))
        finally:
            os.unlink(script.name)
    finally:
        server.terminate()
        server.wait(timeout=10)

    floor = rows[0][2]
    print(
        f"wrk, 1 thread, {args.connections} connections, {args.duration} s per page after a 2 s "
        f"warm-up; gunicorn 2 workers x 4 threads (as scripts/run.sh), SQLite (WAL), DEBUG off; "
        f"signed in as the demo resident"
    )
    print(f"Load average after the run: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(
        f"| page | median ms | p95 ms | requests/s | median / floor | p95 / floor | "
        f"SQL queries ({args.small:,} residents) | SQL queries ({args.residents:,}) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, path, t in rows:
        key = path if path != question else big_counts["question"]
        small_key = path if path != question else small_counts["question"]
        errors = f" ({t['errors']} errors)" if t["errors"] else ""
        print(
            f"| {label}{errors} | {t['median']:.1f} | {t['p95']:.1f} | {t['rps']:.0f} | "
            f"{t['median'] / floor['median']:.1f} | {t['p95'] / floor['p95']:.1f} | "
            f"{small_counts.get(small_key, '?')} | {big_counts.get(key, '?')} |"
        )


if __name__ == "__main__":
    main()
