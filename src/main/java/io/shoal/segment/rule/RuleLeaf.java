package io.shoal.segment.rule;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One condition of a compiled rule (a field condition, {@code bought} or {@code performed}),
 * testable on its own. Equal conditions have equal {@link #key()}s wherever they are written, so
 * an evaluator holding many segments can test each distinct condition once per event and re-test
 * only the segments whose conditions changed their answer.
 */
public final class RuleLeaf {

  private final RuleNode node;
  private final String key;
  private final Set<String> fieldsRead;

  RuleLeaf(RuleNode node, String key) {
    this.node = node;
    this.key = key;
    Set<String> fields = new LinkedHashSet<>();
    node.addFieldsRead(fields);
    this.fieldsRead = Collections.unmodifiableSet(fields);
  }

  /** The condition's canonical text: its JSON with keys sorted. */
  public String key() {
    return key;
  }

  /** The fields it reads, as {@link CompiledRule#fieldsRead()} names them. */
  public Set<String> fieldsRead() {
    return fieldsRead;
  }

  public boolean isTimeDependent() {
    return node.isTimeDependent();
  }

  public boolean test(CustomerFacts customer, Instant now) {
    return node.test(customer, now);
  }

  /** As {@link CompiledRule#nextFlip}: exact for a condition; null if never or not time-dependent. */
  public Instant nextFlip(CustomerFacts customer, Instant now) {
    return node.isTimeDependent() ? node.nextFlip(customer, now) : null;
  }

  /** The same for a caller that knows whether it holds ({@link CompiledRule#nextFlip(CustomerFacts, Instant, boolean)}). */
  public Instant nextFlip(CustomerFacts customer, Instant now, boolean holds) {
    return node.isTimeDependent() ? node.nextFlip(customer, now, holds) : null;
  }

  @Override
  public String toString() {
    return key;
  }
}
