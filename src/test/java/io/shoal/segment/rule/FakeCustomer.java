package io.shoal.segment.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory customer for rule tests: field values, purchases and events set by hand. */
final class FakeCustomer implements CustomerFacts {

  private final Map<String, Object> values = new HashMap<>();
  private final Map<String, Map<String, List<Instant>>> purchases = new HashMap<>();
  private final Map<String, List<Instant>> events = new HashMap<>();

  FakeCustomer set(String field, Object value) {
    values.put(field, value);
    return this;
  }

  /** Adds purchases of a product or category ({@code kind} product / category), kept ascending. */
  FakeCustomer bought(String kind, String id, Instant... times) {
    List<Instant> list = purchases.computeIfAbsent(kind, k -> new HashMap<>())
        .computeIfAbsent(id, k -> new ArrayList<>());
    list.addAll(Arrays.asList(times));
    list.sort(null);
    return this;
  }

  FakeCustomer performed(String type, Instant... times) {
    List<Instant> list = events.computeIfAbsent(type, k -> new ArrayList<>());
    list.addAll(Arrays.asList(times));
    list.sort(null);
    return this;
  }

  @Override
  public Object value(String field) {
    return values.get(field);
  }

  @Override
  public List<Instant> purchaseTimes(String kind, String id) {
    return purchases.getOrDefault(kind, Map.of()).getOrDefault(id, List.of());
  }

  @Override
  public List<Instant> eventTimes(String type) {
    return events.getOrDefault(type, List.of());
  }
}
