"""
A session of a Python agent through Vigil (or direct), with psycopg2 (client-side parameters, simple protocol) or
psycopg 3 (server-side parameters, extended protocol, prepared statements, pipelines, binary results).
Prints one JSON line per step: {"step": name, "value": ...}. Usage: psycopg_session.py psycopg2|psycopg3 DSN [DENY_DSN]
"""
import json
import sys
from decimal import Decimal

driver, dsn = sys.argv[1], sys.argv[2]
deny_dsn = sys.argv[3] if len(sys.argv) > 3 else None


def emit(step, value):
    print(json.dumps({"step": step, "value": value}, default=str, sort_keys=True), flush=True)


def rows(cur):
    return [list(r) for r in cur.fetchall()]


if driver == "psycopg2":
    import psycopg2 as db
    from psycopg2 import extensions

    conn = db.connect(dsn)
    cur = conn.cursor()
    cur.execute("SELECT id, name, balance FROM people WHERE id = ANY(%s) ORDER BY id", ([3, 1, 2],))
    emit("params", rows(cur))
    cur.execute("CREATE TEMP TABLE notes (id serial PRIMARY KEY, body text)")
    cur.executemany("INSERT INTO notes (body) VALUES (%s)", [("n%d" % i,) for i in range(50)])
    conn.commit()
    try:
        cur.execute("INSERT INTO notes (body) VALUES ('lost'); SELECT 1 / 0")
    except db.Error as e:
        emit("error mid-transaction", e.pgcode)
        conn.rollback()
    cur.execute("SELECT count(*), max(body) FROM notes")
    emit("after rollback", rows(cur))
    named = conn.cursor(name="big")  # DECLARE … CURSOR, then FETCH FORWARD itersize
    named.itersize = 700
    named.execute("SELECT id, md5(id::text) FROM generate_series(1, 5000) id")
    total = 0
    last = None
    for row in named:
        total += 1
        last = row
    emit("server-side cursor", [total, list(last)])
    named.close()
    conn.commit()
    import io

    out = io.StringIO()
    cur.copy_expert("COPY (SELECT id, name FROM people ORDER BY id LIMIT 20) TO STDOUT WITH CSV", out)
    emit("copy out", out.getvalue())
    cur.copy_expert("COPY notes (body) FROM STDIN", io.StringIO("".join("copied %d\n" % i for i in range(300))))
    cur.execute("SELECT count(*) FROM notes WHERE body LIKE 'copied %%'")
    emit("copy in", rows(cur))
    conn.commit()
    conn.set_isolation_level(extensions.ISOLATION_LEVEL_AUTOCOMMIT)
    cur.execute("LISTEN jobs")
    cur.execute("NOTIFY jobs, 'hello'")
    conn.poll()
    emit("notify", [(n.channel, n.payload) for n in conn.notifies])
    conn.close()
    if deny_dsn:
        conn = db.connect(deny_dsn)
        cur = conn.cursor()
        try:
            cur.execute("DELETE FROM people WHERE id = %s", (1,))
        except db.Error as e:
            emit("denied", [e.pgcode, "Vigil policy" in str(e)])
            conn.rollback()
        cur.execute("SELECT count(*) FROM people")
        emit("after denial", rows(cur))
        conn.close()
else:
    import psycopg as db

    conn = db.connect(dsn, prepare_threshold=0)  # every parameterized query a named prepared statement
    cur = conn.cursor()
    for i in (1, 2, 3, 2, 1):
        cur.execute("SELECT id, name, balance FROM people WHERE id = %s", (i,))
        emit("prepared %d" % i, rows(cur))
    cur.execute("CREATE TEMP TABLE notes (id serial PRIMARY KEY, body text, n int)")
    cur.executemany("INSERT INTO notes (body, n) VALUES (%s, %s)", [("n%d" % i, i) for i in range(200)])
    conn.commit()
    with conn.pipeline():
        a = conn.execute("SELECT count(*) FROM notes")
        b = conn.execute("SELECT sum(n) FROM notes WHERE n > %s", (100,))
        c = conn.execute("SELECT name FROM people WHERE id = %s", (7,))
    emit("pipeline", [a.fetchall(), b.fetchall(), c.fetchall()])
    try:
        with conn.transaction():
            conn.execute("INSERT INTO notes (body, n) VALUES ('lost', -1)")
            conn.execute("SELECT 1 / %s", (0,))
    except db.Error as e:
        emit("error mid-transaction", e.sqlstate)
    emit("after rollback", conn.execute("SELECT count(*) FROM notes WHERE n < 0").fetchall())
    binary = conn.cursor(binary=True)
    binary.execute("SELECT id, name, balance, now() > '2000-01-01'::timestamptz FROM people WHERE id <= %s ORDER BY id", (5,))
    emit("binary", rows(binary))
    with conn.cursor(name="big") as named:  # a server-side cursor: DECLARE, then FETCH
        named.itersize = 900
        named.execute("SELECT id, md5(id::text) FROM generate_series(1, %s) id", (4000,))
        got = list(named)
        emit("server-side cursor", [len(got), list(got[-1])])
    conn.commit()
    with cur.copy("COPY notes (body, n) FROM STDIN") as copy:
        for i in range(500):
            copy.write_row(("copied", i))
    emit("copy in", conn.execute("SELECT count(*), sum(n) FROM notes WHERE body = 'copied'").fetchall())
    with cur.copy("COPY (SELECT id, name FROM people ORDER BY id LIMIT 10) TO STDOUT") as copy:
        emit("copy out", [list(r) for r in copy.rows()])
    conn.commit()
    conn.autocommit = True
    heard = []
    conn.add_notify_handler(heard.append)  # a notification that arrives with a statement's answer comes here
    conn.execute("LISTEN jobs")
    conn.execute("NOTIFY jobs, 'hello'")
    emit("notify", [(n.channel, n.payload) for n in heard])
    conn.close()
    if deny_dsn:
        conn = db.connect(deny_dsn)
        try:
            conn.execute("DELETE FROM people WHERE id = %s", (1,))
        except db.Error as e:
            emit("denied", [e.sqlstate, "Vigil policy" in str(e)])
            conn.rollback()
        emit("after denial", conn.execute("SELECT count(*) FROM people").fetchall())
        conn.close()
emit("done", True)
