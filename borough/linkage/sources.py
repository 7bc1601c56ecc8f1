"""The source systems the linkage generator imitates: who each holds, its columns, its name and
date formats, and how stale its addresses are."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceSpec:
    """How one system holds people: who is in it, its columns and formats, how stale it is."""

    name: str
    file_format: str
    id_format: str  # str.format with {n}
    date_format: str | None
    name_style: str  # "LAST, First" | "First Last" | "parts" | "parts_forenames"
    columns: dict[str, str]  # schema field -> column name
    coverage: float  # share of eligible people present
    min_age: int = 18
    max_age: int = 200
    one_per_household: bool = False
    stale: float = 0.05  # share of movers still at their old address
    maiden: float = 0.1  # share of married women still under their maiden name
    missing: dict[str, float] = field(default_factory=dict)
    with_title: bool = False
    address_columns: int = 2  # address split over this many columns (1: one line)
    uprn_missing: float = 0.0  # share of records whose UPRN column is empty
    last_seen_column: str = "last_updated"  # when the system last saw the person


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        name="council_tax",
        file_format="csv",
        id_format="CT{n:08d}",
        date_format="%d/%m/%Y",
        name_style="LAST, First",
        with_title=True,
        columns={
            "source_id": "Account Ref",
            "uprn": "UPRN",
            "full_name": "Account Name",
            "dob": "DOB",
            "address": "Property Address",
            "postcode": "Post Code",
            "phone": "Contact Tel",
            "email": "Contact Email",
        },
        coverage=0.95,
        stale=0.02,
        maiden=0.05,
        missing={"dob": 0.3, "phone": 0.3, "email": 0.4},
        address_columns=2,
        uprn_missing=0.25,
        last_seen_column="Last Bill Date",
    ),
    SourceSpec(
        name="housing",
        file_format="csv",
        id_format="HSG-{n:06d}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "tenant_ref",
            "first_name": "forename",
            "last_name": "surname",
            "dob": "date_of_birth",
            "address": "address_line",
            "postcode": "post_code",
            "uprn": "uprn",
            "phone": "telephone",
            "ni_number": "ni_no",
            "sex": "gender",
        },
        coverage=0.3,
        min_age=0,
        stale=0.1,
        maiden=0.15,
        missing={"phone": 0.2, "ni_number": 0.3, "uprn": 0.1},
        address_columns=1,
    ),
    SourceSpec(
        name="waste",
        file_format="csv",
        id_format="GW{n:07d}",
        date_format=None,
        name_style="First Last",
        columns={
            "source_id": "Customer No",
            "full_name": "Customer Name",
            "address": "Address",
            "postcode": "Postcode",
            "email": "Email",
            "phone": "Phone",
        },
        coverage=0.35,
        one_per_household=True,
        stale=0.3,
        maiden=0.2,
        missing={"phone": 0.4, "email": 0.2},
        address_columns=1,
    ),
    SourceSpec(
        name="parking",
        file_format="csv",
        id_format="PP/{n:05d}",
        date_format="%d %b %Y",
        name_style="parts",
        columns={
            "source_id": "Permit Holder ID",
            "first_name": "First Name",
            "last_name": "Last Name",
            "dob": "Date of Birth",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Mobile",
            "email": "Email",
        },
        coverage=0.35,
        min_age=17,
        stale=0.25,
        maiden=0.2,
        missing={"dob": 0.1, "phone": 0.2, "email": 0.1},
        address_columns=1,
    ),
    SourceSpec(
        name="adult_social_care",
        file_format="parquet",
        id_format="{n:07d}",
        date_format="%d-%m-%y",
        name_style="parts_forenames",
        columns={
            "source_id": "PersonID",
            "first_name": "Forenames",
            "last_name": "Surname",
            "dob": "DOB",
            "sex": "Gender",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Telephone",
            "ni_number": "NINO",
        },
        coverage=0.35,
        min_age=60,
        stale=0.15,
        maiden=0.3,
        missing={"phone": 0.3, "ni_number": 0.4},
        address_columns=1,
    ),
    SourceSpec(
        name="electoral_register",
        file_format="parquet",
        id_format="ER{n:06d}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "elector_number",
            "uprn": "property_uprn",
            "first_name": "first_name",
            "middle_names": "middle_names",
            "last_name": "surname",
            "dob": "attainer_dob",
            "address": "address",
            "postcode": "postcode",
        },
        coverage=0.85,
        min_age=17,
        stale=0.05,
        maiden=0.05,
        missing={"dob": 0.6},
        address_columns=1,
        uprn_missing=0.5,
        last_seen_column="canvass_date",
    ),
    SourceSpec(
        name="benefits",
        file_format="csv",
        id_format="HB{n:09d}",
        date_format="%d.%m.%Y",
        name_style="First Last",
        with_title=True,
        columns={
            "source_id": "Claim Ref",
            "full_name": "Claimant",
            "dob": "Date Of Birth",
            "ni_number": "NI Number",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Phone",
        },
        coverage=0.2,
        stale=0.1,
        maiden=0.1,
        missing={"phone": 0.3},
        address_columns=1,
    ),
    SourceSpec(
        name="borough_residents",
        file_format="csv",
        id_format="{n}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "id",
            "first_name": "first_name",
            "last_name": "last_name",
            "dob": "date_of_birth",
            "email": "email",
            "phone": "phone",
            "address": "address",
            "postcode": "postcode",
        },
        coverage=0.4,
        stale=0.05,
        maiden=0.05,
        missing={"dob": 0.5, "phone": 0.3},
        address_columns=1,
    ),
)
