import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Benchmark helper that talks to Shoal's PostgreSQL directly over JDBC (the driver is inside
 * target/shoal.jar). Run with the source launcher:
 *
 * <pre>
 *   java -cp target/shoal.jar bench/BenchDb.java seed    PG_PORT STORE_ID COUNT OUT_DIR [RANDOM_SEED]
 *   java -cp target/shoal.jar bench/BenchDb.java explain PG_PORT STORE_ID TERM...
 *   java -cp target/shoal.jar bench/BenchDb.java paths   PG_PORT STORE_ID TERMS_FILE
 *   java -cp target/shoal.jar bench/BenchDb.java count   PG_PORT STORE_ID
 *   java -cp target/shoal.jar bench/BenchDb.java ids     PG_PORT STORE_ID OUT_FILE
 *   java -cp target/shoal.jar bench/BenchDb.java reset   PG_PORT STORE_ID
 *   java -cp target/shoal.jar bench/BenchDb.java profile PG_PORT STORE_ID TERMS_FILE...
 * </pre>
 *
 * seed: bulk-loads COUNT synthetic but realistic customers into the (already created) store with
 * COPY, inside one transaction that drops the secondary indexes of customers and customer_search
 * first and rebuilds them afterwards from their own definitions (pg_get_indexdef), which is several
 * times faster than maintaining a trigram GIN index row by row; customer_search, which customers'
 * insert trigger fills in the COPY's order, is rewritten in its key's order (CLUSTER) before, as V72
 * and a store's own inserts leave it. Then VACUUM ANALYZE + CHECKPOINT.
 * Everything is derived from RANDOM_SEED (default 42), so the same data comes out every time.
 * Writes OUT_DIR/ids.txt (a sample of existing customer ids) and OUT_DIR/terms-*.txt (search
 * terms per class, drawn from the data that was generated).
 *
 * explain: the path the server's listing takes for each term and every statement it runs for it
 * (text, values, EXPLAIN (ANALYZE, BUFFERS) with those values after the plan cache settles).
 * paths: only the path of each term of TERMS_FILE (a new listing, so a new trigram sample, each run).
 *
 * profile: runs every term of each TERMS_FILE once through the server's search SQL as one
 * prepared statement (as the server's connections do, so PostgreSQL's custom/generic plan choice
 * is the same), with EXPLAIN ANALYZE, and prints the distribution of execution times, the plans
 * used and the slowest terms with their number of matches.
 *
 * ids: writes the id of every customer of the store to OUT_FILE, one a line (a COPY out of the
 * database, so it works on data seeded before it existed), for the get-uniform scenario: ids drawn
 * over all customers, not over ids.txt's sample of 20,000 that the profile cache holds whole.
 *
 * reset: deletes the customers that the create benchmark added (emails @bench-create.example,
 * their activity, facets, evaluation state and search rows go with them), then VACUUM ANALYZE of those tables, so a kept data set stays at
 * exactly the seeded size from one run to the next.
 */
public class BenchDb {

  static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

  static final String[] FIRST = {
      "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
      "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
      "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
      "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
      "Kenneth", "Dorothy", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah",
      "Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
      "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
      "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
      "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander", "Debra", "Frank", "Rachel",
      "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine", "Dennis", "Maria", "Jerry", "Heather",
      "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie", "Adam", "Olivia", "Nathan", "Joyce",
      "Henry", "Virginia", "Zachary", "Victoria", "Peter", "Kelly", "Kyle", "Lauren", "Noah", "Christina",
      "Ethan", "Joan", "Jeremy", "Evelyn", "Walter", "Judith", "Christian", "Megan", "Keith", "Andrea",
      "Roger", "Cheryl", "Terry", "Hannah", "Austin", "Jacqueline", "Sean", "Martha", "Gerald", "Gloria",
      "Carl", "Teresa", "Harold", "Ann", "Dylan", "Sara", "Arthur", "Madison", "Lawrence", "Frances",
      "Jordan", "Kathryn", "Jesse", "Janice", "Bryan", "Jean", "Billy", "Abigail", "Bruce", "Alice",
      "Gabriel", "Julia", "Logan", "Judy", "Alan", "Sophia", "Juan", "Grace", "Wayne", "Denise",
      "Lukas", "Lea", "Jonas", "Mia", "Mateo", "Sofia", "Hugo", "Chloe", "Louis", "Camille",
      "Marco", "Giulia", "Luca", "Chiara", "Pablo", "Lucia", "Carlos", "Valentina", "Pedro", "Isabela",
      "Wei", "Mei", "Hiroshi", "Yuki", "Ji-ho", "Seo-yeon", "Arjun", "Priya", "Rahul", "Ananya",
      "Mohammed", "Fatima", "Omar", "Aisha", "Ivan", "Olga", "Piotr", "Anna", "Jan", "Eva"};

