import java.sql.*;
import java.util.*;

/**
 * A JDBC client (pgjdbc) through Vigil, or direct. Usage: JdbcClient MODE URL USER PASSWORD [ARG]
 * - session [DENY_URL]: prepared statements that turn into named server-side statements after prepareThreshold uses,
 *   batches, a ResultSet fetched in pages from a suspended portal, metadata queries, an error mid-transaction. Prints
 *   one JSON line per step.
 * - batch ROWS: two executeBatch() of ROWS inserts each (one Parse, then Binds and Executes up to one Sync).
 * - pages RUNS: reads a result in pages (a fetch size inside a transaction: one Bind, then Executes of its portal)
 *   RUNS times, and prints the rows each run got.
 */
public class JdbcClient {
  static void emit(String step, Object value) {
    System.out.println("{\"step\":" + quote(step) + ",\"value\":" + json(value) + "}");
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static String json(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    if (v instanceof List<?> l) {
      StringJoiner j = new StringJoiner(",", "[", "]");
      for (Object o : l) j.add(json(o));
      return j.toString();
    }
    return quote(v.toString());
  }

  static List<Object> rows(ResultSet rs) throws SQLException {
    List<Object> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) row.add(rs.getString(i));
      out.add(row);
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", args[2]);
    props.setProperty("password", args[3]);
    props.setProperty("sslmode", "disable");
    if (args[0].equals("batch")) {
      props.setProperty("prepareThreshold", "1");
      batch(DriverManager.getConnection(args[1], props), Integer.parseInt(args[4]));
      return;
    }
    if (args[0].equals("pages")) {
      props.setProperty("prepareThreshold", "1");
      pages(DriverManager.getConnection(args[1], props), Integer.parseInt(args[4]));
      return;
    }
    props.setProperty("prepareThreshold", "3");
    session(props, args[1], args.length > 4 ? args[4] : null);
  }

  static void pages(Connection c, int runs) throws SQLException {
    try (c) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM paged WHERE id <= ? ORDER BY id")) {
        ps.setFetchSize(10);
        for (int run = 0; run < runs; run++) {
          ps.setInt(1, 57);
          int rows = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) rows++;
          }
          System.out.println(rows);
        }
      }
      c.commit();
    }
  }

  /** Two executeBatch() of ROWS inserts each into paged (ids from 1001), then prints the rows inserted. */
  static void batch(Connection c, int rows) throws SQLException {
    try (c) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO paged (id) VALUES (?)")) {
        for (int b = 0; b < 2; b++) {
          for (int i = 0; i < rows; i++) {
            ps.setInt(1, 1001 + b * rows + i);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM paged WHERE id > 1000")) {
        rs.next();
        System.out.println(rs.getInt(1));
      }
    }
  }

  static void session(Properties props, String url, String denyUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, props)) {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, balance FROM people WHERE id = ?")) {
        List<Object> seen = new ArrayList<>();
        for (int i = 1; i <= 8; i++) { // named server-side statement from the third execution on
          ps.setInt(1, i);
          try (ResultSet rs = ps.executeQuery()) { seen.add(rows(rs)); }
        }
        emit("prepared", seen);
      }
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TEMP TABLE notes (id serial PRIMARY KEY, body text, n int)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO notes (body, n) VALUES (?, ?)")) {
        for (int i = 0; i < 250; i++) {
          ins.setString(1, "n" + i);
          ins.setInt(2, i);
          ins.addBatch();
        }
        emit("batch", Arrays.stream(ins.executeBatch()).boxed().reduce(0, Integer::sum));
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.setFetchSize(400); // a portal fetched 400 rows at a time, inside the transaction
        try (ResultSet rs = st.executeQuery("SELECT id, md5(id::text) FROM generate_series(1, 3000) id")) {
          int count = 0;
          String last = null;
          while (rs.next()) {
            count++;
            last = rs.getString(2);
          }
          emit("fetch size", List.of(count, last));
        }
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO notes (body, n) VALUES ('lost', -1)");
        st.executeQuery("SELECT 1 / 0");
      } catch (SQLException e) {
        emit("error mid-transaction", e.getSQLState());
        c.rollback();
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*), sum(n) FROM notes")) {
        emit("after rollback", rows(rs));
      }
      c.setAutoCommit(true);
      DatabaseMetaData md = c.getMetaData();
      List<Object> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
      }
      List<Object> columns = new ArrayList<>();
      try (ResultSet rs = md.getColumns(null, "public", "people", "%")) {
        while (rs.next()) columns.add(List.of(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME")));
      }
      emit("metadata", List.of(tables, columns));
    }
    if (denyUrl != null) {
      try (Connection c = DriverManager.getConnection(denyUrl, props)) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM people WHERE id = ?")) {
          ps.setInt(1, 1);
          ps.executeUpdate();
        } catch (SQLException e) {
          emit("denied", List.of(e.getSQLState(), e.getMessage().contains("Vigil policy")));
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM people")) {
          emit("after denial", rows(rs));
        }
      }
    }
    emit("done", true);
  }
}
