"""The processes Borough ships, with the staff minutes each automated step saves (the council
changes these in the admin; the figures here are the defaults, from the time an officer spends
doing the step by hand). ``load_shipped`` saves each as its current version if it changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .layout import add_diagram
from .models import DecisionTable, ProcessDefinition
from .versions import load_definition, save_decision_table

HERE = Path(__file__).parent / "definitions"


@dataclass(frozen=True)
class Shipped:
    key: str
    name: str
    file: str
    description: str
    minutes_saved: dict[str, int]
    service_slugs: list[str] = field(default_factory=list)
    decisions: tuple[str, ...] = ()

    @property
    def process_id(self) -> str:
        return self.file.removesuffix(".bpmn")


SHIPPED = [
    Shipped(
        "sla-escalation",
        "SLA escalation",
        "sla_escalation.bpmn",
        "Marks a case at risk, then overdue, and tells the team lead, unless it closes first. "
        "Saves a team lead reading the queue for late cases each morning.",
        {"mark_at_risk": 1, "escalate": 3},
        ["*"],
    ),
    Shipped(
        "missed-bin",
        "Missed bin",
        "missed_bin.bpmn",
        "Checks a missed bin report against the crew's round record: refuses it politely while "
        "the round runs, tells the resident the crew's reason, or books a return collection. "
        "Saves the waste officer looking up the in-cab record and replying, about 6 minutes.",
        {"check_round": 3, "refuse": 2, "explain": 3, "book_return": 3},
        ["report-missed-bin"],
        ("missed_bin_outcome",),
    ),
    Shipped(
        "financial-assessment",
        "Adult social care financial assessment",
        "financial_assessment.bpmn",
        "Applies the Care Act 2014 charging rules to the resident's answers (capital limits, "
        "tariff income, minimum income guarantee), works out the weekly contribution, asks an "
        "officer to check only the cases the rules flag, and sends the letter with the "
        "calculation. Saves a financial assessment officer about 45 minutes on a case the "
        "rules do not flag, and about 25 on one they do. A letter returned, or an email or "
        "text not delivered, in the eight weeks after asks an officer to check the address.",
        {"rates": 5, "band": 10, "flags": 5, "calculate": 15, "recalculate": 5, "letter": 10},
        ["care-financial-assessment"],
        ("care_charging_band", "care_officer_check"),
    ),
    Shipped(
        "assisted-collection",
        "Assisted bin collection",
        "assisted_collection.bpmn",
        "Decides eligibility for an assisted collection from the resident's answers, asks a "
        "waste officer only when the answers leave it open, adds the home and tells the "
        "resident, and brings the home back for review after two years (six months for "
        "short-term help). Saves about 10 minutes of a waste officer's time a request.",
        {"decide": 5, "approve": 4, "refuse": 4},
        ["request-assisted-bin-collection"],
        ("assisted_collection_eligibility",),
    ),
    Shipped(
        "damp-and-mould",
        "Damp and mould repair (Awaab's Law)",
        "damp_and_mould.bpmn",
        "Triages a damp and mould report into an emergency, significant or routine hazard, "
        "sets Awaab's Law's deadlines (24 hours; 10 working days to investigate, 3 for the "
        "written summary, 5 to make safe) as timers on the repairs team's steps, and escalates "
        "to the team leads when one passes. Saves the triage and the deadline watching, about "
        "8 minutes a report.",
        {"triage": 4, "deadlines": 2, "after_investigation": 1, "routine": 3, "tell_resident": 2},
        ["report-damp-and-mould"],
        ("awaab_triage",),
    ),
    Shipped(
        "duplicate-reports",
        "Duplicate reports",
        "duplicate_reports.bpmn",
        "Closes a new report of the same problem near an open one as its duplicate and tells "
        "the reporter the first report's reference. Saves an officer finding and closing the "
        "duplicate, about 4 minutes each.",
        {"find": 2, "decide": 1, "link": 2},
        [
            "report-fly-tipping",
            "report-graffiti",
            "report-dog-fouling",
            "report-litter",
            "report-overflowing-litter-bin",
            "report-damaged-pavement",
            "report-pothole",
            "report-street-light-fault",
            "report-blocked-drain",
            "report-abandoned-vehicle",
            "report-missed-bin",
        ],
        ("duplicate_decision",),
    ),
]


def load_shipped() -> list[ProcessDefinition]:
    """Save the shipped decision tables and processes (new versions only where they changed)."""
    for item in SHIPPED:
        for key in item.decisions:
            if not DecisionTable.objects.filter(key=key).exists():
                dmn = (HERE / f"{key}.dmn").read_text()
                save_decision_table(
                    key=key,
                    name=key.replace("_", " ").capitalize(),
                    dmn=dmn,
                    reason="Shipped with Borough",
                )
    return [
        load_definition(
            key=item.key,
            name=item.name,
            process_id=item.process_id,
            bpmn=add_diagram((HERE / item.file).read_text()),
            description=item.description,
            minutes_saved=item.minutes_saved,
            service_slugs=item.service_slugs,
        )
        for item in SHIPPED
    ]
