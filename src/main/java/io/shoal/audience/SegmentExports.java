package io.shoal.audience;

import io.shoal.db.DatabaseUnavailable;
import io.shoal.delivery.StaffMail;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports of a segment's members as CSV or XLSX, streamed page by page to a file and sent as a
 * link by email. Owns the table {@code segment_exports} and the files under
 * {@code $SHOAL_DATA_DIR/exports}.
 *
 * <pre>
 *   POST .../exports -> more than SHOAL_EXPORTS_MAX_RUNNING running here? 503 exports_busy + Retry-After
 *                    -> row 'running' (rows_total = member count) -> 202
 *     loop: next {@value #PAGE} member ids (keyset) -> their details -> rows to the file (worker)
 *           -> rows_written (the progress a client polls)
 *   file closed -> token (only its hash is kept), expires_at = now + TTL -> 'completed'
 *     -> email with the link (the store's email channel) -> emailed_at
 *   completed, unexpired, no emailed_at (a crash or a failed send after completion): at start
 *     and by the 30 s sweep, a fresh token (its hash added to link_hashes) mailed again
 *   after expires_at: the link answers 410 and the file is deleted ('expired')
 *   any failure -> 'failed' with the reason, the partial file deleted; a database that is away
 *     (stopped, unreachable, no pool connection within the timeout) is named as the reason, and
 *     the 'failed' write is retried until the database takes it
 * </pre>
 * A page costs a fixed number of statements whatever its size (see {@link #writePages}); what a
 * running export holds is one page. The pages are read on the exports' own connections
 * ({@link Pages}): however many exports run, the API's pool is left to the API.
 * An export running when the server stops is marked failed at the next start (ask again).
 */
public final class SegmentExports {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentExports.class);
  static final int PAGE = 1_000;
  private static final long FAIL_RETRY_MS = 2_000;
  private static final int FAIL_RETRIES = 300;
  private static final String COLUMNS = "store_id, id, segment_id, format, email, recommendations, status,"
      + " rows_total, rows_written, file_bytes, error, created_at, completed_at, expires_at, emailed_at";

  /** Seconds a client refused with {@code exports_busy} is told to wait: an export runs minutes. */
  static final int BUSY_RETRY_AFTER_SECONDS = 30;

  /**
   * What a running export reads its pages with, all on the exports' own pool: the member ids,
   * their details, and the progress update.
   */
  public record Pages(Pool pool, SegmentRepository segments, MemberDetails details) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Pages pages;
  private final SegmentRepository segments;
  private final StaffMail mail;
  private final Path dir;
  private final long ttlSeconds;
  private final int maxRunning;
  /** The public URL, or this server's: the base of the emailed link. */
  private final Supplier<String> publicUrl;
  /** Exports running on this node (from the POST until the file is written or the export failed). */
  private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
  /** Kafka mode: each file also goes to segment_export_chunks, for the nodes that do not have it. */
  private volatile boolean shared;
  /** This node's id in Kafka mode (the runner of its exports), null embedded. */
  private volatile String nodeId;

  /** How much of a file one row of segment_export_chunks holds. */
  static final int CHUNK = 1 << 20;

  public SegmentExports(Vertx vertx, Pool pool, Pages pages, SegmentRepository segments, StaffMail mail,
                        Path dir, long ttlSeconds, int maxRunning, Supplier<String> publicUrl) {
    this.vertx = vertx;
    this.pool = pool;
    this.pages = pages;
    this.segments = segments;
    this.mail = mail;
    this.dir = dir;
    this.ttlSeconds = ttlSeconds;
    this.maxRunning = maxRunning;
    this.publicUrl = publicUrl;
  }

  /**
   * Kafka mode: a download link may be followed on any node, so each file is also stored in
   * PostgreSQL ({@code segment_export_chunks}) before the export completes, and a node without
   * the file sends it from there.
   */
  public SegmentExports sharedAcrossNodes(String nodeId) {
    this.shared = true;
    this.nodeId = nodeId;
    return this;
  }

  /** Exports whose email is being sent by this process (the sweep leaves them alone). */
  private final java.util.Set<String> mailing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * At start: exports a stop interrupted are failed, completed ones never mailed are mailed;
   * then every 30 s expired files are swept and unmailed exports retried.
   */
  public Future<Void> start() {
    vertx.setPeriodic(30_000, t -> {
      sweep();
      mailUnmailed(30);
    });
    // Kafka mode: only this node's own (another node's running exports are running)
    return pool.preparedQuery("UPDATE segment_exports SET status = 'failed', error = 'interrupted by a restart; ask again'"
        + " WHERE status = 'running' AND node_id IS NOT DISTINCT FROM $1").execute(Tuple.of(nodeId))
        .onSuccess(v -> mailUnmailed(0))
        .mapEmpty();
  }

  /**
   * Mails again the completed, unexpired exports whose email was never handed to the provider
   * (a crash between completion and the email, or a provider that refused), completed more
   * than {@code minAgeSeconds} ago: each with a fresh link, whose token's hash is added to the
   * valid ones (a link mailed just before a crash keeps working).
   */
  void mailUnmailed(int minAgeSeconds) {
    pool.preparedQuery("SELECT e.store_id, e.id, e.segment_id, e.email, e.expires_at FROM segment_exports e"
            + " WHERE e.status = 'completed' AND e.emailed_at IS NULL AND e.expires_at > clock_timestamp()"
            + " AND e.completed_at <= clock_timestamp() - make_interval(secs => $1)"
            // Kafka mode: each node re-mails only the exports it ran (two nodes would both mail one)
            + " AND e.node_id IS NOT DISTINCT FROM $2 ORDER BY e.completed_at LIMIT 100")
        .execute(Tuple.of((double) minAgeSeconds, nodeId))
        .onSuccess(rows -> rows.forEach(r -> {
          String storeId = r.getString("store_id");
          String id = r.getString("id");
          if (!mailing.add(id)) {
            return;
          }
          String token = Ids.random(40);
          JsonObject link = new JsonObject().put("url", link(storeId, id, token))
              .put("expires_at", Wire.time(r.getOffsetDateTime("expires_at")));
          pool.preparedQuery("UPDATE segment_exports SET link_hashes = array_append(link_hashes, $3)"
                  + " WHERE store_id = $1 AND id = $2 AND emailed_at IS NULL")
              .execute(Tuple.of(storeId, id, sha256(token)))
              .compose(v -> segments.get(storeId, r.getString("segment_id")).otherwise((SegmentDefinition) null))
              .compose(def -> mail(storeId, id, r.getString("email"), def == null ? r.getString("segment_id")
                  : def.name(), r.getString("segment_id"), link))
              .onComplete(ar -> mailing.remove(id));
        }))
        .onFailure(e -> LOG.warn("could not look for unmailed exports: {}", e.getMessage()));
  }

  /** Sends the link; emailed_at on success, the reason in error otherwise (retried by the sweep). */
  private Future<Void> mail(String storeId, String id, String to, String segmentName, String segmentId,
                            JsonObject link) {
    return mail.send(storeId, to, "Your export of segment " + segmentName + " is ready",
            text(segmentName, segmentId, link), null)
        .compose(sent -> pool.preparedQuery("UPDATE segment_exports SET emailed_at = clock_timestamp(), error = NULL"
                + " WHERE store_id = $1 AND id = $2").execute(Tuple.of(storeId, id)).<Void>mapEmpty())
        .recover(e -> pool.preparedQuery("UPDATE segment_exports SET error = $3 WHERE store_id = $1 AND id = $2")
            .execute(Tuple.of(storeId, id, "the email was not sent (retried): " + e.getMessage())).mapEmpty());
  }

  /**
   * Starts an export of the segment's members; answers it as created (status running), or 503
   * {@code exports_busy} when {@code SHOAL_EXPORTS_MAX_RUNNING} already run here.
   */
  public Future<JsonObject> start(SegmentDefinition def, String format, String email, int recommendations) {
    if (running.incrementAndGet() > maxRunning) {
      running.decrementAndGet();
      return Future.failedFuture(DomainException.busy("exports_busy", maxRunning
          + " exports are running on this server, the most it runs at once (SHOAL_EXPORTS_MAX_RUNNING);"
          + " ask again in " + BUSY_RETRY_AFTER_SECONDS + " s", BUSY_RETRY_AFTER_SECONDS));
    }
    String id = Ids.newId("sexp");
    return segments.countMembers(def.storeId(), def.id())
        .compose(total -> pool.preparedQuery("INSERT INTO segment_exports (store_id, id, segment_id, format, email,"
                + " recommendations, rows_total, node_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
            .execute(Tuple.of(def.storeId(), id, def.id(), format, email, recommendations, total, nodeId)))
        .onFailure(e -> running.decrementAndGet())
        .map(rows -> {
          run(def, id, format, email, recommendations);
          return render(rows.iterator().next());
        });
  }

  public Future<JsonObject> get(String storeId, String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM segment_exports WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw DomainException.notFound("segment export", id);
          }
          return render(rows.iterator().next());
        });
  }

  /** Sends the file to a holder of the emailed link while it has not expired. */
  public Future<Void> download(String storeId, String id, String token, HttpServerResponse response) {
    return pool.preparedQuery("SELECT segment_id, format, status, token_hash, link_hashes, file_bytes,"
            + " expires_at > clock_timestamp() AS live FROM segment_exports WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw DomainException.notFound("segment export", id);
          }
          Row r = rows.iterator().next();
          byte[] given = sha256(token).getBytes(StandardCharsets.US_ASCII);
          boolean valid = false;
          List<String> hashes = new ArrayList<>(List.of(r.getArrayOfStrings("link_hashes")));
          hashes.add(r.getString("token_hash"));
          for (String hash : hashes) {
            valid |= hash != null && MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), given);
          }
          if (!valid) {
            throw DomainException.forbidden("this download link is not valid");
          }
          if (!"completed".equals(r.getString("status")) || !Boolean.TRUE.equals(r.getBoolean("live"))) {
            throw new DomainException(410, "invalid_request_error", "export_expired",
                "this download link has expired; ask for a new export", null);
          }
          String format = r.getString("format");
          Path file = file(storeId, id, format);
          return vertx.executeBlocking(() -> Files.exists(file), false).compose(here -> {
            response
                .putHeader("Content-Type", "xlsx".equals(format)
                    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
                .putHeader("Content-Disposition", "attachment; filename=\"" + r.getString("segment_id") + "." + format
                    + "\"")
                .putHeader("Cache-Control", "no-store");
            if (here) {
              return response.sendFile(file.toString());
            }
            // written on another node (Kafka mode): the copy in PostgreSQL
            response.putHeader("Content-Length", String.valueOf(r.getLong("file_bytes")));
            Promise<Void> sent = Promise.promise();
            sendChunks(storeId, id, 0, response, sent);
            return sent.future();
          });
        });
  }

  /** Sends chunk n and the ones after it, one read at a time, waiting for the client to drain. */
  private void sendChunks(String storeId, String id, int n, HttpServerResponse response, Promise<Void> sent) {
    pool.preparedQuery("SELECT data FROM segment_export_chunks WHERE store_id = $1 AND export_id = $2 AND n = $3")
        .execute(Tuple.of(storeId, id, n))
        .onFailure(e -> {
          if (!response.headWritten()) {
            sent.fail(e); // answered as the database's error
          } else {
            response.reset();
            sent.tryComplete();
          }
        })
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            if (n == 0) {
              sent.fail(new DomainException(410, "invalid_request_error", "export_expired",
                  "this export's file is gone; ask for a new export", null));
              return;
            }
            response.end().onComplete(ar -> sent.tryComplete());
            return;
          }
          response.write(rows.iterator().next().getBuffer(0));
          if (response.writeQueueFull()) {
            response.drainHandler(v -> sendChunks(storeId, id, n + 1, response, sent));
          } else {
            sendChunks(storeId, id, n + 1, response, sent);
          }
        });
  }

  /** Kafka mode: copies the file into segment_export_chunks, a chunk at a time. */
  private Future<Void> storeChunks(String storeId, String id, Path file) {
    if (!shared) {
      return Future.succeededFuture();
    }
    Promise<Void> stored = Promise.promise();
    storeChunk(storeId, id, file, 0, stored);
    return stored.future();
  }

  private void storeChunk(String storeId, String id, Path file, int n, Promise<Void> stored) {
    vertx.executeBlocking(() -> {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(CHUNK);
        ch.position((long) n * CHUNK);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill the chunk
        }
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return bytes;
      }
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        stored.fail(ar.cause());
      } else if (ar.result().length == 0 && n > 0) {
        stored.complete();
      } else {
        // the export's own connections: a 100 MB file is a hundred statements
        pages.pool().preparedQuery("INSERT INTO segment_export_chunks (store_id, export_id, n, data) VALUES ($1, $2, $3, $4)"
                + " ON CONFLICT (store_id, export_id, n) DO UPDATE SET data = EXCLUDED.data")
            .execute(Tuple.of(storeId, id, n, Buffer.buffer(ar.result())))
            .onFailure(stored::fail)
            .onSuccess(v -> {
              if (ar.result().length < CHUNK) {
                stored.complete();
              } else {
                storeChunk(storeId, id, file, n + 1, stored);
              }
            });
      }
    });
  }

  // --- the run ---------------------------------------------------------------------------------

  private void run(SegmentDefinition def, String id, String format, String email, int recommendations) {
    String storeId = def.storeId();
    Path file = file(storeId, id, format);
    List<Object> header = new ArrayList<>(MemberDetails.COLUMNS);
    for (int i = 1; i <= recommendations; i++) {
      header.add("product_" + i);
    }
    vertx.executeBlocking(() -> {
          Files.createDirectories(dir);
          ExportSink sink = ExportSink.open(format, file);
          sink.row(header);
          return sink;
        }, false)
        .compose(sink -> writePages(sink, def, id, recommendations)
            .compose(written -> vertx.executeBlocking(() -> {
              sink.close();
              return Files.size(file);
            }, false))
            .compose(bytes -> storeChunks(storeId, id, file).map(bytes))
            .onFailure(e -> vertx.executeBlocking(() -> {
              sink.close();
              return null;
            }, false)))
        .onComplete(ar -> running.decrementAndGet())
        .compose(bytes -> {
          String token = Ids.random(40);
          return pool.preparedQuery("UPDATE segment_exports SET status = 'completed', file_bytes = $3,"
                  + " token_hash = $4, completed_at = clock_timestamp(),"
                  + " expires_at = clock_timestamp() + make_interval(secs => $5)"
                  + " WHERE store_id = $1 AND id = $2 RETURNING expires_at")
              .execute(Tuple.of(storeId, id, bytes, sha256(token), (double) ttlSeconds))
              .map(rows -> new JsonObject().put("url", link(storeId, id, token))
                  .put("expires_at", Wire.time(rows.iterator().next().getOffsetDateTime("expires_at"))));
        })
        .compose(link -> {
          mailing.add(id);
          return mail(storeId, id, email, def.name(), def.id(), link).onComplete(ar -> mailing.remove(id));
        })
        .onFailure(e -> {
          String reason = failureReason(e);
          if (DatabaseUnavailable.is(e)) {
            LOG.warn("export {} of segment {} failed: {}", id, def.id(), reason);
          } else {
            LOG.warn("export {} of segment {} failed", id, def.id(), e);
          }
          markFailed(storeId, id, reason, 0);
          vertx.executeBlocking(() -> Files.deleteIfExists(file), false);
        });
  }

  /**
   * Writes every member, page after page, and answers how many rows were written. Each page is
   * requested from the previous one's callback and one promise completes at the end: a chain of
   * composed futures, one per page, would keep every page's ids until the last one (a million
   * ids held) and unwind recursively at the end.
   *
   * <p>Statements per page, whatever its size: the member ids (one keyset query), their profiles
   * and their segments (one query each, {@code = ANY}), their metrics (one request per evaluator
   * partition; a partition reads the members it does not hold with one query), the progress
   * (one update). No query per member: reading each member on its own ran the pool dry at
   * 1,000,000 members.
   */
  private Future<Long> writePages(ExportSink sink, SegmentDefinition def, String id, int recommendations) {
    Promise<Long> done = Promise.promise();
    nextPage(sink, def, id, null, recommendations, 0, done);
    return done.future();
  }

  private void nextPage(ExportSink sink, SegmentDefinition def, String id, String after, int recommendations,
                        long written, Promise<Long> done) {
    String storeId = def.storeId();
    String[] last = {null};
    int[] read = {0};
    pages.segments().members(storeId, def.id(), after, PAGE)
        .compose(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(r -> ids.add(r.getString("customer_id")));
          read[0] = ids.size();
          if (ids.isEmpty()) {
            return Future.succeededFuture(written);
          }
          last[0] = ids.get(ids.size() - 1);
          return pages.details().of(storeId, ids, recommendations)
              .compose(list -> vertx.executeBlocking(() -> {
                for (JsonObject d : list) {
                  sink.row(cells(d, recommendations));
                }
                return list.size();
              }, false))
              .compose(n -> pages.pool().preparedQuery("UPDATE segment_exports SET rows_written = $3"
                      + " WHERE store_id = $1 AND id = $2")
                  .execute(Tuple.of(storeId, id, written + n)).map(written + n));
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            done.fail(ar.cause());
          } else if (read[0] < PAGE) {
            done.complete(ar.result());
          } else {
            nextPage(sink, def, id, last[0], recommendations, ar.result(), done);
          }
        });
  }

  /**
   * Why an export failed, as its {@code error} says it: a database that was away (stopped,
   * unreachable, every pool connection busy) is named as such, so the reader knows to ask again.
   */
  static String failureReason(Throwable e) {
    String detail = String.valueOf(e.getMessage());
    return DatabaseUnavailable.is(e)
        ? "the database was unavailable while exporting (" + detail + "); ask for a new export"
        : "the export failed: " + detail;
  }

  /**
   * Records the export as failed. When the database itself is what failed, the write is tried
   * again every {@value #FAIL_RETRY_MS} ms until it lands (at most {@value #FAIL_RETRIES} times;
   * an export still 'running' at the next start is failed then anyway).
   */
  private void markFailed(String storeId, String id, String reason, int attempt) {
    pool.preparedQuery("UPDATE segment_exports SET status = 'failed', error = $3"
            + " WHERE store_id = $1 AND id = $2 AND status = 'running'")
        .execute(Tuple.of(storeId, id, reason))
        .onFailure(e -> {
          if (attempt < FAIL_RETRIES && DatabaseUnavailable.retryable(e)) {
            vertx.setTimer(FAIL_RETRY_MS, t -> markFailed(storeId, id, reason, attempt + 1));
          } else {
            LOG.error("export {} could not be marked failed ({}): {}", id, reason, e.getMessage());
          }
        });
  }

  static List<Object> cells(JsonObject d, int recommendations) {
    List<Object> cells = new ArrayList<>(MemberDetails.COLUMNS.size() + recommendations);
    for (String c : MemberDetails.COLUMNS) {
      if (c.equals("segments")) {
        List<String> ids = new ArrayList<>();
        d.getJsonArray("segments").forEach(s -> ids.add(((JsonObject) s).getString("id")));
        cells.add(String.join(";", ids));
      } else {
        cells.add(d.getValue(c));
      }
    }
    var products = d.getJsonArray("recommended_products");
    for (int i = 0; i < recommendations; i++) {
      cells.add(i < products.size() ? products.getString(i) : null);
    }
    return cells;
  }

  private String text(String segmentName, String segmentId, JsonObject link) {
    return "The export of segment \"" + segmentName + "\" (" + segmentId + ") is ready:\n\n"
        + link.getString("url") + "\n\nThe link works until " + link.getString("expires_at")
        + " (" + (ttlSeconds / 60 > 0 ? ttlSeconds / 60 + " minutes" : ttlSeconds + " seconds")
        + " after the export completed). After that ask for a new export.\n";
  }

  private String link(String storeId, String id, String token) {
    return publicUrl.get() + "/v1/stores/" + storeId + "/segment-exports/" + id + "/download?token=" + token;
  }

  private Path file(String storeId, String id, String format) {
    return dir.resolve(storeId + "_" + id + "." + format);
  }

  /** Completed exports past their expiry: status expired, file deleted. */
  void sweep() {
    pool.query("WITH e AS (UPDATE segment_exports SET status = 'expired' WHERE status = 'completed'"
            + " AND expires_at <= clock_timestamp() RETURNING store_id, id, format),"
            + " c AS (DELETE FROM segment_export_chunks k USING e WHERE k.store_id = e.store_id AND k.export_id = e.id)"
            + " SELECT store_id, id, format FROM e").execute()
        .onSuccess(rows -> rows.forEach(r -> {
          Path f = file(r.getString("store_id"), r.getString("id"), r.getString("format"));
          vertx.executeBlocking(() -> Files.deleteIfExists(f), false);
        }));
  }

  private static JsonObject render(Row r) {
    long total = r.getLong("rows_total");
    long written = r.getLong("rows_written");
    String status = r.getString("status");
    return new JsonObject()
        .put("object", "segment_export")
        .put("id", r.getString("id"))
        .put("segment_id", r.getString("segment_id"))
        .put("format", r.getString("format"))
        .put("email", r.getString("email"))
        .put("recommendations", r.getInteger("recommendations"))
        .put("status", status)
        .put("rows_total", total)
        .put("rows_written", written)
        .put("progress", "completed".equals(status) || "expired".equals(status) ? 1.0
            : total == 0 ? 0.0 : Math.min(1.0, Math.round(1000.0 * written / total) / 1000.0))
        .put("file_bytes", r.getLong("file_bytes"))
        .put("error", r.getString("error"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("completed_at", Wire.time(r.getOffsetDateTime("completed_at")))
        .put("expires_at", Wire.time(r.getOffsetDateTime("expires_at")))
        .put("emailed_at", Wire.time(r.getOffsetDateTime("emailed_at")));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
