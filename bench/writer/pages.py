#!/usr/bin/env python3
"""Which B-trees the writer's commits dirtied: reads DB.walpages (written by writer_cost, one WAL
frame's page number a line) and maps each page to its table or index with SQLite's dbstat.
Prints WAL frames per message by B-tree, most first.

  bench/writer/pages.py DB MESSAGES
"""
import collections
import sqlite3
import sys

db, n = sys.argv[1], int(sys.argv[2])
owner = dict(sqlite3.connect(db).execute("SELECT pageno, name FROM dbstat"))
counts = collections.Counter(owner.get(int(p), "(freed or header)") for p in open(db + ".walpages"))
total = sum(counts.values())
print(f"WAL frames/msg: {total / n:.2f}")
for name, c in counts.most_common():
    print(f"  {name}: {c / n:.3f}")
