#!/usr/bin/env python3
"""Per-message storage cost of a database the hub wrote (e.g. left by `KEEP=1 bench/http-ingest`
on an empty store): rows and index entries per stored message, table by table, counting each
partial index only where its WHERE holds. With --metrics FILE (a /metrics scrape from the same
run), also the writer's statements per message by registry name (xianjie_store_statements_total).

  bench/workload/cost.py DB [--metrics FILE]
"""
import re
import sqlite3
import sys


def main():
    db = sqlite3.connect(sys.argv[1])
    msgs = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    print(f"messages: {msgs}")
    total_rows = total_entries = 0
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    for t in tables:
        rows = db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        entries = rows  # the table's own B-tree
        detail = []
        for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=?", (t,)):
            where = ""
            if sql and " WHERE " in sql.upper():
                where = " WHERE " + re.split(r"\bWHERE\b", sql, flags=re.I)[1]
            n = db.execute(f"SELECT count(*) FROM {t}{where}").fetchone()[0]
            entries += n
            detail.append(f"{name}={n / msgs:.2f}" if msgs else name)
        total_rows += rows
        total_entries += entries
        if msgs:
            print(f"  {t}: rows/msg={rows / msgs:.2f} entries/msg={entries / msgs:.2f} "
                  f"({', '.join(detail) or 'no index'})")
    if msgs:
        print(f"total: rows/msg={total_rows / msgs:.2f} b-tree entries/msg={total_entries / msgs:.2f}")
    if len(sys.argv) > 3 and sys.argv[2] == "--metrics":
        runs = {}
        for line in open(sys.argv[3]):
            m = re.match(r'xianjie_store_statements_total\{statement="([^"]+)"\} (\d+)', line)
            if m:
                runs[m.group(1)] = int(m.group(2))
        total = sum(runs.values())
        print(f"writer statements/msg: {total / msgs:.2f}  " + ", ".join(
            f"{k}={v / msgs:.2f}" for k, v in sorted(runs.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
