"""The information asset register: the council's own entries, and every system Borough knows of
by itself (API clients, connectors, webhook subscribers, the single view's linkage sources),
listed from the tables that hold them so nobody has to type them in (issue 23).

A known system's row shows the council's details once someone records them (an
``InformationAsset`` with the system's ``system_key``); until then it says what Borough knows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from borough.clients.selectors import clients_list
from borough.integrations.selectors import connectors_list, subscriptions_list
from borough.singleview.labels import source_name
from borough.singleview.selectors import linkage_sources

from .models import InformationAsset


@dataclass
class RegisterRow:
    key: str  # "own:<id>" or a system key ("api_client:3")
    name: str
    kind: str  # "Council entry", "API client", "Connector", "Webhook subscriber", "Linkage source"
    known: str  # what Borough knows of it by itself
    asset: InformationAsset | None  # the council's details, if recorded

    @property
    def complete(self) -> bool:
        return self.asset is not None


def known_systems() -> list[tuple[str, str, str, str]]:
    """(system key, name, kind, what Borough knows) for every system Borough holds a record of."""
    systems: list[tuple[str, str, str, str]] = []
    for client in clients_list():
        state = "active" if client.is_active else "deactivated"
        systems.append(
            (
                f"api_client:{client.pk}",
                client.name,
                "API client",
                f"Key {client.key_prefix}…, {state}; may: {', '.join(client.scope_labels())}",
            )
        )
    for connector in connectors_list():
        where = connector.endpoint or connector.email
        systems.append(
            (
                f"connector:{connector.slug}",
                connector.name,
                "Connector",
                f"{connector.get_kind_display()} at {where}; new cases are sent to it",
            )
        )
    for sub in subscriptions_list():
        systems.append(
            (
                f"webhook:{sub.pk}",
                f"{sub.client.name}: {sub.target_url}",
                "Webhook subscriber",
                f"Told of: {', '.join(sub.event_labels())}",
            )
        )
    for source, records in linkage_sources():
        systems.append(
            (
                f"linkage_source:{source}",
                source_name(source),
                "Linkage source",
                f"{records} records in the single view's latest import",
            )
        )
    return systems


def register_rows() -> list[RegisterRow]:
    """Every row of the register: known systems first (by kind), then the council's entries."""
    assets = {asset.system_key: asset for asset in InformationAsset.objects.all()}
    rows = [
        RegisterRow(key, name, kind, known, assets.pop(key, None))
        for key, name, kind, known in known_systems()
    ]
    assets.pop("", None)  # the council's own entries are listed below, every one
    for asset in InformationAsset.objects.filter(system_key=""):
        rows.append(RegisterRow(f"own:{asset.pk}", asset.name, "Council entry", "", asset))
    # Entries recorded for a system Borough no longer holds are still the council's record.
    for key, asset in assets.items():
        rows.append(RegisterRow(key, asset.name, "System no longer connected", "", asset))
    return rows


def register_row(key: str) -> RegisterRow | None:
    return next((row for row in register_rows() if row.key == key), None)


#: The Article 30(1) columns of the record of processing activities, in order.
ARTICLE_30_COLUMNS = (
    "Name",
    "Kind",
    "Owner",
    "Purpose of processing",
    "Lawful basis (Article 6)",
    "Special category condition (Article 9)",
    "Categories of personal data",
    "Categories of data subjects",
    "Where held",
    "Recipients (shared with)",
    "Retention",
    "Security measures",
    "DPIA",
    "What Borough knows of it",
)


def article30_table() -> list[list[str]]:
    """One line per register row, with the Article 30 columns; blank where not yet recorded."""
    lines = []
    for row in register_rows():
        a = row.asset
        lines.append(
            [
                row.name,
                row.kind,
                a.owner if a else "",
                a.purpose if a else "",
                a.get_lawful_basis_display() if a else "",
                (a.get_article9_condition_display() if a and a.special_category else ""),
                a.data_categories if a else "",
                a.people_categories if a else "",
                a.where_held if a else "",
                a.shared_with if a else "",
                a.retention if a else "",
                a.security_measures if a else "",
                a.get_dpia_status_display() if a else "Not yet screened",
                row.known,
            ]
        )
    return lines


def article30_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ARTICLE_30_COLUMNS)
    for line in article30_table():
        # A cell starting with = + - @ would be read as a formula by a spreadsheet.
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in line])
    return out.getvalue()
