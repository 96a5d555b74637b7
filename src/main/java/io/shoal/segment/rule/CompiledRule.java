package io.shoal.segment.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A segment's rules, compiled once by {@link RuleCompiler} and then tested against customers as
 * often as events arrive. Immutable and safe to share between threads.
 *
 * <p>The evaluator's loop, per event and per segment whose {@link #fieldsRead()} the event
 * touched:
 *
 * <pre>
 *   event -> facts updated -> test(facts, now) -> membership change? -> (if isTimeDependent)
 *            schedule a re-check at nextFlip(facts, now), which needs no new event
 * </pre>
 *
 * <p>{@link #topLevel()} gives the rules of the top-level array one by one, for previews that
 * count how many customers each rule keeps.
 */
public final class CompiledRule {

  private final RuleNode root;
  private final List<CompiledRule> topLevel;
  private final Set<String> fieldsRead;
  private final List<RuleLeaf> leaves;
  private final String key;

  /** The whole array: all of its rules must hold; {@code keys} are the rules' canonical texts, in order. */
  CompiledRule(List<RuleNode> rules, List<String> keys) {
    this.root = new AllOf(null, rules);
    List<CompiledRule> parts = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      parts.add(new CompiledRule(rules.get(i), keys.get(i)));
    }
    this.topLevel = Collections.unmodifiableList(parts);
    this.fieldsRead = fieldsOf(root);
    this.leaves = leavesOf(root);
    this.key = "[" + String.join(",", keys) + "]";
  }

  /** One rule of the top-level array. */
  private CompiledRule(RuleNode rule, String key) {
    this.root = rule;
    this.topLevel = List.of(this);
    this.fieldsRead = fieldsOf(rule);
    this.leaves = leavesOf(rule);
    this.key = key;
  }

  private static List<RuleLeaf> leavesOf(RuleNode node) {
    Map<String, RuleLeaf> leaves = new LinkedHashMap<>();
    node.addLeaves(leaves);
    return List.copyOf(leaves.values());
  }

  private static Set<String> fieldsOf(RuleNode node) {
    Set<String> fields = new LinkedHashSet<>();
    node.addFieldsRead(fields);
    return Collections.unmodifiableSet(fields);
  }

  /**
   * Whether the customer matches, as of {@code now}. Relative times ({@code 90_days_ago},
   * within_last, behaviour windows) are measured back from {@code now}, never from the clock.
   */
  public boolean test(CustomerFacts customer, Instant now) {
    return root.test(customer, now);
  }

  /**
   * The fields this rule reads: names from {@link Fields} (e.g. {@code total_spent},
   * {@code metadata.source}), {@code purchases} for bought conditions and
   * {@code events:<type>} for performed conditions. A change to anything else cannot change
   * the answer.
   */
  public Set<String> fieldsRead() {
    return fieldsRead;
  }

  /**
   * The distinct conditions this rule is built of. Its answer is a function of theirs: while
   * none of them answers differently, neither does the rule.
   */
  public List<RuleLeaf> leaves() {
    return leaves;
  }

  /**
   * The rule's canonical text: its JSON with every object's keys sorted (an array for the whole,
   * one rule for a {@link #topLevel()} part). Rules compiled the same way (the same extra fields)
   * with equal keys answer alike for every customer and instant, so an evaluator holding many
   * segments can test a rule they share once per customer (a backfill pass does).
   */
  public String key() {
    return key;
  }

  /** Whether the answer can change with the passing of time alone. */
  public boolean isTimeDependent() {
    return root.isTimeDependent();
  }

  /**
   * The earliest instant strictly after {@code now} at which {@link #test} could answer
   * differently without new data; null if never. May be earlier than the real change (the
   * caller then re-checks and asks again), never later. For a single condition it is exact.
   */
  public Instant nextFlip(CustomerFacts customer, Instant now) {
    return root.isTimeDependent() ? root.nextFlip(customer, now) : null;
  }

  /**
   * The same for a caller that has just tested the rule: {@code holds} must be what
   * {@link #test} answered for the same customer and instant. Spares testing again what the
   * answer already says.
   */
  public Instant nextFlip(CustomerFacts customer, Instant now, boolean holds) {
    return root.isTimeDependent() ? root.nextFlip(customer, now, holds) : null;
  }

  /** Every rule's result for the customer, in the order written, and the overall answer. */
  public Explanation explain(CustomerFacts customer, Instant now) {
    List<Explanation.Check> checks = new ArrayList<>();
    boolean matches = root.explain(customer, now, checks);
    return new Explanation(matches, checks);
  }

  /**
   * The rules of the top-level array, in order, each testable on its own; their conjunction is
   * this rule. For one of them, the list of itself.
   */
  public List<CompiledRule> topLevel() {
    return topLevel;
  }
}
