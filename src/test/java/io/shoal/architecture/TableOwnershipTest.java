package io.shoal.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every table has one owning capability, listed in the table of {@code docs/architecture.md}
 * ("Tables and their owners"), which this test reads: the doc is the one place of the map.
 * Only the owner's classes hold SQL that writes the table (INSERT, UPDATE, DELETE, TRUNCATE,
 * COPY); only the owner and the readers the doc names (with the reason) hold SQL that reads it.
 * The SQL is found in the string constants of the compiled classes ({@code target/classes}),
 * so comments do not count and text blocks and concatenations do.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TableOwnershipTest {

  static final Path DOC = Path.of("docs/architecture.md");
  static final Path CLASSES = Path.of("target/classes");
  static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  /** A row of the doc's table: owner capability and the capabilities that may read it. */
  record Ownership(String table, String owner, Set<String> readers) {}

  private static Map<String, Ownership> owners;
  /** Capability (top-level package under io.shoal; "" for io.shoal itself) -> string constants of its classes. */
  private static Map<String, List<Constant>> constants;

  record Constant(String className, String text) {}

  @BeforeAll
  static void read() throws IOException {
    owners = ownership(Files.readString(DOC));
    constants = new TreeMap<>();
    try (Stream<Path> files = Files.walk(CLASSES.resolve("io/shoal"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))
          .filter(f -> !f.startsWith(CLASSES.resolve("io/shoal/client")))::iterator) { // the generated API client
        String name = CLASSES.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        for (String s : stringConstants(Files.readAllBytes(p))) {
          constants.computeIfAbsent(capability(name), k -> new ArrayList<>()).add(new Constant(name, s));
        }
      }
    }
  }

  @Test
  void everyTableHasOneOwner() throws IOException {
    Set<String> created = new TreeSet<>();
    Pattern create = Pattern.compile("(?i)create\\s+table\\s+(if\\s+not\\s+exists\\s+)?([a-z_][a-z0-9_]*)");
    Pattern drop = Pattern.compile("(?i)drop\\s+table\\s+(if\\s+exists\\s+)?([a-z_][a-z0-9_]*)");
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      for (Path p : files.sorted(TableOwnershipTest::byVersion).toList()) {
        String sql = Files.readString(p);
        Matcher m = create.matcher(sql);
        while (m.find()) {
          created.add(m.group(2).toLowerCase());
        }
        Matcher d = drop.matcher(sql);
        while (d.find()) {
          created.remove(d.group(2).toLowerCase());
        }
      }
    }
    assertFalse(created.isEmpty(), "no CREATE TABLE found in " + MIGRATIONS);
    assertEquals(created, new TreeSet<>(owners.keySet()),
        "the tables the migrations create and the tables " + DOC + " lists (with their owners) differ");
  }

  @Test
  void onlyTheOwnerWritesATableAndOnlyNamedReadersReadIt() {
    List<String> violations = new ArrayList<>();
    for (Ownership o : owners.values()) {
      Pattern write = Pattern.compile("(?i)\\b(insert\\s+into|update|delete\\s+from|truncate(\\s+table)?|copy)\\s+(only\\s+)?"
          + o.table() + "\\b");
      Pattern read = Pattern.compile("(?i)(?<!delete\\s)\\b(from|join)\\s+(only\\s+)?" + o.table() + "\\b");
      constants.forEach((capability, texts) -> {
        if (capability.equals(o.owner())) {
          return;
        }
        for (Constant c : texts) {
          if (write.matcher(c.text()).find()) {
            violations.add(c.className() + " writes " + o.table() + " (owner: " + o.owner() + ")");
          } else if (!o.readers().contains(capability) && read.matcher(c.text()).find()) {
            violations.add(c.className() + " reads " + o.table() + " (owner: " + o.owner()
                + "; readers named in the doc: " + o.readers() + ")");
          }
        }
      });
    }
    assertTrue(violations.isEmpty(), "SQL on a table outside its owner (" + DOC + "):\n  "
        + String.join("\n  ", new TreeSet<>(violations)));
  }

  @Test
  void theScanSeesTheOwnersSql() {
    // Guards the test itself: if the class scan found no SQL, the rule above would pass vacuously.
    assertTrue(constants.getOrDefault("customer", List.of()).stream()
        .anyMatch(c -> c.text().matches("(?is).*\\bupdate\\s+customers\\b.*")), "no customers SQL found in customer");
    assertTrue(constants.getOrDefault("segment", List.of()).stream()
        .anyMatch(c -> c.text().matches("(?is).*\\binsert\\s+into\\s+segment_members\\b.*")));
  }

  /** The rows of the doc's ownership table: | `table` | `owner` | interface | readers: `cap`, ... |. */
  static Map<String, Ownership> ownership(String doc) {
    Map<String, Ownership> out = new TreeMap<>();
    Pattern row = Pattern.compile("(?m)^\\|\\s*`([a-z_][a-z0-9_]*)`\\s*\\|\\s*`([a-z.]+)`\\s*\\|([^|\\n]*)\\|([^|\\n]*)\\|\\s*$");
    Pattern token = Pattern.compile("`([a-z]+)`");
    Matcher m = row.matcher(doc);
    while (m.find()) {
      Set<String> readers = new TreeSet<>();
      Matcher t = token.matcher(m.group(4));
      while (t.find()) {
        readers.add(t.group(1));
      }
      Ownership previous = out.put(m.group(1), new Ownership(m.group(1), m.group(2), readers));
      if (previous != null) {
        throw new IllegalStateException(m.group(1) + " is listed twice in " + DOC);
      }
    }
    return out;
  }

  static String capability(String className) {
    String rest = className.substring("io.shoal.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? "" : rest.substring(0, dot);
  }

  private static int byVersion(Path a, Path b) {
    return version(a).compareTo(version(b));
  }

  private static String version(Path p) {
    // V6_2__x.sql -> "00006.00002"
    String v = p.getFileName().toString().replaceFirst("^V", "").replaceFirst("__.*$", "");
    StringBuilder out = new StringBuilder();
    for (String part : v.split("[._]")) {
      out.append(String.format("%05d.", Integer.parseInt(part)));
    }
    return out.toString();
  }

  /** The String constants of a class file (its constant pool's CONSTANT_String entries). */
  static List<String> stringConstants(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    in.readInt(); // magic
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> strings = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        case 5, 6 -> {
          in.skipBytes(8);
          i++; // takes two entries
        }
        case 7, 16, 19, 20 -> in.skipBytes(2);
        case 8 -> strings.add(in.readUnsignedShort());
        case 15 -> in.skipBytes(3);
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    List<String> out = new ArrayList<>(strings.size());
    for (int s : strings) {
      out.add(utf8[s]);
    }
    return out;
  }
}
