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
    Shipped(
        "tell-us-once-move",
        "Tell us once about a move",
        "tell_us_once_move.bpmn",
        "From one form, works out whether the resident moved within the borough and tells "
        "council tax, waste (bins at the old and new address), parking permits and the "
        "electoral registration office, each as its own step that can be retried alone, then "
        "sends the resident one confirmation of everything updated. Saves re-keying the move "
        "into four systems and four replies, about 24 minutes of officers' time a move.",
        {
            "where": 3,
            "decide": 2,
            "council_tax": 6,
            "waste": 4,
            "parking": 4,
            "electoral": 3,
            "confirm": 2,
        },
        ["tell-us-you-have-moved"],
        ("move_actions",),
    ),
    Shipped(
        "single-person-discount",
        "Single person discount application",
        "single_person_discount.bpmn",
        "Checks the single view for other adults at the address (electoral register, benefits "
        "records); with none on record the decision table gives the discount, tells the "
        "council tax system and the resident; otherwise a council tax officer decides, seeing "
        "the evidence. Saves the officer's checks of two systems and the award, about 12 "
        "minutes an application.",
        {"evidence": 6, "decide": 2, "award": 4, "refuse": 2},
        ["apply-single-person-discount"],
        ("single_person_discount_decision",),
    ),
    Shipped(
        "single-person-discount-review",
        "Single person discount review",
        "single_person_discount_review.bpmn",
        "Opened by the review run for each discount holder the single view shows another adult "
        "living with: an officer reviews the evidence, the resident is written to and given 28 "
        "days to reply, and an officer decides. The discount ends only after a person decides "
        "so. Saves matching the discount list against two systems by hand and the letters, "
        "about 15 minutes a review.",
        {"write": 5, "end_discount": 4, "keep": 2},
        [],
    ),
]
# Waste (helper "waste"): appended, not reordered, so other additions merge cleanly.
SHIPPED += [
    Shipped(
        "bulky-waste",
        "Bulky waste booking",
        "bulky_waste.bpmn",
        "Books the collection day the resident chose (refunding in full and saying sorry if the "
        "day filled up while they paid), reminds them the day before, closes the booking after "
        "the collection, and on a cancellation from MyAccount refunds what the refund rules "
        "say and gives the place back. Saves a waste officer booking, confirming, reminding "
        "and refunding by hand, about 12 minutes a booking.",
        {
            "confirm": 3,
            "tell_booked": 2,
            "remind": 2,
            "collected": 1,
            "refund_full": 4,
            "decide_refund": 2,
            "cancel": 4,
        },
        ["book-bulky-waste-collection"],
        ("bulky_refund",),
    ),
    Shipped(
        "garden-waste",
        "Garden waste subscription",
        "garden_waste.bpmn",
        "Asks the waste team to deliver brown bins only to homes without one, starts the "
        "year, reminds the resident before it ends, extends it a year when the renewal is "
        "paid and ends it when it is not. Saves a waste officer about 10 minutes a "
        "subscription a year (the delivery itself is still a person's job).",
        {"decide_delivery": 2, "subscribe": 3, "remind": 2, "renew": 3, "lapse": 3},
        ["subscribe-to-garden-waste"],
        ("garden_waste_delivery",),
    ),
]
# Street (fly-tipping, parking permits): appended.
SHIPPED += [
    Shipped(
        "fly-tipping",
        "Fly-tipping",
        "flytipping.bpmn",
        "Looks up who owns the land, and routes the report by it: council land goes to a "
        "clearance job, or first to the enforcement officers (with the report and photos kept "
        "from retention) when the resident says the waste shows who dumped it; private land "
        "gets a polite reply saying it is the landowner's duty and what the council will do; "
        "another public body's land is passed to it. The resident is told each outcome. Saves "
        "a street scene officer looking up the land, routing and replying, about 9 minutes a "
        "report.",
        {
            "find_owner": 3,
            "route": 2,
            "keep_evidence": 2,
            "after_enforcement": 1,
            "raise_clearance": 2,
            "tell_cleared": 2,
            "tell_private": 3,
            "pass_on": 4,
            "record_owner": 1,
        },
        ["report-fly-tipping"],
        ("flytipping_route",),
    ),
    Shipped(
        "resident-parking-permit",
        "Resident parking permit",
        "resident_parking_permit.bpmn",
        "Checks the address is in a controlled parking zone, checks the vehicle with the "
        "DVLA Vehicle Enquiry Service, prices the permit by the vehicle's CO2 emissions (the "
        "figures in force on the start date), checks the resident paid that, issues a virtual "
        "permit and reminds the resident to renew. A parking officer sees only a registration "
        "the DVLA does not know or a price that differs from what was paid. Saves about 14 "
        "minutes of a parking officer's time an application.",
        {
            "find_zone": 2,
            "check_vehicle": 4,
            "price": 2,
            "compare_paid": 1,
            "issue": 5,
            "remind": 2,
            "refuse": 3,
        },
        ["apply-for-resident-parking-permit"],
        ("permit_price",),
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
