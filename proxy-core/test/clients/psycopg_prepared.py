"""
psycopg 3 prepares a statement in a batch of its own (Parse, Sync) and runs it in the next ones (Bind, Execute,
Sync): each run is one statement to approve. Deletes the ids given, one execution each, then prints the rows left.
Usage: psycopg_prepared.py DSN ID...
"""
import sys

import psycopg

conn = psycopg.connect(sys.argv[1], autocommit=True)
for i in sys.argv[2:]:
    conn.execute("DELETE FROM paged WHERE id = %s", (int(i),), prepare=True)
print(conn.execute("SELECT count(*) FROM paged").fetchone()[0])
