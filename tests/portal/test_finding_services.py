"""Finding a service: in a resident's own words, and in two or three clicks from the home page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone

from borough.cases.models import Case
from borough.catalogue.search import SearchDocument, ServiceIndex

# What residents type, and the service they are looking for. Misspellings, synonyms, run-together
# words and LGSL labels included on purpose.
PHRASINGS = [
    ("my bin wasn't collected", "report-missed-bin"),
    ("rubbish not taken", "report-missed-bin"),
    ("missed bin", "report-missed-bin"),
    ("bin men missed my street", "report-missed-bin"),
    ("recycling not emptied", "report-missed-bin"),
    ("refuse collection missed", "report-missed-bin"),
    ("new wheelie bin", "request-new-bin"),
    ("my bin was stolen", "request-new-bin"),
    ("replacement recycling bin", "request-new-bin"),
    ("food caddy", "request-new-bin"),
    ("get rid of an old sofa", "book-bulky-waste-collection"),
    ("mattress collection", "book-bulky-waste-collection"),
    ("fridge freezer removal", "book-bulky-waste-collection"),
    ("bulky waste", "book-bulky-waste-collection"),
    ("garden waste", "subscribe-to-garden-waste"),
    ("brown bin subscription", "subscribe-to-garden-waste"),
    ("grass cuttings collection", "subscribe-to-garden-waste"),
    ("i cant move my bin", "request-assisted-bin-collection"),
    ("help putting bin out disabled", "request-assisted-bin-collection"),
    ("assisted collection", "request-assisted-bin-collection"),
    ("flytipping", "report-fly-tipping"),
    ("fly tipping", "report-fly-tipping"),
    ("someone dumped a mattress in the alley", "report-fly-tipping"),
    ("rubbish dumped on the street", "report-fly-tipping"),
    ("grafitti", "report-graffiti"),
    ("graffiti on a wall", "report-graffiti"),
    ("spray paint tagging", "report-graffiti"),
    ("dog poo", "report-dog-fouling"),
    ("dog mess on pavement", "report-dog-fouling"),
    ("dog fouling", "report-dog-fouling"),
    ("litter", "report-litter"),
    ("broken glass in the street", "report-litter"),
    ("street needs sweeping", "report-litter"),
    ("litter bin overflowing", "report-overflowing-litter-bin"),
    ("street bin full", "report-overflowing-litter-bin"),
    ("broken paving slab", "report-damaged-pavement"),
    ("uneven pavement trip hazard", "report-damaged-pavement"),
    ("pothole", "report-pothole"),
    ("potholl", "report-pothole"),
    ("hole in the road", "report-pothole"),
    ("pot hole on my road", "report-pothole"),
    ("street light not working", "report-street-light-fault"),
    ("streetlight broken", "report-street-light-fault"),
    ("lamp post flickering", "report-street-light-fault"),
    ("blocked drain", "report-blocked-drain"),
    ("flooding on the road", "report-blocked-drain"),
    ("gully blocked", "report-blocked-drain"),
    ("abandoned car", "report-abandoned-vehicle"),
    ("untaxed van not moved for weeks", "report-abandoned-vehicle"),
    ("burnt out car", "report-abandoned-vehicle"),
    ("parking permit", "apply-for-resident-parking-permit"),
    ("residents parking permit", "apply-for-resident-parking-permit"),
    ("cpz permit", "apply-for-resident-parking-permit"),
    ("car parked on the pavement", "report-parking-problem"),
    ("someone blocking my driveway", "report-parking-problem"),
    ("parked on double yellow lines", "report-parking-problem"),
    ("council flat repair", "report-housing-repair"),
    ("my boiler is broken", "report-housing-repair"),
    ("leaking toilet council house", "report-housing-repair"),
    ("mould in my bathroom", "report-damp-and-mould"),
    ("mold", "report-damp-and-mould"),
    ("condensation on walls", "report-damp-and-mould"),
    ("damp", "report-damp-and-mould"),
    ("moving house council tax", "tell-us-you-have-moved"),
    ("change of address council tax", "tell-us-you-have-moved"),
    ("i moved out", "tell-us-you-have-moved"),
    ("single person discount", "apply-single-person-discount"),
    ("i live alone council tax", "apply-single-person-discount"),
    ("council tax discount", "apply-single-person-discount"),
    ("noisy neighbours", "report-noise"),
    ("loud music at night", "report-noise"),
    ("barking dog", "report-noise"),
    ("rats", "request-pest-control"),
    ("mice in kitchen", "request-pest-control"),
    ("cockroaches", "request-pest-control"),
    ("wasp nest", "request-pest-control"),
    ("dangerous tree", "report-dangerous-tree"),
    ("tree fell down in storm", "report-dangerous-tree"),
    ("branch hanging over the road", "report-dangerous-tree"),
    ("broken swing in the park", "report-park-problem"),
    ("playground damaged", "report-park-problem"),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_search_finds_the_right_service_for_everyday_words(client, catalogue):
    assert len(PHRASINGS) >= 60
    wrong = []
    for phrase, slug in PHRASINGS:
        page = client.get("/search/", {"q": phrase}).content.decode()
        first = page.find('href="/services/')
        found = page[first + len('href="/services/') :].split("/", 1)[0] if first >= 0 else None
        if found != slug:
            wrong.append((phrase, slug, found))
    assert wrong == []


@pytest.mark.django_db
def test_search_says_clearly_when_nothing_matches(client, catalogue):
    page = client.get("/search/", {"q": "xylophone lessons"}).content.decode()
    assert "There are no services matching <strong>xylophone lessons</strong>" in page
    assert "checking your spelling" in page
    page = client.get("/search/", {"q": ""}).content.decode()
    assert "There are no services" not in page  # an empty search is not an error


@pytest.mark.django_db
def test_search_escapes_what_was_typed(client, catalogue):
    page = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_index_forgives_spelling_and_uses_synonyms():
    index = ServiceIndex(
        [
            SearchDocument(slug="pothole", name="Report a pothole", keywords=("pothole",)),
            SearchDocument(slug="bins", name="Report a missed bin", keywords=("bin",)),
        ],
        synonyms=(("bin", "rubbish"),),
    )
    assert [hit.slug for hit in index.search("pothoel")] == ["pothole"]
    assert [hit.slug for hit in index.search("rubbish")] == ["bins"]
    assert index.search("the and of") == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])


def _reachable(client, *, clicks: int) -> dict[str, int]:
    """Every page reachable from the home page by following links, with the fewest clicks."""
    seen = {"/": 0}
    frontier = ["/"]
    for depth in range(1, clicks + 1):
        following = []
        for url in frontier:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            parser = _Links()
            parser.feed(response.content.decode())
            for link in parser.links:
                if link not in seen and not link.startswith(("/hub/", "/static/")):
                    seen[link] = depth
                    following.append(link)
        frontier = following
    return seen


@pytest.mark.django_db
def test_the_top_20_tasks_are_at_most_three_clicks_from_the_home_page(client, catalogue):
    # Case volumes make the top tasks: give 20 services different numbers of requests.
    # Councillors' own service (member enquiries) and phone messages (voicemails) are never
    # offered to residents.
    offered = [s for s in catalogue.values() if s.is_online]
    busiest = sorted(offered, key=lambda s: s.slug)[:20]
    now = timezone.now()
    number = 0
    for rank, service in enumerate(busiest):
        for _ in range(20 - rank):
            number += 1
            Case.objects.create(
                reference=f"T{number:07d}",
                service=service,
                team=service.team,
                channel="web",
                due_date=dt.date.today(),
                created_at=now,
                updated_at=now,
            )
    reached = _reachable(client, clicks=3)
    for service in busiest:
        start = f"/services/{service.slug}/"
        assert start in reached and reached[start] <= 3, service.slug
    # The busiest eight are one click away, under "Most used", busiest first.
    home = client.get("/").content.decode()
    most_used = home[home.index('id="most-used"') : home.index("Browse by topic")]
    positions = [most_used.find(f'href="/services/{s.slug}/"') for s in busiest[:8]]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert f'href="/services/{busiest[8].slug}/"' not in most_used


@pytest.mark.django_db
def test_a_topic_page_lists_all_of_its_services(client, catalogue):
    page = client.get("/topics/bins-and-recycling/").content.decode()
    bins = [s for s in catalogue.values() if s.category.slug == "bins-and-recycling"]
    assert len(bins) >= 4
    for service in bins:
        assert f'href="/services/{service.slug}/"' in page and service.summary in page
    assert client.get("/topics/no-such-topic/").status_code == 404
