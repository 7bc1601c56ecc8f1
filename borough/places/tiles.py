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

from django.db.models import Avg
from PIL import Image, ImageDraw, ImageFont

from .models import Property, Street

TILE = 256
LAND = (242, 239, 233)
ROAD = (255, 255, 255)
ROAD_EDGE = (190, 184, 172)
BUILDING = (214, 206, 196)
LABEL = (40, 40, 40)
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


def render_tiles(out: Path, *, min_zoom: int = 12, max_zoom: int = 16) -> int:
    """Draw every tile with something on it, ``min_zoom`` to ``max_zoom``, into ``out``.
    Returns how many were written."""
    lines = list(street_lines())
    written = 0
    label_font = _font(11)
    for zoom in range(min_zoom, max_zoom + 1):
        by_tile: dict[tuple[int, int], list[int]] = defaultdict(list)
        pixels = []
        for index, (_name, pts) in enumerate(lines):
            px = [world_pixel(lat, lon, zoom) for lat, lon in pts]
            pixels.append(px)
            margin = 12
            xs, ys = [p[0] for p in px], [p[1] for p in px]
            for tx in range(int((min(xs) - margin) // TILE), int((max(xs) + margin) // TILE) + 1):
                for ty in range(
                    int((min(ys) - margin) // TILE), int((max(ys) + margin) // TILE) + 1
                ):
                    by_tile[(tx, ty)].append(index)
        road = max(1, min(10, 2 ** (zoom - 13)))
        for (tx, ty), indexes in by_tile.items():
            image = Image.new("RGB", (TILE, TILE), LAND)
            draw = ImageDraw.Draw(image)
            ox, oy = tx * TILE, ty * TILE
            local = {i: [(x - ox, y - oy) for x, y in pixels[i]] for i in indexes}
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
            if zoom >= 16:
                for i, pts in local.items():
                    name = lines[i][0]
                    x, y = pts[len(pts) // 2]
                    if name and 0 <= x < TILE and 0 <= y < TILE:
                        draw.text((x + 4, y + 4), name, fill=LABEL, font=label_font)
            path = out / str(zoom) / str(tx) / f"{ty}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            image.quantize(colors=16).save(path, optimize=True)
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
    """The middle of the gazetteer's properties (where the map opens), or None without any."""
    centre = Property.objects.filter(is_current=True).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if centre["lat"] is None:
        return None
    return float(centre["lat"]), float(centre["lon"])
