#!/usr/bin/env python3
"""Pairwise precision, recall and F1 of a clustering against the generator's truth.csv.

    python score.py --truth DIR/truth.csv --clusters CLUSTERS.csv
    python score.py --truth DIR/truth.csv --db people.duckdb [--table clusters|person_ids]

CLUSTERS.csv: a header row with a record column (record_id or unique_id) and a cluster column
(cluster_id, person_id or cluster); other columns are ignored. The engine does not document a
CSV export of its clusters; it keeps them in the DuckDB file, table `clusters`
(unique_id, cluster_id, source) and `person_ids` (run_id, unique_id, person_id). --db reads
either directly (needs the `duckdb` package, e.g. the project's .venv python); the latest run
is used for person_ids. To export by hand:
    duckdb people.duckdb "COPY (SELECT unique_id AS record_id, cluster_id FROM clusters) TO 'c.csv'"

Pairs are counted from cluster sizes (n choose 2 per cluster / per person / per cluster-person
cell), never enumerated. Records of the truth missing from the clustering count as singletons;
records not in the truth are ignored (both are reported). Standard library only (apart from
--db). Licence: AGPL-3.0-or-later.
"""
import argparse
import csv
import json
import sys
from collections import Counter, defaultdict

RECORD_COLS = ("record_id", "unique_id", "id")
CLUSTER_COLS = ("cluster_id", "person_id", "cluster")


def c2(n):
    return n * (n - 1) // 2


def read_truth(path):
    truth = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[row["record_id"]] = row["person_id"]
    return truth


def read_clusters_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = [h.strip().lower() for h in next(r)]
        try:
            ri = next(header.index(c) for c in RECORD_COLS if c in header)
            ci = next(header.index(c) for c in CLUSTER_COLS if c in header)
        except StopIteration:
            sys.exit(f"{path}: need a record column {RECORD_COLS} and a cluster column {CLUSTER_COLS}; "
                     f"header is {header}")
        return {row[ri]: row[ci] for row in r if row}


def read_clusters_db(path, table):
    import duckdb  # optional
    con = duckdb.connect(path, read_only=True)
    if table == "person_ids":
        q = ("SELECT unique_id, person_id FROM person_ids "
             "WHERE run_id = (SELECT max(run_id) FROM person_ids)")
    else:
        q = "SELECT unique_id, cluster_id FROM clusters"
    return dict(con.execute(q).fetchall())


def source_of(rid):
    return rid.split(":", 1)[0]


def score(truth, clusters, examples=0):
    missing = [r for r in truth if r not in clusters]
    extra = sum(1 for r in clusters if r not in truth)
    cl = dict(clusters)
    for r in missing:                       # unclustered truth records: singletons
        cl[r] = ("__singleton__", r)
    cluster_size, person_size, cell = Counter(), Counter(), Counter()
    # per source pair: true pairs, predicted pairs, correct pairs
    person_src = defaultdict(Counter)
    cluster_src = defaultdict(Counter)
    cell_src = defaultdict(Counter)
    for rid, pid in truth.items():
        cid = cl[rid]
        s = source_of(rid)
        cluster_size[cid] += 1
        person_size[pid] += 1
        cell[(cid, pid)] += 1
        person_src[pid][s] += 1
        cluster_src[cid][s] += 1
        cell_src[(cid, pid)][s] += 1

    def by_source_pair(groups):
        out = Counter()
        for cnt in groups.values():
            items = sorted(cnt.items())
            for i, (a, na) in enumerate(items):
                out[(a, a)] += c2(na)
                for b, nb in items[i + 1:]:
                    out[(a, b)] += na * nb
        return out

    pred = sum(c2(n) for n in cluster_size.values())
    true = sum(c2(n) for n in person_size.values())
    tp = sum(c2(n) for n in cell.values())
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    # people whose records are exactly one cluster
    clusters_of_person = Counter(pid for (cid, pid) in cell)
    exact = sum(1 for (cid, pid), n in cell.items()
                if clusters_of_person[pid] == 1 and cluster_size[cid] == n)
    t_sp, p_sp, tp_sp = by_source_pair(person_src), by_source_pair(cluster_src), by_source_pair(cell_src)
    pairs = {}
    for k in sorted(set(t_sp) | set(p_sp)):
        t, pr, ok = t_sp.get(k, 0), p_sp.get(k, 0), tp_sp.get(k, 0)
        if t or pr:
            pairs[f"{k[0]}~{k[1]}"] = {"true": t, "predicted": pr, "correct": ok,
                                       "recall": round(ok / t, 4) if t else None,
                                       "precision": round(ok / pr, 4) if pr else None}
    res = {
        "records": len(truth), "people": len(person_size), "clusters": len(cluster_size),
        "truth_records_not_clustered": len(missing), "clustered_records_not_in_truth": extra,
        "pairs_true": true, "pairs_predicted": pred, "pairs_correct": tp,
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
        "people_exactly_one_cluster": round(exact / len(person_size), 4) if person_size else None,
        "by_source_pair": pairs,
    }
    if examples:
        persons_of_cluster = defaultdict(set)
        for (cid, pid) in cell:
            persons_of_cluster[cid].add(pid)
        recs = defaultdict(list)
        for rid, pid in truth.items():
            recs[pid].append(rid)
        split = [pid for pid, k in clusters_of_person.items() if k > 1][:examples]
        merged = [cid for cid, ps in persons_of_cluster.items() if len(ps) > 1][:examples]
        res["examples_split_people"] = {pid: {rid: cl[rid] if isinstance(cl[rid], str) else "singleton"
                                              for rid in recs[pid]} for pid in split}
        res["examples_merged_clusters"] = {str(cid): {pid: [rid for rid in recs[pid] if cl[rid] == cid]
                                                      for pid in persons_of_cluster[cid]} for cid in merged}
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--clusters", help="CSV with record_id (or unique_id) and cluster_id (or person_id)")
    g.add_argument("--db", help="the engine's DuckDB file (needs the duckdb package)")
    ap.add_argument("--table", choices=["clusters", "person_ids"], default="clusters")
    ap.add_argument("--examples", type=int, default=0, help="list this many split people and merged clusters")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    a = ap.parse_args(argv)
    truth = read_truth(a.truth)
    clusters = read_clusters_csv(a.clusters) if a.clusters else read_clusters_db(a.db, a.table)
    res = score(truth, clusters, a.examples)
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print(f"records {res['records']}, people {res['people']}, clusters {res['clusters']}"
          f" (truth records not clustered: {res['truth_records_not_clustered']},"
          f" clustered records not in truth: {res['clustered_records_not_in_truth']})")
    print(f"pairs: true {res['pairs_true']}, predicted {res['pairs_predicted']}, correct {res['pairs_correct']}")
    print(f"precision {res['precision']:.4f}  recall {res['recall']:.4f}  F1 {res['f1']:.4f}")
    print(f"people whose records form exactly one cluster: {res['people_exactly_one_cluster']}")
    print("by source pair (true / predicted / correct, recall, precision):")
    for k, v in res["by_source_pair"].items():
        print(f"  {k:45s} {v['true']:8d} {v['predicted']:8d} {v['correct']:8d}  "
              f"R {v['recall'] if v['recall'] is not None else '-':>6}  P {v['precision'] if v['precision'] is not None else '-':>6}")
    for key in ("examples_split_people", "examples_merged_clusters"):
        if key in res:
            print(key + ":")
            print(json.dumps(res[key], indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
