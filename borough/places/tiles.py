"""A small offline map of the borough, drawn from the gazetteer (issue 25).

A council sets ``BOROUGH_MAP_TILE_URL`` to its own tiles (Ordnance Survey's Maps API, say). Without
one, Borough draws its own raster tiles here, so the map works with no network at all: each street
is a line through its properties' points in order along the street, each property a small square,
and street names from zoom 16. Standard web-map tiles (``{z}/{x}/{y}.png``, Web Mercator,
256 pixels), written by ``manage.py map_tiles`` (``seed_demo`` runs it) and served by the portal
at ``/map/tiles/``. Tiles with nothing on them are not written: the portal serves one blank tile.
"""

from __future__ import annotations

import functools
import io
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Avg, F
from PIL import Image, ImageDraw, ImageFont

from .models import Property, Street

TILE = 256
LAND = (242, 239, 233)
# Where people live: a soft area around each property, so the borough's built-up areas read
# at a glance when zoomed out (as residential land does on Ordnance Survey's and OSM's maps).
HOMES = (226, 219, 208)
HOMES_METRES = 70
ROAD = (255, 255, 255)
ROAD_EDGE = (150, 142, 128)
BUILDING = (200, 190, 178)
LABEL = (40, 40, 40)
LABEL_HALO = (255, 255, 255)
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """A point's pixel position on the whole Web Mercator map at ``zoom``."""
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


def street_lines() -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """Each street's name and its properties' points (lat, lon), in order along the street."""
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    rows = Property.objects.filter(is_current=True).values_list("usrn_id", "latitude", "longitude")
    for usrn, lat, lon in rows.iterator(chunk_size=5000):
        points[usrn].append((float(lat), float(lon)))
    names = dict(Street.objects.filter(usrn__in=list(points)).values_list("usrn", "name"))
    for usrn, pts in points.items():
        unique = sorted(set(pts))
        if len(unique) > 1:
            # Order along the street's longer direction.
            lat_span = unique[-1][0] - unique[0][0]
            lon_span = max(p[1] for p in unique) - min(p[1] for p in unique)
            unique.sort(key=(lambda p: p[0]) if lat_span >= lon_span else (lambda p: p[1]))
        yield names.get(usrn, ""), unique


def _font(size: int):
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def _metres_to_pixels(metres: float, lines, zoom: int) -> int:
    """``metres`` in pixels at ``zoom``, at the latitude of the first street (the borough is
    small enough for one scale)."""
    lat = lines[0][1][0][0] if lines and lines[0][1] else 51.5
    metres_per_pixel = 156_543.03 * math.cos(math.radians(lat)) / 2**zoom
    return max(1, round(metres / metres_per_pixel))


def render_tiles(out: Path, *, min_zoom: int = 12, max_zoom: int = 16) -> int:
    """Draw every tile with something on it, ``min_zoom`` to ``max_zoom``, into ``out``.
    Returns how many were written."""
    lines = list(street_lines())
    written = 0
    label_font = _font(11)
    for zoom in range(min_zoom, max_zoom + 1):
        by_tile: dict[tuple[int, int], list[int]] = defaultdict(list)
        pixels = []
        # Far enough around each street for its homes and, from zoom 15, its name, so a tile
        # draws its part of a name that starts in the next tile (no name cut at a tile's edge).
        margin = 12 + _metres_to_pixels(HOMES_METRES, lines, zoom) + (160 if zoom >= 15 else 0)
        for index, (_name, pts) in enumerate(lines):
            px = [world_pixel(lat, lon, zoom) for lat, lon in pts]
            pixels.append(px)
            xs, ys = [p[0] for p in px], [p[1] for p in px]
            for tx in range(int((min(xs) - margin) // TILE), int((max(xs) + margin) // TILE) + 1):
                for ty in range(
                    int((min(ys) - margin) // TILE), int((max(ys) + margin) // TILE) + 1
                ):
                    by_tile[(tx, ty)].append(index)
        # Roads at least 3 pixels wide (a visible line even zoomed out), 10 at the most.
        road = max(3, min(10, 2 ** (zoom - 12)))
        homes = _metres_to_pixels(HOMES_METRES, lines, zoom)
        for (tx, ty), indexes in by_tile.items():
            image = Image.new("RGB", (TILE, TILE), LAND)
            draw = ImageDraw.Draw(image)
            ox, oy = tx * TILE, ty * TILE
            local = {i: [(x - ox, y - oy) for x, y in pixels[i]] for i in indexes}
            for pts in local.values():
                # Homes: a band along the street, drawn as a wide line (and a dot for one home).
                if len(pts) > 1:
                    draw.line(pts, fill=HOMES, width=2 * homes, joint="curve")
                for x, y in (pts[0], pts[-1]):
                    draw.ellipse((x - homes, y - homes, x + homes, y + homes), fill=HOMES)
            for pts in local.values():
                if len(pts) > 1:
                    draw.line(pts, fill=ROAD_EDGE, width=road + 2, joint="curve")
            for pts in local.values():
                if len(pts) > 1:
                    draw.line(pts, fill=ROAD, width=road, joint="curve")
                if zoom >= 15:
                    for x, y in pts:
                        s = road // 2 + 3
                        draw.rectangle((x + s, y - s - 4, x + s + 4, y - s), fill=BUILDING)
            if zoom >= 15:
                for i, pts in local.items():
                    name = lines[i][0]
                    x, y = pts[len(pts) // 2]
                    if name and -160 < x < TILE and -20 < y < TILE:
                        draw.text(
                            (x + road, y + road),
                            name,
                            fill=LABEL,
                            font=label_font,
                            stroke_width=2,
                            stroke_fill=LABEL_HALO,
                        )
            path = out / str(zoom) / str(tx) / f"{ty}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            # No dithering: the same colour is the same pixels in every tile (no seams).
            image.quantize(colors=16, dither=Image.Dither.NONE).save(path, optimize=True)
            written += 1
    (out / "blank.png").write_bytes(blank_tile())
    return written


@functools.cache
def blank_tile() -> bytes:
    """A tile of plain land, where nothing is drawn."""
    buffer = io.BytesIO()
    Image.new("RGB", (TILE, TILE), LAND).quantize(colors=2).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def borough_centre() -> tuple[float, float] | None:
    """Where the map opens: the middle of the street of the property nearest the middle of the
    gazetteer's properties, so the first view is on a drawn street (the average of scattered
    streets can be open land), or None without any."""
    current = Property.objects.filter(is_current=True)
    centre = current.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is None:
        return None
    lat, lon = float(centre["lat"]), float(centre["lon"])
    # The nearest by a cheap planar distance, in the database (one row back).
    scale = math.cos(math.radians(lat)) ** 2
    nearest = (
        current.annotate(
            far=(F("latitude") - lat) * (F("latitude") - lat)
            + (F("longitude") - lon) * (F("longitude") - lon) * scale
        )
        .order_by("far")
        .values_list("usrn_id", flat=True)
        .first()
    )
    # The middle of that property's street: the street, not its end, in the middle of the map.
    middle = current.filter(usrn_id=nearest).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    return float(middle["lat"]), float(middle["lon"])
