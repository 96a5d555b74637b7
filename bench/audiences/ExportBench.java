import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;

/**
 * The 1,000,000-member segment export, against a running Shoal (loopback), run by
 * bench/audiences/run.sh:
 *
 * <pre>
 *   java -cp shoal.jar bench/audiences/ExportBench.java setup BASE_URL ADMIN_KEY OUT_FILE
 *   java -cp shoal.jar bench/engine/Seed.java PG_PORT STORE_ID MEMBERS
 *   java -cp shoal.jar bench/audiences/ExportBench.java members PG_PORT STORE_ID SEGMENT_ID
 *   java -cp shoal.jar bench/audiences/ExportBench.java export BASE_URL STORE_KEY STORE_ID SEGMENT_ID FORMAT SERVER_PID
 * </pre>
 *
 * setup: creates a store and a static segment through the API; writes STORE_ID, STORE_KEY and
 * SEGMENT_ID to OUT_FILE (shell syntax). Then the engine bench's Seed.java bulk-loads the
 * customers as Shoal would have left them (profile, order aggregates, the evaluator's state),
 * and members: every one of them into the static segment, straight into PostgreSQL (1M ids by
 * API would be one huge body). The server is restarted afterwards: it loads customers at start.
 *
 * export: the live heap of the server (jcmd GC.run, then GC.heap_info) before the export; the
 * export started through the API and polled every 500 ms; at half the rows the live heap again
 * (what the running export holds, beside everything else); the time from created_at to
 * completed_at as Shoal recorded them, the file size, rows per second, the heap in use (garbage
 * included) sampled every 10 s, its maximum. Prints one RESULT line
 * of JSON.
 */
