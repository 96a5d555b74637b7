package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code SHOAL_PG_URL} parsing. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DatabaseUrlTest {

  @Test
  void aFullUrl() {
    PgConnectOptions o = Database.parseUrl("postgresql://shoal:s3cret@db.example.com:6543/shoal_prod");
    assertEquals("db.example.com", o.getHost());
    assertEquals(6543, o.getPort());
    assertEquals("shoal_prod", o.getDatabase());
    assertEquals("shoal", o.getUser());
    assertEquals("s3cret", o.getPassword());
  }

  @Test
  void percentEncodedCredentialsAreDecoded() {
    PgConnectOptions o = Database.parseUrl("postgresql://app%40corp:p%40ss%3Aw%2Fo%25rd@localhost:5432/db");
    assertEquals("app@corp", o.getUser());
    assertEquals("p@ss:w/o%rd", o.getPassword());
  }

  @Test
  void defaultsForWhatIsLeftOut() {
    PgConnectOptions o = Database.parseUrl("postgres://reader@db.internal");
    assertEquals("db.internal", o.getHost());
    assertEquals(5432, o.getPort());
    assertEquals("postgres", o.getDatabase());
    assertEquals("reader", o.getUser());

    assertEquals("postgres", Database.parseUrl("postgresql://h:1/").getDatabase());
  }

  @Test
  void aJdbcUrlIsAccepted() {
    PgConnectOptions o = Database.parseUrl("jdbc:postgresql://10.0.0.5:5433/shoal");
    assertEquals("10.0.0.5", o.getHost());
    assertEquals(5433, o.getPort());
    assertEquals("shoal", o.getDatabase());
  }

  @Test
  void aMalformedUrlFailsNamingTheVariable() {
    for (String bad : List.of("mysql://u:p@h:3306/db", "not a url", "db.example.com:5432/shoal", "http://h/db",
        "postgresql://db.example.com:54x2/shoal")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Database.parseUrl(bad), bad);
      assertTrue(e.getMessage().contains("SHOAL_PG_URL"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Database.parseUrl("postgresql://shoal:TopSecret@db.example.com:54x2/shoal"));
    assertTrue(!e.getMessage().contains("TopSecret"), "the message does not echo the password: " + e.getMessage());
  }
}