  static final String[] LAST = {
      "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
      "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
      "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
      "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
      "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
      "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
      "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
      "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
      "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
      "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
      "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
      "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
      "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson",
      "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens",
      "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen",
      "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
      "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks",
      "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox",
      "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens",
      "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
      "Mueller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Wolf",
      "Dubois", "Moreau", "Laurent", "Lefebvre", "Girard", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi",
      "Kowalski", "Nowak", "Wisniewski", "Novak", "Svoboda", "Ivanov", "Petrov", "Jansen", "de Vries", "Bakker",
      "Andersen", "Nielsen", "Hansen", "Larsen", "Johansson", "Karlsson", "Virtanen", "Korhonen", "O'Brien", "Murphy",
      "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Sato", "Suzuki",
      "Takahashi", "Tanaka", "Watanabe", "Park", "Choi", "Singh", "Kumar", "Sharma", "Gupta", "Khan"};

  static final String[][] DOMAINS = {
      {"gmail.com", "34"}, {"yahoo.com", "9"}, {"hotmail.com", "7"}, {"outlook.com", "7"}, {"icloud.com", "6"},
      {"aol.com", "2"}, {"protonmail.com", "2"}, {"gmx.de", "2"}, {"web.de", "1"}, {"orange.fr", "1"},
      {"free.fr", "1"}, {"btinternet.com", "1"}, {"comcast.net", "2"}, {"live.com", "2"}, {"mail.ru", "1"},
      {"yahoo.co.uk", "1"}, {"libero.it", "1"}, {"qq.com", "1"}, {"naver.com", "1"}};
  static final String[] COMPANY_WORDS = {
      "acme", "globex", "initech", "umbrella", "stark", "wayne", "hooli", "vandelay", "pied", "soylent",
      "tyrell", "wonka", "cyberdyne", "gringotts", "oceanic", "dunder", "prestige", "monarch", "northwind", "contoso"};
  static final String[] COMPANY_SUFFIX = {"corp.com", "inc.com", "group.com", "labs.io", "co.uk", "gmbh.de", "studio.com"};
  static final String[] TAGS = {
      "vip", "wholesale", "newsletter", "returning", "first_time_buyer", "churn_risk", "loyalty_gold",
      "loyalty_silver", "b2b", "influencer", "abandoned_cart", "discount_hunter", "gift_buyer", "subscriber"};
  static final String[] TIMEZONES = {
      "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London",
      "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw", "Asia/Tokyo", "Asia/Seoul",
      "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "America/Toronto"};
  static final String[] SOURCES = {"web", "web", "web", "pos", "instagram", "tiktok", "trade_show", "referral", "import"};
  static final String[][] CITIES = {
      {"New York", "NY", "US"}, {"Los Angeles", "CA", "US"}, {"Chicago", "IL", "US"}, {"Houston", "TX", "US"},
      {"Seattle", "WA", "US"}, {"Boston", "MA", "US"}, {"Austin", "TX", "US"}, {"Denver", "CO", "US"},
      {"London", null, "GB"}, {"Manchester", null, "GB"}, {"Paris", null, "FR"}, {"Lyon", null, "FR"},
      {"Berlin", null, "DE"}, {"Munich", null, "DE"}, {"Madrid", null, "ES"}, {"Milan", null, "IT"},
      {"Warsaw", null, "PL"}, {"Tokyo", null, "JP"}, {"Toronto", "ON", "CA"}, {"Sydney", "NSW", "AU"}};
  static final String[] STREETS = {
      "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Rd", "High St", "Station Rd", "Elm St",
      "Church St", "Lake View", "Sunset Blvd", "Market St", "King St", "Queen St", "Mill Lane"};

  /** End of the seeded created_at range; fixed so that the data do not depend on the clock. */
  static final Instant END = Instant.parse("2026-01-01T00:00:00Z");
  static final long SPAN_SECONDS = 3L * 365 * 24 * 3600;
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxxx");

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      usage();
    }
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    String storeId = args[2];
    if (mode.equals("profile-http")) {
      for (int i = 4; i < args.length; i++) {
        profileHttp(port, storeId, args[3], Path.of(args[i]));
      }
      return;
    }
    try (Connection c = DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres")) {
      switch (mode) {
        case "seed" -> {
          if (args.length < 5) {
            usage();
          }
          long seed = args.length > 5 ? Long.parseLong(args[5]) : 42L;
          seed(c, storeId, Integer.parseInt(args[3]), Path.of(args[4]), seed);
        }
        case "explain" -> explain(c, port, storeId, List.of(args).subList(3, args.length), true);
        case "paths" -> explain(c, port, storeId, Files.readAllLines(Path.of(args[3])), false);
        case "count" -> System.out.println(count(c, storeId));
        case "ids" -> {
          if (args.length < 4) {
            usage();
          }
          allIds(c, storeId, Path.of(args[3]));
        }
        case "filters" -> {
          if (args.length < 4) {
            usage();
          }
          filters(c, storeId, Path.of(args[3]));
        }
        case "reset" -> reset(c, storeId);
        case "profile" -> {
          for (int i = 3; i < args.length; i++) {
            profile(c, storeId, Path.of(args[i]));
          }
        }
        default -> usage();
      }
    }
  }

  static void usage() {
    System.err.println("usage: BenchDb seed PG_PORT STORE_ID COUNT OUT_DIR [SEED] | explain PG_PORT STORE_ID TERM... | paths PG_PORT STORE_ID TERMS_FILE | profile PG_PORT STORE_ID TERMS_FILE... | profile-http HTTP_PORT STORE_ID API_KEY FILE... | filters PG_PORT STORE_ID OUT_DIR | ids PG_PORT STORE_ID OUT_FILE | count|reset PG_PORT STORE_ID");
    System.exit(2);
  }

  static long count(Connection c, String storeId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM customers WHERE store_id = ?")) {
      ps.setString(1, storeId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Every customer id of the store into {@code out}, one a line, with COPY (written to a temporary file first). */
  static void allIds(Connection c, String storeId, Path out) throws Exception {
    if (!storeId.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a store id: " + storeId);
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    long n;
    try (var os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      n = c.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (SELECT id FROM customers WHERE store_id = '" + storeId + "') TO STDOUT", os);
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("ids: wrote %,d customer ids to %s%n", n, out);
  }

  /**
   * For the list-with-filters scenarios: two static segments (about 10 % and 0.1 % of the
   * customers, picked by a hash of the id, so the same data give the same members) and one file
   * of query strings per filter kind, OUT_DIR/queries-{tags,created,segment,metadata}.txt. Idempotent.
   */
  static void filters(Connection c, String storeId, Path outDir) throws Exception {
    String large = "seg_benchlarge", small = "seg_benchsmall";
    try (Statement st = c.createStatement()) {
      for (String[] seg : new String[][] {{large, "10"}, {small, "1000"}}) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO segments (store_id, id, name, type) VALUES (?, ?, ?, 'static') ON CONFLICT DO NOTHING")) {
          ps.setString(1, storeId);
          ps.setString(2, seg[0]);
          ps.setString(3, "bench " + seg[0]);
          if (ps.executeUpdate() == 0) {
            continue;
          }
        }
        long t = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, ?, id FROM customers"
                + " WHERE store_id = ? AND abs(hashtext(id)) % " + seg[1] + " = 0 AND email NOT LIKE '%@bench-create.example'")) {
          ps.setString(1, seg[0]);
          ps.setString(2, storeId);
          int n = ps.executeUpdate();
          System.out.printf("filters: segment %s with %,d members in %.1f s%n", seg[0], n, (System.nanoTime() - t) / 1e9);
        }
      }
      // The pathological one (issue 17, thirteenth pass): the oldest 10 % of the customers, like a
      // real store's "churned" segment. Newest first, a page passes ~900,000 non-members before its first member.
      String oldest = "seg_bencholdest";
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO segments (store_id, id, name, type) VALUES (?, ?, 'bench oldest 10 %', 'static') ON CONFLICT DO NOTHING")) {
        ps.setString(1, storeId);
        ps.setString(2, oldest);
        if (ps.executeUpdate() > 0) {
          long t = System.nanoTime();
          try (PreparedStatement add = c.prepareStatement(
              "INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, ?, id FROM customers"
                  + " WHERE store_id = ? AND email NOT LIKE '%@bench-create.example' ORDER BY created_at, id"
                  + " LIMIT (SELECT count(*) / 10 FROM customers WHERE store_id = ?)")) {
            add.setString(1, oldest);
            add.setString(2, storeId);
            add.setString(3, storeId);
            int n = add.executeUpdate();
            System.out.printf("filters: segment %s with %,d members in %.1f s%n", oldest, n, (System.nanoTime() - t) / 1e9);
          }
        }
      }
      st.execute("VACUUM (ANALYZE) segment_members");
    }
    Files.write(outDir.resolve("queries-segold.txt"), List.of("segment_id=seg_bencholdest",
        "segment_id=seg_bencholdest&order=asc", "segment_id=seg_bencholdest&sort=total_spent",
        "segment_id=seg_bencholdest&sort=last_order_at&order=asc"));
    Files.write(outDir.resolve("queries-tags.txt"), List.of(
        "tags=vip", "tags=newsletter", "tags=b2b", "tags=subscriber", "tags=gift_buyer", "tags=vip,newsletter"));
    Files.write(outDir.resolve("queries-created.txt"), List.of(
        "created_after=2025-12-01", "created_after=2025-06-01", "created_after=2023-06-01T00:00:00Z",
        "created_after=2024-01-01&created_before=2024-02-01"));
    Files.write(outDir.resolve("queries-segment.txt"), List.of("segment_id=" + large, "segment_id=" + small));
    Files.write(outDir.resolve("queries-metadata.txt"), List.of(
        "metadata%5Bsource%5D=web", "metadata%5Bsource%5D=tiktok", "metadata%5Breferrer%5D=campaign_7",
        "metadata%5Bsource%5D=import&metadata%5Breferrer%5D=campaign_3"));
  }

  static void reset(Connection c, String storeId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM customers WHERE store_id = ? AND email LIKE '%@bench-create.example'")) {
      ps.setString(1, storeId);
      int n = ps.executeUpdate();
      try (Statement st = c.createStatement()) {
        // Also the tables the deletes reach by trigger and cascade: 10 % of dead entries at the newest end
        // of customer_facets (below autovacuum's 20 %) made a newest-first page of the create benchmark's
        // tag and source read ~3,300 index pages instead of ~10 (bench/README.md, twenty-second pass).
        // customer_search the same (V72): the create benchmark's ~75,000 deleted customers left dead entries at
        // the newest end of its key, and each surname walk then read ~1,750 index pages before its first
        // entry instead of 11-400 (bench/README.md, thirty-third pass, search33).
        for (String table : List.of("customers", "customer_activity", "customer_facets", "customer_eval_state",
            "customer_search")) {
          st.execute("VACUUM (ANALYZE) " + table);
        }
      }
      System.out.printf("reset: removed %,d customers created by the create benchmark; store has %,d%n",
          n, count(c, storeId));
    }
  }

  // --- seeding --------------------------------------------------------------------------------

  static void seed(Connection c, String storeId, int count, Path outDir, long seed) throws Exception {
    Files.createDirectories(outDir);
    long t0 = System.nanoTime();
    Random rnd = new Random(seed);
    double[] lastWeights = zipf(LAST.length, 0.9);
    double[] firstWeights = zipf(FIRST.length, 0.6);
    double[] domainWeights = new double[DOMAINS.length];
    for (int i = 0; i < DOMAINS.length; i++) {
      domainWeights[i] = Double.parseDouble(DOMAINS[i][1]);
    }
    domainWeights = cumulative(domainWeights);

    c.setAutoCommit(false);
    List<String> indexDefs = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL maintenance_work_mem = '1GB'");
      st.execute("SET LOCAL max_parallel_maintenance_workers = 2");
      // Secondary indexes of customers and of customer_search (V72, which customers' insert trigger
      // fills; not the primary keys): dropped, then rebuilt from their own DDL.
      try (ResultSet rs = st.executeQuery(
          "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
              + " WHERE i.indrelid IN ('customers'::regclass, 'customer_search'::regclass) AND NOT i.indisprimary"
              + " ORDER BY 1")) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString(1));
          indexDefs.add(rs.getString(2));
        }
        for (String n : names) {
          st.execute("DROP INDEX " + n);
        }
      }
    }
    System.out.printf("seed: dropped %d secondary indexes for the load%n", indexDefs.size());

    Set<String> emails = new HashSet<>(count * 2);
    List<String> sampleIds = new ArrayList<>();
    List<String> emailTerms = new ArrayList<>();
    List<String> phoneTerms = new ArrayList<>();
    int sampleEvery = Math.max(1, count / 20_000);
    StringBuilder row = new StringBuilder(512);
    PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class),
        "COPY customers (store_id, id, email, first_name, last_name, phone, external_id, timezone, tags,"
            + " address, metadata, email_consent, sms_consent, push_consent, total_orders, total_spent,"
            + " first_order_at, last_order_at, created_at, updated_at) FROM STDIN", 1 << 20);
    try (Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 20)) {
      for (int i = 0; i < count; i++) {
        row.setLength(0);
        String id = "cust_" + randomId(rnd, 20);
        String first = FIRST[pick(rnd, firstWeights)];
        String last = LAST[pick(rnd, lastWeights)];
        // ~5% have no email (phone or external id only), as with POS sign-ups.
        String email = rnd.nextDouble() < 0.05 ? null : uniqueEmail(rnd, emails, first, last, domainWeights);
        double pr = rnd.nextDouble();
        String phone = pr < 0.55 ? usPhone(rnd) : pr < 0.70 ? usPhoneFormatted(rnd) : pr < 0.80 ? ukPhone(rnd)
            : pr < 0.85 ? dePhone(rnd) : null;
        if (email == null && phone == null) {
          phone = usPhone(rnd);
        }
        String externalId = rnd.nextDouble() < 0.5 ? "shopify_" + (7_000_000_000L + i * 37L) : null;
        String tz = rnd.nextDouble() < 0.7 ? TIMEZONES[rnd.nextInt(TIMEZONES.length)] : null;
        int ntags = rnd.nextDouble() < 0.4 ? 0 : 1 + rnd.nextInt(3);
        Set<String> tags = new java.util.LinkedHashSet<>();
        for (int t = 0; t < ntags; t++) {
          tags.add(TAGS[(int) Math.min(TAGS.length - 1, Math.abs(rnd.nextGaussian()) * 4)]);
        }
        String address = rnd.nextDouble() < 0.6 ? address(rnd) : null;
        String metadata = "{\"source\": \"" + SOURCES[rnd.nextInt(SOURCES.length)] + "\""
            + (rnd.nextDouble() < 0.3 ? ", \"referrer\": \"campaign_" + rnd.nextInt(40) + "\"" : "") + "}";
        Instant created = END.minusSeconds((long) (rnd.nextDouble() * SPAN_SECONDS)).minusMillis(rnd.nextInt(1000));
        int orders = rnd.nextDouble() < 0.3 ? 0 : 1 + (int) Math.min(199, -Math.log(1 - rnd.nextDouble()) * 4);
        double spent = 0;
        for (int o = 0; o < Math.min(orders, 20); o++) {
          spent += Math.exp(3.6 + rnd.nextGaussian() * 0.7);
        }
        if (orders > 20) {
          spent *= orders / 20.0;
        }
        Instant firstOrder = null;
        Instant lastOrder = null;
        long sinceCreated = END.getEpochSecond() - created.getEpochSecond();
        if (orders > 0) {
          firstOrder = created.plusSeconds((long) (rnd.nextDouble() * 0.2 * sinceCreated));
          lastOrder = orders == 1 ? firstOrder
              : firstOrder.plusSeconds((long) (rnd.nextDouble() * (END.getEpochSecond() - firstOrder.getEpochSecond())));
        }
        Instant updated = lastOrder != null ? lastOrder : created;

        field(row, storeId).append('\t');
        field(row, id).append('\t');
        field(row, email).append('\t');
        field(row, first).append('\t');
        field(row, last).append('\t');
        field(row, phone).append('\t');
        field(row, externalId).append('\t');
        field(row, tz).append('\t');
        field(row, "{" + String.join(",", tags) + "}").append('\t');
        field(row, address).append('\t');
        field(row, metadata).append('\t');
        row.append(rnd.nextDouble() < 0.6 ? 't' : 'f').append('\t');
        row.append(rnd.nextDouble() < 0.3 ? 't' : 'f').append('\t');
        row.append(rnd.nextDouble() < 0.2 ? 't' : 'f').append('\t');
        row.append(orders).append('\t');
        row.append(String.format(Locale.ROOT, "%.2f", spent)).append('\t');
        field(row, ts(firstOrder)).append('\t');
        field(row, ts(lastOrder)).append('\t');
        field(row, ts(created)).append('\t');
        field(row, ts(updated)).append('\n');
        w.append(row);

        if (i % sampleEvery == 0) {
          sampleIds.add(id);
          if (email != null) {
            emailTerms.add(emailPrefixTerm(email));
          }
          if (phone != null && phone.startsWith("+1") && phone.length() == 12) {
            phoneTerms.add(phone.substring(6));
          }
        }
        if ((i + 1) % 200_000 == 0) {
          System.out.printf("seed: %,d rows streamed (%.0f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    System.out.printf("seed: COPY of %,d rows done in %.0f s; rebuilding %d indexes%n",
        count, (System.nanoTime() - t0) / 1e9, indexDefs.size());
    try (Statement st = c.createStatement()) {
      // customer_search as V72 writes it and as a store's customers fill it: in its key's order (store,
      // created_at, id). The trigger adds the COPY's rows in the COPY's order, random in created_at,
      // which no store has (created_at is the insert's now()): then the BRIN of created_at finds no
      // period (every range spans the seed's years) and a rare surname's page read 879-1,950 buffers
      // instead of 93-130 at 1M (bench/README.md, thirty-third pass, search33).
      long tc = System.nanoTime();
      st.execute("CLUSTER customer_search USING customer_search_pkey");
      System.out.printf("seed:   %.1f s  CLUSTER customer_search USING customer_search_pkey%n", (System.nanoTime() - tc) / 1e9);
      for (String def : indexDefs) {
        long ti = System.nanoTime();
        st.execute(def);
        System.out.printf("seed:   %.1f s  %s%n", (System.nanoTime() - ti) / 1e9, def);
      }
    }
    c.commit();
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      long tv = System.nanoTime();
      st.execute("VACUUM (ANALYZE) customers");
      st.execute("VACUUM (ANALYZE) customer_search");
      st.execute("CHECKPOINT");
      System.out.printf("seed: VACUUM ANALYZE + CHECKPOINT in %.1f s%n", (System.nanoTime() - tv) / 1e9);
    }

    // Search terms, one file per class, drawn from the generated data (deterministic).
    Random trnd = new Random(seed + 1);
    java.util.Collections.shuffle(sampleIds, trnd);
    java.util.Collections.shuffle(emailTerms, trnd);
    java.util.Collections.shuffle(phoneTerms, trnd);
    Files.write(outDir.resolve("ids.txt"), sampleIds);
    Files.write(outDir.resolve("terms-email.txt"), emailTerms.subList(0, Math.min(200, emailTerms.size())));
    Files.write(outDir.resolve("terms-phone.txt"), phoneTerms.subList(0, Math.min(200, phoneTerms.size())));
    // Surname substrings: the first 6 letters of surnames, drawn with the surname frequencies.
    Set<String> surnameTerms = new java.util.LinkedHashSet<>();
    while (surnameTerms.size() < 50) {
      String l = LAST[pick(trnd, lastWeights)].toLowerCase(Locale.ROOT);
      if (l.length() >= 5) {
        surnameTerms.add(l.substring(0, Math.min(6, l.length())));
      }
    }
    Files.write(outDir.resolve("terms-surname.txt"), new ArrayList<>(surnameTerms));
    // Very common terms, matching a large share of all customers (reported separately, honestly).
    Files.write(outDir.resolve("terms-common.txt"), List.of("gmail", "son", "mar", "com"));
    System.out.printf("seed: wrote %d ids and search terms to %s; store has %,d customers; total %.0f s%n",
        sampleIds.size(), outDir, count(c, storeId), (System.nanoTime() - t0) / 1e9);
  }

  /** "john.smith47@gmail.com" -> "john.smith4": what an agent types before the list narrows down. */
  static String emailPrefixTerm(String email) {
    String local = email.substring(0, email.indexOf('@'));
    return Character.isDigit(local.charAt(local.length() - 1)) && local.length() > 6
        ? local.substring(0, local.length() - 1) : local;
  }

  static String uniqueEmail(Random rnd, Set<String> taken, String first, String last, double[] domainWeights) {
    String f = asciiLower(first);
    String l = asciiLower(last);
    double form = rnd.nextDouble();
    String local = form < 0.40 ? f + "." + l : form < 0.55 ? f + l : form < 0.70 ? f.charAt(0) + l
        : form < 0.80 ? f + "_" + l : form < 0.90 ? f + "." + l.charAt(0) : l + "." + f;
    double num = rnd.nextDouble();
    if (num < 0.35) {
      local += rnd.nextInt(100);
    } else if (num < 0.55) {
      local += 1950 + rnd.nextInt(57);
    }
    String domain = rnd.nextDouble() < 0.12
        ? COMPANY_WORDS[rnd.nextInt(COMPANY_WORDS.length)] + COMPANY_SUFFIX[rnd.nextInt(COMPANY_SUFFIX.length)]
        : DOMAINS[pick(rnd, domainWeights)][0];
    String email = local + "@" + domain;
    while (!taken.add(email.toLowerCase(Locale.ROOT))) {
      local += rnd.nextInt(10);
      email = local + "@" + domain;
    }
    return email;
  }

  static String asciiLower(String s) {
    return s.toLowerCase(Locale.ROOT).replace(" ", "").replace("'", "").replace("-", "");
  }

  static String usPhone(Random rnd) {
    return String.format("+1%03d%03d%04d", 201 + rnd.nextInt(780), 200 + rnd.nextInt(800), rnd.nextInt(10000));
  }

  static String usPhoneFormatted(Random rnd) {
    return String.format("(%03d) %03d-%04d", 201 + rnd.nextInt(780), 200 + rnd.nextInt(800), rnd.nextInt(10000));
  }

  static String ukPhone(Random rnd) {
    return String.format("+44 7%03d %06d", rnd.nextInt(1000), rnd.nextInt(1_000_000));
  }

  static String dePhone(Random rnd) {
    return String.format("+49 15%d %07d", rnd.nextInt(10), rnd.nextInt(10_000_000));
  }

  static String address(Random rnd) {
    String[] city = CITIES[rnd.nextInt(CITIES.length)];
    return "{\"line1\": \"" + (1 + rnd.nextInt(9999)) + " " + STREETS[rnd.nextInt(STREETS.length)] + "\""
        + ", \"city\": \"" + city[0] + "\""
        + (city[1] == null ? "" : ", \"state\": \"" + city[1] + "\"")
        + ", \"postal_code\": \"" + String.format("%05d", rnd.nextInt(100000)) + "\""
        + ", \"country\": \"" + city[2] + "\"}";
  }

  static String randomId(Random rnd, int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET.charAt(rnd.nextInt(32));
    }
    return new String(out);
  }

  /** Cumulative Zipf weights: rank r has weight 1 / r^s. */
  static double[] zipf(int n, double s) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1 / Math.pow(i + 1, s);
    }
    return cumulative(w);
  }

  /** Cumulative, normalised weights (last element exactly 1). */
  static double[] cumulative(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double[] cum = new double[weights.length];
    double acc = 0;
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i];
      cum[i] = acc / total;
    }
    cum[cum.length - 1] = 1.0;
    return cum;
  }

  /** Index drawn from cumulative weights (see {@link #cumulative}). */
  static int pick(Random rnd, double[] cum) {
    double u = rnd.nextDouble();
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static String ts(Instant i) {
    return i == null ? null : TS.format(OffsetDateTime.ofInstant(i, ZoneOffset.UTC));
  }

  /** A COPY text-format field: \N for null, backslash escapes for the special characters. */
  static StringBuilder field(StringBuilder sb, String v) {
    if (v == null) {
      return sb.append("\\N");
    }
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(ch);
      }
    }
    return sb;
  }

  static void profile(Connection c, String storeId, Path termsFile) throws Exception {
    List<String> terms = Files.readAllLines(termsFile).stream().filter(t -> !t.isBlank()).toList();
    record Sample(String term, double ms, String plan) {}
    List<Sample> samples = new ArrayList<>();
    Map<String, Integer> plans = new LinkedHashMap<>();
    try (Statement st = c.createStatement()) {
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE list_search(text, text, int) AS " + LIST_SQL);
      for (String term : terms) {
        String like = likePattern(term);
        String args = "('" + storeId.replace("'", "''") + "', '" + like.replace("'", "''") + "', 26)";
        double ms = -1;
        String plan = "?";
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE) EXECUTE list_search" + args)) {
          while (rs.next()) {
            String line = rs.getString(1);
            if (line.startsWith("Execution Time:")) {
              ms = Double.parseDouble(line.replaceAll("[^0-9.]", ""));
            } else if (plan.equals("?") && (line.contains("Bitmap Heap Scan") || line.contains("Index Scan")
                || line.contains("Seq Scan"))) {
              plan = line.trim().replaceFirst("^->\\s*", "").replaceFirst("\\s+on customers.*", "")
                  .replaceFirst("\\s+using (\\w+).*", " ($1)").replaceFirst("\\s+\\(cost.*", "");
            }
          }
        }
        samples.add(new Sample(term, ms, plan));
        plans.merge(plan, 1, Integer::sum);
      }
      String counts = "?";
      try (ResultSet rs = st.executeQuery(
          "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'list_search'")) {
        if (rs.next()) {
          counts = rs.getLong(1) + " generic / " + rs.getLong(2) + " custom";
        }
      } catch (SQLException e) {
        counts = "n/a";
      }
      st.execute("DEALLOCATE ALL");
      double[] ms = samples.stream().mapToDouble(Sample::ms).sorted().toArray();
      System.out.printf("%n=== %s: %d terms, SQL execution ms p50 %.2f, p90 %.2f, p99 %.2f, max %.2f (plans: %s; %s) ===%n",
          termsFile.getFileName(), ms.length, pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1], plans, counts);
      List<Sample> slow = new ArrayList<>(samples);
      slow.sort((a, b) -> Double.compare(b.ms(), a.ms()));
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT count(*) FROM customers WHERE store_id = ? AND search_text LIKE ?")) {
        for (Sample sm : slow.subList(0, Math.min(5, slow.size()))) {
          ps.setString(1, storeId);
          ps.setString(2, likePattern(sm.term()));
          long n;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            n = rs.getLong(1);
          }
          System.out.printf("  slowest: %-18s %8.2f ms  %,9d matches  %s%n", "'" + sm.term() + "'", sm.ms(), n, sm.plan());
        }
      }
    }
  }

  /**
   * Every search term (terms-*.txt) or list query (queries-*.txt) of a file sent once to the
   * server, one request at a time (no concurrency): the time of each answer as the client sees
   * it, whichever path the server takes; the slowest five with their match count (count=true).
   */
  static void profileHttp(int httpPort, String storeId, String key, Path file) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    boolean raw = file.getFileName().toString().startsWith("queries-");
    String base = "http://127.0.0.1:" + httpPort + "/v1/stores/" + storeId + "/customers?";
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    record Timed(String line, double ms) {}
    List<Timed> timed = new ArrayList<>();
    for (String line : lines) {
      String q = raw ? line : "search=" + java.net.URLEncoder.encode(line, StandardCharsets.UTF_8);
      java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + q))
          .header("Authorization", "Bearer " + key).build();
      long t = System.nanoTime();
      java.net.http.HttpResponse<String> res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
      double ms = (System.nanoTime() - t) / 1e6;
      if (res.statusCode() != 200) {
        throw new IllegalStateException(q + " answered " + res.statusCode() + ": " + res.body());
      }
      timed.add(new Timed(line, ms));
    }
    double[] ms = timed.stream().mapToDouble(Timed::ms).sorted().toArray();
    System.out.printf("%n=== %s: %d requests one at a time through the server, ms p50 %.2f, p90 %.2f, p99 %.2f, max %.2f ===%n",
        file.getFileName(), ms.length, pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1]);
    List<Timed> slow = new ArrayList<>(timed);
    slow.sort((a, b) -> Double.compare(b.ms(), a.ms()));
    for (Timed t : slow.subList(0, Math.min(5, slow.size()))) {
      String q = raw ? t.line() : "search=" + java.net.URLEncoder.encode(t.line(), StandardCharsets.UTF_8);
      java.net.http.HttpResponse<String> res = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(base + q + "&count=true&limit=1")).header("Authorization", "Bearer " + key).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      String body = res.body();
      java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"count\":(\\d+)").matcher(body);
      String matches = !count.find() ? "count n/a (" + res.statusCode() + ")"
          : String.format("%,d matches%s", Long.parseLong(count.group(1)),
              body.contains("\"count_estimated\":true") ? " (estimate)" : "");
      System.out.printf("  slowest: %-40s %8.2f ms  %s%n", "'" + t.line() + "'", t.ms(), matches);
    }
  }

  /** The LIKE pattern the server builds for a search term (CustomerRepository.list). */
  static String likePattern(String term) {
    return "%" + term.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  // --- explain --------------------------------------------------------------------------------

  /** The first passes' list SQL with a search term (profile only: no server runs it since V72-V73; explain runs the server's). */
  static final String LIST_SQL =
      "SELECT id, email, first_name, last_name, phone, external_id, timezone, tags, address, metadata,"
          + " email_consent, sms_consent, push_consent, total_orders, total_spent, first_order_at, last_order_at,"
          + " created_at, updated_at, (created_at)::text AS sort_key FROM customers"
          + " WHERE store_id = $1 AND search_text LIKE $2 ORDER BY created_at DESC, id DESC LIMIT $3";

  /**
   * The statements the server runs for a search (newest first, the API's default limit), EXPLAINed
   * with their values: the server's own {@code io.shoal.customer.CustomerListing} (package-private:
   * reached by reflection, as the classes on the jar are in the unnamed module) on a pool of one
   * connection that records every statement and its values, after the listing's trigram sample, as
   * a server takes it. Each recorded statement is then prepared by the same text on this connection,
   * executed 6 times (PostgreSQL's plan cache settles on its plan for the server's connections
   * after 5) and EXPLAINed (ANALYZE, BUFFERS) once more. Until the thirty-fourth pass this step
   * EXPLAINed a statement of the first passes (LIKE on customers) that no server ran any more.
   */
  static void explain(Connection c, int port, String storeId, List<String> terms, boolean plans) throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    io.vertx.sqlclient.Pool real = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(new io.vertx.pgclient.PgConnectOptions().setHost("127.0.0.1").setPort(port)
            .setDatabase("postgres").setUser("postgres").setPassword("postgres"))
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1)).using(vertx).build();
    List<Object[]> ran = new ArrayList<>(); // {sql, values}
    io.vertx.sqlclient.Pool recording = (io.vertx.sqlclient.Pool) java.lang.reflect.Proxy.newProxyInstance(
        BenchDb.class.getClassLoader(), new Class<?>[] {io.vertx.sqlclient.Pool.class}, (proxy, method, args) -> {
          Object out = method.invoke(real, args);
          if (method.getName().equals("preparedQuery") && args.length == 1 && args[0] instanceof String sql) {
            Object query = out;
            return java.lang.reflect.Proxy.newProxyInstance(BenchDb.class.getClassLoader(),
                new Class<?>[] {io.vertx.sqlclient.PreparedQuery.class}, (p2, m2, a2) -> {
                  if (m2.getName().equals("execute") && a2 != null && a2.length == 1
                      && a2[0] instanceof io.vertx.sqlclient.Tuple t) {
                    List<Object> values = new ArrayList<>();
                    for (int i = 0; i < t.size(); i++) {
                      values.add(t.getValue(i));
                    }
                    ran.add(new Object[] {sql, values});
                  }
                  return m2.invoke(query, a2);
                });
          }
          return out;
        });
    try {
      Class<?> listingClass = Class.forName("io.shoal.customer.CustomerListing");
      java.lang.reflect.Constructor<?> make = listingClass.getDeclaredConstructor(io.vertx.sqlclient.Pool.class);
      make.setAccessible(true);
      Object listing = make.newInstance(recording);
      await(invoke(listing, "sampleTrigrams"));
      Class<?> queryClass = Class.forName("io.shoal.customer.CustomerQuery");
      Class<?> sortClass = Class.forName("io.shoal.customer.CustomerSort");
      java.lang.reflect.Constructor<?> newQuery = queryClass.getDeclaredConstructor(
          java.util.Arrays.stream(queryClass.getRecordComponents()).map(java.lang.reflect.RecordComponent::getType)
              .toArray(Class<?>[]::new));
      newQuery.setAccessible(true);
      for (String term : terms) {
        // as CustomerApi makes it for ?search=term: newest first, the default limit of 25 and one row more
        Object q = newQuery.newInstance(term, List.of(), null, null, new io.vertx.core.json.JsonObject(), null,
            enumConstant(sortClass, "CREATED_AT"), true, null, null, 26);
        ran.clear();
        Object page = await(listingClass.getDeclaredMethod("pageAndPath", String.class, queryClass), listing, storeId, q);
        java.lang.reflect.Method path = page.getClass().getDeclaredMethod("path");
        path.setAccessible(true);
        if (!plans) {
          System.out.printf("%s\t%s%n", term, path.invoke(page));
          continue;
        }
        System.out.printf("%n=== search '%s': path %s, %d statement(s) ===%n", term, path.invoke(page), ran.size());
        List<Object[]> statements = new ArrayList<>(ran);
        for (Object[] r : statements) {
          explainOne(c, (String) r[0], (List<?>) r[1]);
        }
      }
    } finally {
      await(real.close());
      await(vertx.close());
    }
  }

  private static Object enumConstant(Class<?> type, String name) {
    for (Object e : type.getEnumConstants()) {
      if (((Enum<?>) e).name().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static Object invoke(Object target, String method) throws Exception {
    java.lang.reflect.Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  private static Object await(java.lang.reflect.Method m, Object target, Object... args) throws Exception {
    m.setAccessible(true);
    return await(m.invoke(target, args));
  }

  private static Object await(Object future) throws Exception {
    return ((io.vertx.core.Future<?>) future).toCompletionStage().toCompletableFuture().get();
  }

  /** One recorded statement: its text and values, then its plan with those values as the server's connection has it. */
  private static void explainOne(Connection c, String sql, List<?> values) throws SQLException {
    List<String> types = new ArrayList<>();
    List<String> literals = new ArrayList<>();
    for (Object v : values) {
      types.add(v == null || v instanceof String ? "text" : v instanceof Long || v instanceof Integer ? "int8"
          : v instanceof Double ? "float8" : v instanceof Boolean ? "bool" : "text");
      literals.add(v == null ? "NULL" : v instanceof Number || v instanceof Boolean ? v.toString()
          : "'" + v.toString().replace("'", "''") + "'");
    }
    System.out.println("--- " + sql);
    System.out.println("--- values " + values);
    try (Statement st = c.createStatement()) {
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE server_statement(" + String.join(", ", types) + ") AS " + sql);
      String execute = "EXECUTE server_statement(" + String.join(", ", literals) + ")";
      for (int i = 0; i < 6; i++) {
        st.executeQuery(execute).close();
      }
      try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + execute)) {
        while (rs.next()) {
          System.out.println(rs.getString(1));
        }
      }
      st.execute("DEALLOCATE ALL");
    }
  }

}