public class ExportBench {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "setup" -> setup(args[1], args[2], Path.of(args[3]));
      case "members" -> members(Integer.parseInt(args[1]), args[2], args[3]);
      case "export" -> export(args[1], args[2], args[3], args[4], args[5], args[6],
          args.length > 7 ? Path.of(args[7]) : null, args.length > 8 ? Path.of(args[8]) : null);
      case "expiry" -> expiry(Path.of(args[1]));
      default -> throw new IllegalArgumentException("setup, members, export or expiry, not " + args[0]);
    }
  }

  static void setup(String base, String admin, Path out) throws Exception {
    JsonObject store = call(base, "POST", "/v1/stores", admin, new JsonObject().put("name", "export-bench"));
    String storeId = store.getString("id");
    String key = store.getString("api_key");
    String segment = call(base, "POST", "/v1/stores/" + storeId + "/segments", key,
        new JsonObject().put("name", "Everyone (bench)").put("type", "static")).getString("id");
    Files.writeString(out, "STORE_ID=" + storeId + "\nSTORE_KEY=" + key + "\nSEGMENT_ID=" + segment + "\n");
  }

  /** Every customer of the store becomes a member of the static segment (after bench/engine/Seed.java). */
  static void members(int pgPort, String storeId, String segment) throws Exception {
    long t0 = System.nanoTime();
    long members;
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
        "postgres", "postgres"); Statement st = c.createStatement()) {
      members = st.executeUpdate("INSERT INTO segment_members (store_id, segment_id, customer_id)"
          + " SELECT store_id, '" + segment + "', id FROM customers WHERE store_id = '" + storeId + "'");
      st.execute("VACUUM ANALYZE segment_members");
      st.execute("CHECKPOINT");
    }
    System.err.printf("seeded %,d members in %.1f s%n", members, (System.nanoTime() - t0) / 1e9);
  }

  /** The link in the email: absolute, or a path on the server (main before export19, no SHOAL_PUBLIC_URL). */
  static final java.util.regex.Pattern LINK = java.util.regex.Pattern.compile("(\\S*/download\\?token=[A-Za-z0-9]+)");

  /** The link of the email naming this export, waited for at most 120 s; null when none came. */
  static String awaitLink(Path mailDir, String exportId) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < until) {
      try (var files = Files.list(mailDir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".txt")).toList()) {
          String body = Files.readString(f);
          var m = LINK.matcher(body);
          if (body.contains(exportId) && m.find()) {
            return m.group(1);
          }
        }
      }
      Thread.sleep(200);
    }
    return null;
  }

  /** Downloads the link to a temporary file: status, bytes, seconds, data rows + header counted. */
  static JsonObject download(String link, String format) throws Exception {
    Path tmp = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "export-bench", "." + format);
    try {
      long t0 = System.nanoTime();
      HttpResponse<Path> r = HTTP.send(HttpRequest.newBuilder(URI.create(link)).timeout(Duration.ofMinutes(10)).build(),
          HttpResponse.BodyHandlers.ofFile(tmp));
      double seconds = (System.nanoTime() - t0) / 1e9;
      JsonObject out = new JsonObject().put("status", r.statusCode()).put("seconds", Math.round(seconds * 10) / 10.0)
          .put("bytes", Files.size(tmp));
      if (r.statusCode() == 200) {
        out.put("lines", "csv".equals(format) ? csvLines(tmp) : xlsxRows(tmp));
      }
      return out;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Newlines outside quotes: records, the header included. */
  static long csvLines(Path file) throws Exception {
    long n = 0;
    boolean quoted = false;
    try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int c; (c = in.read()) >= 0; ) {
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '\n' && !quoted) {
          n++;
        }
      }
    }
    return n;
  }

  /** {@code <row} elements of the first sheet, read as a stream from the zip: rows, the header included. */
  static long xlsxRows(Path file) throws Exception {
    try (var zip = new java.util.zip.ZipFile(file.toFile())) {
      var entry = zip.getEntry("xl/worksheets/sheet1.xml");
      long n = 0;
      byte[] tag = "<row".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int matched = 0;
      try (var in = new java.io.BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
        for (int c; (c = in.read()) >= 0; ) {
          matched = c == tag[matched] ? matched + 1 : (c == tag[0] ? 1 : 0);
          if (matched == tag.length) {
            int next = in.read();
            if (next == ' ' || next == '>') {
              n++;
            }
            matched = next == tag[0] ? 1 : 0;
          }
        }
      }
      return n;
    }
  }

  /**
   * Each link in LINKS_FILE (one JSON line: url, expires_at, format) tried once its expires_at has
   * passed: it must answer 410. Prints one EXPIRY line of JSON per link.
   */
  static void expiry(Path links) throws Exception {
    if (!Files.exists(links)) {
      System.out.println("EXPIRY {\"error\":\"no link was downloaded\"}");
      return;
    }
    for (String line : Files.readAllLines(links)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject l = new JsonObject(line);
      Instant expires = Instant.parse(l.getString("expires_at"));
      long wait = Duration.between(Instant.now(), expires).toMillis() + 1_000;
      if (wait > 0) {
        Thread.sleep(wait);
      }
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(l.getString("url")))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      System.out.println("EXPIRY " + new JsonObject().put("export", l.getString("export")).put("format",
          l.getString("format")).put("expires_at", l.getString("expires_at")).put("tried_at", Instant.now().toString())
          .put("status", r.statusCode()).put("body", r.body()).encode());
    }
  }

  static void export(String base, String key, String storeId, String segment, String format, String pid,
                     Path mailDir, Path linksFile) throws Exception {
    String s = "/v1/stores/" + storeId;
    double load0 = load();
    long liveBefore = liveHeap(pid);
    JsonObject started = call(base, "POST", s + "/segments/" + segment + "/exports", key,
        new JsonObject().put("format", format).put("email", "bench@bench.example"));
    String id = started.getString("id");
    long total = started.getLong("rows_total");
    Long liveMid = null;
    long rssMax = 0;
    long usedMax = 0;
    JsonObject now;
    List<Double> loads = new ArrayList<>();
    List<Object> progress = new ArrayList<>();
    long polls = 0;
    long t0 = System.nanoTime();
    do {
      Thread.sleep(500);
      now = call(base, "GET", s + "/segment-exports/" + id, key, null);
      if (polls % 20 == 0) {
        progress.add(new JsonObject().put("s", Math.round((System.nanoTime() - t0) / 1e9))
            .put("progress", now.getValue("progress")).put("rows_written", now.getValue("rows_written")));
      }
      rssMax = Math.max(rssMax, rssKb(pid));
      if (++polls % 20 == 0) {
        loads.add(load());
        usedMax = Math.max(usedMax, usedHeap(pid));
      }
      if (liveMid == null && now.getLong("rows_written") >= total / 2 && "running".equals(now.getString("status"))) {
        liveMid = liveHeap(pid);
      }
    } while ("running".equals(now.getString("status")));
    if (!"completed".equals(now.getString("status"))) {
      throw new IllegalStateException("export ended " + now.encode());
    }
    double seconds = Duration.between(Instant.parse(now.getString("created_at")),
        Instant.parse(now.getString("completed_at"))).toMillis() / 1000.0;
    long liveAfter = liveHeap(pid);
    JsonObject result = new JsonObject().put("format", format).put("rows", now.getLong("rows_written"))
        .put("seconds", seconds).put("rows_per_s", Math.round(now.getLong("rows_written") / seconds))
        .put("file_mb", Math.round(now.getLong("file_bytes") / 1e5) / 10.0)
        .put("live_heap_mb_before", liveBefore / 1024 / 1024)
        .put("live_heap_mb_at_half", liveMid == null ? null : liveMid / 1024 / 1024)
        .put("live_heap_mb_after", liveAfter / 1024 / 1024)
        .put("heap_used_mb_max", usedMax / 1024 / 1024)
        .put("rss_mb_max", rssMax / 1024)
        .put("load_before", load0).put("load_during", loads).put("load_after", load())
        .put("progress_seen", progress);
    if (mailDir != null) {
      String link = awaitLink(mailDir, id);
      // when the server handed the email to the SMTP server (its emailed_at), after completed_at
      JsonObject mailed = call(base, "GET", s + "/segment-exports/" + id, key, null);
      result.put("email_after_completed_s", mailed.getString("emailed_at") == null ? null
          : Duration.between(Instant.parse(now.getString("completed_at")),
              Instant.parse(mailed.getString("emailed_at"))).toMillis() / 1000.0)
          .put("email_received", link != null);
      if (link != null) {
        result.put("link_absolute", link.startsWith("http"));
        link = link.startsWith("http") ? link : base + link;
        JsonObject d = download(link, format);
        result.put("download", d).put("download_complete", d.getInteger("status") == 200
            && d.getLong("bytes").equals(now.getLong("file_bytes")) && d.getLong("lines") == total + 1);
        Files.writeString(linksFile, new JsonObject().put("export", id).put("format", format).put("url", link)
                .put("expires_at", now.getString("expires_at")).encode() + "\n",
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
    }
    System.out.println("RESULT " + result.encode());
  }

  /** Heap in use right after a full GC: what the server really holds. */
  static long liveHeap(String pid) throws Exception {
    run("jcmd", pid, "GC.run");
    return usedHeap(pid);
  }

  /** Heap in use now, garbage included (sampled every 10 s during an export: its peak occupancy). */
  static long usedHeap(String pid) throws Exception {
    String info = run("jcmd", pid, "GC.heap_info");
    // "garbage-first heap   total 262144K, used 123456K [...]"
    for (String line : info.split("\n")) {
      int used = line.indexOf(" used ");
      if (line.contains("heap") && line.contains("total") && used > 0) {
        String n = line.substring(used + 6).trim();
        return Long.parseLong(n.substring(0, n.indexOf('K'))) * 1024;
      }
    }
    throw new IllegalStateException("no heap line in: " + info);
  }

  static long rssKb(String pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  static double load() throws Exception {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
    return out;
  }

  static JsonObject call(String base, String method, String path, String key, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }
}
