package io.shoal.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the {@code log} adapter puts what it would have sent, one JSON file per message under
 * {@code $SHOAL_DATA_DIR/outbox}. Files, not log lines, because a message holds personal data
 * (address, name, rendered content) and an erasure must be able to take it back: the log gets
 * only the message id and the file's name, and {@link #erase} deletes a person's files.
 */
public final class Outbox {

  private final Vertx vertx;
  private final Path dir;

  public Outbox(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  public Path file(String messageId) {
    return dir.resolve(messageId + ".json");
  }

  public Future<Path> write(String messageId, JsonObject message) {
    FileSystem fs = vertx.fileSystem();
    Path file = file(messageId);
    // written aside and moved into place, so a reader never sees a half-written file
    Path partial = dir.resolve(messageId + ".json.partial");
    return fs.mkdirs(dir.toString())
        .compose(v -> fs.writeFile(partial.toString(), Buffer.buffer(message.encodePrettily())))
        .compose(v -> fs.move(partial.toString(), file.toString(),
            new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
        .map(file);
  }

  /** Deletes the files of these messages, where there are any; answers how many went. */
  public Future<Integer> erase(List<String> messageIds) {
    FileSystem fs = vertx.fileSystem();
    List<Future<Boolean>> deletions = new ArrayList<>(messageIds.size());
    for (String id : messageIds) {
      String file = file(id).toString();
      deletions.add(fs.exists(file).compose(exists -> exists ? fs.delete(file).map(true) : Future.succeededFuture(false)));
    }
    return Future.all(deletions).map(all -> {
      int n = 0;
      for (Future<Boolean> d : deletions) {
        n += d.result() ? 1 : 0;
      }
      return n;
    });
  }
}
