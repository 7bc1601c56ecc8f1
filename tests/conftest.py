"""Shared fixtures: the real catalogue, a small gazetteer imported through the LLPG importer,
staff and residents made with factories, and API clients with keys (for the REST API, Open311
and integrations tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from borough.accounts.models import Role, Team
from borough.catalogue.models import Service
from borough.catalogue.services import catalogue_load
from borough.clients.models import Scope
from borough.clients.services import NewClient, api_client_create
from borough.core.actors import ResidentActor, StaffActor
from borough.places.importer import import_llpg

from .factories import StaffFactory
from .signing_in import staff_login as _staff_login

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Passwords are hashed with a fast hasher in tests, as Django's testing guide advises:
    production's PBKDF2 costs half a second per hash here, and every user a test makes and
    every sign-in pays it. ``test_security`` checks production keeps the strong hasher."""
    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True, scope="session")
def _huey_runs_tasks_at_once():
    """Background tasks run in the test process, straight away (on commit)."""
    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True)
def _notify_also_emails(settings):
    """Messages are kept in notify's outbox and also sent through Django's email backend, so
    tests can read them in either (``notify.Message`` or ``django.core.mail.outbox``)."""
    settings.BOROUGH_NOTIFY_PROVIDER = "email"


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory):
    """The embedded cache is a folder every process on the machine shares (issue 16); each test
    run gets its own, so two runs side by side do not clear each other's rate-limit counts."""
    default = settings.CACHES["default"]
    if default["BACKEND"] != "django.core.cache.backends.filebased.FileBasedCache":
        yield
        return
    folder = tmp_path_factory.mktemp("cache")
    override = override_settings(CACHES={"default": {**default, "LOCATION": str(folder)}})
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so no rate-limit count leaks between tests."""
    cache.clear()
    yield


@pytest.fixture
def staff_login():
    """``staff_login(client, user)``: sign a member of staff in, MFA done (tests.signing_in)."""
    return _staff_login


@pytest.fixture
def catalogue(db):
    """The catalogue Borough ships, loaded through the same code as `load_catalogue`."""
    if not Service.objects.exists():
        catalogue_load()
    return {service.slug: service for service in Service.objects.all()}


@pytest.fixture
def gazetteer(db):
    """Eleven properties (one historical) on three streets, imported from an LLPG extract."""
    with (DATA / "llpg_sample.csv").open("rb") as handle:
        report = import_llpg(handle)
    assert report.ok, report.summary()
    return report


@pytest.fixture
def missed_bin(catalogue):
    return catalogue["report-missed-bin"]


@pytest.fixture
def team(catalogue):
    return lambda slug: Team.objects.get(slug=slug)


def _staff(email: str, team_slug: str, role: str):
    return StaffFactory(
        email=email, membership__team=Team.objects.get(slug=team_slug), membership__role=role
    )


@pytest.fixture
def waste_officer(catalogue):
    return _staff("waste.officer@council.example", "waste", Role.OFFICER)


@pytest.fixture
def agent(catalogue):
    return _staff("agent@council.example", "customer-experience", Role.AGENT)


@pytest.fixture
def admin(catalogue):
    """An admin (customer experience team): manages API clients, webhooks and connectors."""
    return _staff("admin@council.example", "customer-experience", Role.ADMIN)


@pytest.fixture
def new_api_client(admin):
    """``new_api_client(*scopes, name=..., **options)``: an API client made by ``admin``
    through ``api_client_create``, with every scope when none is named (``.client`` and the
    ``.raw_key`` shown once)."""
    made = iter(range(1000))

    def make(*scopes: str, name: str = "", **options) -> NewClient:
        return api_client_create(
            name=name or f"Client {next(made)}",
            scopes=list(scopes) or list(Scope.values),
            actor=StaffActor(admin),
            **options,
        )

    return make


@pytest.fixture
def make_case(missed_bin, gazetteer):
    """Make a missed-bin case through ``case_create`` at a property of the sample gazetteer."""
    import datetime as dt

    from borough.cases.create import case_create
    from borough.core.channels import Channel

    def make(uprn: int = 100021500001, *, channel: str = Channel.WEB, **kwargs):
        bin_type = missed_bin.form.by_id["bin_type"].options[0].value
        answers = {
            "address": uprn,
            "bin_type": bin_type,
            "bin_out": "yes",
            "collection_date": dt.date.today().isoformat(),
        }
        return case_create(
            actor=ResidentActor(), service=missed_bin, channel=channel, answers=answers, **kwargs
        )

    return make


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete():
    """PostgreSQL: after a transactional test (browser tests, on-commit behaviour) the database
    is emptied with DELETE of the tables that have rows instead of Django's TRUNCATE of all
    150 tables, which makes new files for every table and index (seconds per test on two
    busy cores; a DELETE of a few rows, milliseconds). Content types and permissions are kept
    (no test makes its own): ``post_migrate`` runs after the flush as before and finds them
    all, instead of writing them again. Every other table ends empty, as before."""
    from django.core.management.commands import flush

    original = flush.sql_flush

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return original(style, connection, reset_sequences, allow_cascade)
        kept = {"django_content_type", "auth_permission"}
        tables = [
            table
            for table in connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            if table not in kept
        ]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(
                    # Django's own table names, quoted.
                    f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
                    for table in tables
                ),
                tables,
            )
            filled = [row[0] for row in cursor.fetchall()]
        # Foreign keys are checked at commit (Django makes them deferrable), when all are empty.
        # (Flush emits post_migrate only after some SQL: a no-op when every table is empty.)
        return [f"DELETE FROM {quote(table)};" for table in filled] or ["SELECT 1;"]  # noqa: S608

    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = original
