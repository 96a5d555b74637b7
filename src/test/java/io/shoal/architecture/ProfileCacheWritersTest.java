package io.shoal.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GET of a customer answers from io.shoal.customer.ProfileCache, which is never stale only if
 * every transaction changing what a get shows tells it (see its class comment). This guards the
 * list of writers: a class holding SQL that writes {@code customers} or {@code customer_eval_state}
 * refers to ProfileCache, or is named below with the reason it need not.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProfileCacheWritersTest {

  private static final Pattern WRITE = Pattern.compile(
      "(?i)\\b(insert\\s+into|update|delete\\s+from|truncate(\\s+table)?|copy)\\s+(only\\s+)?(customers|customer_eval_state)\\b");
  private static final String CACHE = "io/shoal/customer/ProfileCache";
  private static final Map<String, String> EXEMPT = Map.of(
      "io.shoal.customer.CustomerAggregates",
      "its statement runs only in the evaluator's batch, whose EvaluationStore names every customer of the batch");

  @Test
  void everyWriterOfWhatAGetShowsTellsTheCache() throws IOException {
    Set<String> writers = new TreeSet<>();
    List<String> silent = new ArrayList<>();
    try (Stream<Path> files = Files.walk(TableOwnershipTest.CLASSES.resolve("io/shoal"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        byte[] bytes = Files.readAllBytes(p);
        if (TableOwnershipTest.stringConstants(bytes).stream().noneMatch(s -> WRITE.matcher(s).find())) {
          continue;
        }
        String name = TableOwnershipTest.CLASSES.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        writers.add(name);
        if (!new String(bytes, StandardCharsets.ISO_8859_1).contains(CACHE) && !EXEMPT.containsKey(name)) {
          silent.add(name);
        }
      }
    }
    // guards the scan itself: the known writers are found
    assertTrue(writers.containsAll(List.of("io.shoal.customer.CustomerRepository", "io.shoal.customer.ProfileEdits",
        "io.shoal.segment.eval.EvaluationStore", "io.shoal.customer.CustomerAggregates")), writers::toString);
    assertTrue(silent.isEmpty(), "classes writing customers or customer_eval_state without telling ProfileCache"
        + " (a cached GET would answer their change late or never): " + silent);
  }
}
