"""Benchmark: the map page of a report (issue 25).

1. ``--part nearby`` (PostgreSQL): the reports-nearby query (``cases.public.open_reports_near``)
   over the million cases of the hub-queue bench database. The database ``borough_bench``
   (made by ``bench/hub_queue.py``) is copied to ``borough_map_bench`` (``CREATE DATABASE ...
   TEMPLATE``), migrated, and every case is given a point: its property's, or for a case placed
   on a street a point near the street's properties. Then, for ``--points`` random properties'
   points, the nearby query for a public street service, against a baseline measured in the same
   run: looking one case up by its reference (a single unique-index read).
2. ``--part page`` (any database, Chromium): the bytes of JavaScript and tiles the map page loads,
   and the time until the map is interactive (the map drawn with its tiles, a click drops a pin)
   over a throttled connection (Chromium DevTools' network throttling, through CDP), against the
   same page's load without the map (the baseline: a postcode page of an address question).

Usage: .venv/bin/python bench/map_page.py --part nearby [--points 200]
       .venv/bin/python bench/map_page.py --part page [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SOURCE_DB = "borough_bench"
BENCH_DB = "borough_map_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
# DevTools' "Fast 3G" preset: 562.5 ms latency, about 1.44 Mbit/s down, 675 kbit/s up.
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 180_000,
    "uploadThroughput": 84_375,
}


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p95_ms(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1] * 1000


def part_nearby(points: int, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        if exists and not reuse:
            admin.execute(f'DROP DATABASE "{BENCH_DB}"')
        if not exists or not reuse:
            started = time.perf_counter()
            admin.execute(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{SOURCE_DB}"')
            print(f"copied {SOURCE_DB} in {time.perf_counter() - started:.1f} s")
    _django(f"{SERVER}/{BENCH_DB}")
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not reuse:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case c SET latitude = p.latitude, longitude = p.longitude "
                "FROM places_property p WHERE p.uprn = c.property_id AND c.latitude IS NULL"
            )
            cursor.execute(
                "UPDATE cases_case c SET latitude = round((s.lat + (random() - 0.5) * 0.002)::numeric, 6), "
                "longitude = round((s.lon + (random() - 0.5) * 0.003)::numeric, 6) FROM ("
                "SELECT usrn, avg(latitude) lat, avg(longitude) lon FROM places_property "
                "GROUP BY usrn) s WHERE c.street_id = s.usrn AND c.latitude IS NULL"
            )
            cursor.execute("ANALYZE cases_case")
        print(f"gave every case a point in {time.perf_counter() - started:.1f} s")

    from borough.cases.models import OPEN_STATUSES, Case
    from borough.cases.public import open_reports_near
    from borough.cases.selectors import case_by_reference
    from borough.catalogue.models import Service
    from borough.places.models import Property

    rng = random.Random(25)
    service = (
        Service.objects.filter(is_private=False, slug="report-pothole").first()
        or Service.objects.filter(is_private=False).first()
    )
    total = Case.objects.count()
    with_point = Case.objects.filter(latitude__isnull=False).count()
    open_of_service = Case.objects.filter(service=service, status__in=OPEN_STATUSES).count()
    spots = list(Property.objects.values_list("latitude", "longitude")[:50_000])
    spots = [(float(a), float(b)) for a, b in rng.sample(spots, points)]
    references = list(Case.objects.order_by("?").values_list("reference", flat=True)[:points])
    for lat, lon in spots[:5]:  # warm up
        open_reports_near(service=service, latitude=lat, longitude=lon)
    nearby, lookup, found = [], [], []
    for (lat, lon), reference in zip(spots, references, strict=True):
        started = time.perf_counter()
        result = open_reports_near(service=service, latitude=lat, longitude=lon)
        nearby.append(time.perf_counter() - started)
        found.append(len(result))
        started = time.perf_counter()
        case_by_reference(reference)
        lookup.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        lat, lon = spots[0]
        cursor.execute(
            "EXPLAIN SELECT id FROM cases_case WHERE service_id = %s AND status IN "
            "('new', 'in_progress', 'waiting') AND duplicate_of_id IS NULL AND latitude BETWEEN "
            "%s AND %s AND longitude BETWEEN %s AND %s",
            [service.pk, lat - 0.0014, lat + 0.0014, lon - 0.0022, lon + 0.0022],
        )
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])
    print(f"machine: {machine()}")
    print(
        f"{total:,} cases ({with_point:,} with a point); {open_of_service:,} open "
        f"{service.slug} cases; {points} points; reports found per point: median "
        f"{statistics.median(found)}, max {max(found)}"
    )
    print(
        f"nearby reports (150 m): median {_median_ms(nearby):.2f} ms, p95 {_p95_ms(nearby):.2f} ms"
    )
    print(
        f"baseline, one case by reference: median {_median_ms(lookup):.2f} ms, "
        f"p95 {_p95_ms(lookup):.2f} ms"
    )
    print(f"ratio (medians): {statistics.median(nearby) / statistics.median(lookup):.1f}x")
    print(f"plan: {plan}")


def part_page(runs: int) -> None:
    """Serve the test gazetteer with Django's live server in this process, and load pages."""
    import tempfile

    os.environ["DATABASE_URL"] = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ["BOROUGH_MAP_TILE_DIR"] = tempfile.mkdtemp()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.testing import StaticLiveServerTestCase
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from borough.places.importer import import_llpg
    from borough.places.tiles import render_tiles

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    with open(ROOT / "tests" / "data" / "llpg_sample.csv", encoding="utf-8") as source:
        import_llpg(source)
    render_tiles(Path(settings.BOROUGH_MAP_TILE_DIR), min_zoom=12, max_zoom=16)

    class Server(StaticLiveServerTestCase):
        pass

    Server.setUpClass()
    base = Server.live_server_url
    results: dict[str, list[float]] = {"map": [], "baseline": []}
    transfer: dict[str, dict[str, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for run in range(runs):
            for name, service, ready in (
                ("map", "report-pothole", "map"),
                ("baseline", "report-missed-bin", "page"),
            ):
                context = browser.new_context(
                    viewport={"width": 375, "height": 800}, bypass_csp=True
                )
                page = context.new_page()
                page.goto(f"{base}/services/{service}/")  # unthrottled: start the form
                page.get_by_role("button", name="Start now").click()
                page.wait_for_load_state("load")
                url = page.url
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", FAST_3G)
                sizes: dict[str, int] = {}
                kinds: dict[str, str] = {}

                def on_response(event, kinds=kinds):
                    kinds[event["requestId"]] = event["response"]["url"]

                def on_finished(event, sizes=sizes, kinds=kinds):
                    url = kinds.get(event["requestId"], "")
                    sizes[url] = int(event["encodedDataLength"])

                cdp.on("Network.responseReceived", on_response)
                cdp.on("Network.loadingFinished", on_finished)
                started = time.perf_counter()
                page.goto(url, wait_until="commit")
                if ready == "map":
                    page.locator(".leaflet-tile-loaded").first.wait_for(state="visible")
                    page.wait_for_function(
                        "[...document.querySelectorAll('.leaflet-tile')].every(t => "
                        "t.classList.contains('leaflet-tile-loaded'))"
                    )
                else:
                    page.wait_for_load_state("load")
                results[name].append(time.perf_counter() - started)
                if run == 0:
                    page.wait_for_timeout(500)
                    transfer[name] = {
                        "js": sum(v for k, v in sizes.items() if k.endswith((".js", ".mjs"))),
                        "css": sum(v for k, v in sizes.items() if k.endswith(".css")),
                        "tiles": sum(v for k, v in sizes.items() if "/map/tiles/" in k),
                        "tile_count": sum(1 for k in sizes if "/map/tiles/" in k),
                        "total": sum(sizes.values()),
                    }
                context.close()
        browser.close()
    Server.tearDownClass()
    print(f"machine: {machine()}")
    print("throttling: DevTools Fast 3G (562.5 ms latency, 1.44 Mbit/s down), cache off, 375px")
    for name in ("map", "baseline"):
        t = transfer[name]
        print(
            f"{name}: interactive median {_median_ms(results[name]):.0f} ms over {runs} runs; "
            f"transferred JS {t['js']:,} B, CSS {t['css']:,} B, tiles {t['tiles']:,} B "
            f"({t['tile_count']} tiles), total {t['total']:,} B"
        )
    ratio = statistics.median(results["map"]) / statistics.median(results["baseline"])
    print(f"ratio (medians, map / baseline): {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("nearby", "page"), required=True)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep borough_map_bench as it is")
    args = parser.parse_args()
    if args.part == "nearby":
        part_nearby(args.points, args.reuse)
    else:
        part_page(args.runs)


if __name__ == "__main__":
    main()
