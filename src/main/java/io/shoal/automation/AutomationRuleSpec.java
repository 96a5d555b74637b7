package io.shoal.automation;

import io.shoal.event.EventParser;
import io.shoal.kernel.DomainException;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.Field;
import io.shoal.segment.rule.Fields;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.rule.RuleException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An automation rule's definition, checked: the trigger, the compiled conditions, the actions,
 * re-entry and frequency caps. Every problem is a 400 naming the offending parameter
 * ({@code actions[1].delay}, {@code conditions[0]}, ...). Pure: no database, no Vert.x.
 */
public record AutomationRuleSpec(String triggerEvent, String segmentId, DateTrigger dateTrigger,
                                 CompiledRule conditions, boolean readsCustomer, List<Action> actions,
                                 ReEntry reEntry, List<FrequencyCap> caps) {

  public static final String SEGMENT_ENTERED = "customer.segment.entered";
  public static final String SEGMENT_LEFT = "customer.segment.left";
  public static final String DATE_PROPERTY = "date_property";
  static final int MAX_ACTIONS = 20;
  private static final Pattern CUSTOM_TYPE = Pattern.compile("custom\\.[a-z0-9_][a-z0-9_.-]{0,63}");
  private static final Map<String, String> CHANNELS = Map.of("send_email", "email", "send_sms", "sms",
      "send_push", "push", "send_direct_mail", "direct_mail");
  private static final Set<String> ACTION_TYPES = Set.of("send_email", "send_sms", "send_push", "send_direct_mail",
      "add_tag", "remove_tag", "add_to_segment", "remove_from_segment", "update_customer", "call_webhook");
  private static final Set<String> UPDATABLE = CustomerRow.UPDATABLE;
  private static final Set<String> DATE_FIELDS = Set.of("created_at", "first_order_at", "last_order_at");

  /**
   * One action. {@code channel} is set for messages. {@code waitFor} is the wait-until: the
   * action runs only if no {@code waitFor} event (with the trigger's {@code waitMatch} key value,
   * when given) happened within {@code waitTimeout} of the trigger; it is due after the timeout
   * (plus {@code delay}).
   */
  public record Action(int index, String type, String channel, Duration delay, String waitFor, String waitMatch,
                       Duration waitTimeout, JsonObject json) {

    /** How long after the trigger the action is due. */
    public Duration dueAfter() {
      return (waitTimeout == null ? Duration.ZERO : waitTimeout).plus(delay);
    }
  }

  /**
   * N days before or after a customer's date field, at a local hour. {@code yearly}: every year
   * on the anniversary (birthdays), else once on that date.
   */
  public record DateTrigger(String field, int offsetDays, int hour, ZoneId zone, boolean yearly) {}

  /** Checks a whole rule definition (the stored one merged with a PATCH, or a new one). */
  public static AutomationRuleSpec of(JsonObject rule) {
    String trigger = rule.getValue("trigger_event") instanceof String s ? s : null;
    if (trigger == null || trigger.isBlank()) {
      throw DomainException.invalid("parameter_missing", "trigger_event is required: an event type such as"
          + " order.completed, cart.updated or custom.<name>, customer.segment.entered / left, or date_property",
          "trigger_event");
    }
    String segmentId = null;
    DateTrigger date = null;
    if (trigger.equals(SEGMENT_ENTERED) || trigger.equals(SEGMENT_LEFT)) {
      segmentId = rule.getValue("segment_id") instanceof String s && !s.isBlank() ? s : null;
      if (segmentId == null) {
        throw DomainException.invalid("parameter_missing", trigger + " needs segment_id: the segment to watch",
            "segment_id");
      }
    } else if (trigger.equals(DATE_PROPERTY)) {
      date = dateTrigger(rule.getValue("date_property"));
    } else if (!EventParser.BUILT_IN_TYPES.contains(trigger) && !CUSTOM_TYPE.matcher(trigger).matches()) {
      throw DomainException.invalidParam("trigger_event", "unknown trigger_event '" + trigger + "'; use an event type ("
          + String.join(", ", EventParser.BUILT_IN_TYPES.stream().sorted().toList()) + " or custom.<name>), "
          + SEGMENT_ENTERED + ", " + SEGMENT_LEFT + " or " + DATE_PROPERTY);
    }
    if (date == null && rule.getValue("date_property") != null) {
      throw DomainException.invalidParam("date_property", "date_property is only for trigger_event date_property");
    }
    if (segmentId == null && rule.getValue("segment_id") != null) {
      throw DomainException.invalidParam("segment_id", "segment_id is only for the " + SEGMENT_ENTERED + " and "
          + SEGMENT_LEFT + " triggers");
    }

    CompiledRule compiled = null;
    boolean readsCustomer = false;
    Object rawConditions = rule.getValue("conditions");
    if (rawConditions != null && !(rawConditions instanceof JsonArray)) {
      throw DomainException.invalidParam("conditions", "conditions must be an array of rules (all must hold)");
    }
    JsonArray conditions = (JsonArray) rawConditions;
    if (conditions != null && !conditions.isEmpty()) {
      try {
        compiled = RuleCompiler.compile(conditions, "conditions", TriggerFacts::field);
      } catch (RuleException e) {
        throw DomainException.invalidParam(e.path(), e.path() + ": " + e.getMessage());
      }
      for (String f : compiled.fieldsRead()) {
        if (f.equals("purchases") || f.startsWith("events:")) {
          throw DomainException.invalidParam("conditions", "bought and performed conditions are not available in"
              + " automation conditions; define a segment with them and test {\"field\": \"segments\","
              + " \"operator\": \"contains\", \"value\": \"seg_...\"}");
        }
        Field known = Fields.find(f);
        if (TriggerFacts.UNAVAILABLE.contains(f) || (known != null && known.source() == Field.Source.METRIC)) {
          throw DomainException.invalidParam("conditions", "field '" + f + "' is not available in automation"
              + " conditions; put it in a segment's rules and test {\"field\": \"segments\", \"operator\":"
              + " \"contains\", \"value\": \"seg_...\"}");
        }
        readsCustomer |= !TriggerFacts.isEventField(f);
      }
    }

    Object rawActions = rule.getValue("actions");
    if (!(rawActions instanceof JsonArray actionsJson) || actionsJson.isEmpty()) {
      throw DomainException.invalid("parameter_missing", "actions is required: a list of 1 to " + MAX_ACTIONS
          + " actions", "actions");
    }
    if (actionsJson.size() > MAX_ACTIONS) {
      throw DomainException.invalidParam("actions", "at most " + MAX_ACTIONS + " actions per rule");
    }
    List<Action> actions = new ArrayList<>();
    for (int i = 0; i < actionsJson.size(); i++) {
      actions.add(action(i, actionsJson.getValue(i)));
    }
    return new AutomationRuleSpec(trigger, segmentId, date, compiled, readsCustomer, List.copyOf(actions),
        reEntry(rule.getValue("re_entry")), caps(rule.getValue("frequency_caps")));
  }

  /** Segments this rule names (trigger and segment actions), for the API to check they exist. */
  public List<String> segmentIds() {
    List<String> ids = new ArrayList<>();
    if (segmentId != null) {
      ids.add(segmentId);
    }
    for (Action a : actions) {
      if (a.type.equals("add_to_segment") || a.type.equals("remove_from_segment")) {
        ids.add(a.json.getString("segment_id"));
      }
    }
    return ids;
  }

  /** Checks one action; {@code i} is its place in the rule's list. */
  static Action action(int i, Object raw) {
    String p = "actions[" + i + "]";
    if (!(raw instanceof JsonObject a)) {
      throw DomainException.invalidParam(p, p + " must be an object with a type");
    }
    String type = a.getValue("type") instanceof String s ? s : null;
    if (type == null || !ACTION_TYPES.contains(type)) {
      throw DomainException.invalidParam(p + ".type", p + ".type must be one of "
          + ACTION_TYPES.stream().sorted().toList() + "; got " + (type == null ? "nothing" : "'" + type + "'"));
    }
    Duration delay = Duration.ZERO;
    if (a.containsKey("delay") && a.getValue("delay") != null) {
      delay = Delay.parse(a.getValue("delay") instanceof String s ? s : null);
      if (delay == null) {
        throw DomainException.invalidParam(p + ".delay", p + ".delay must be " + Delay.describe() + "; got "
            + a.getValue("delay"));
      }
    }
    String waitFor = null;
    String waitMatch = null;
    Duration timeout = null;
    if (a.getValue("wait_until") != null) {
      if (!(a.getValue("wait_until") instanceof JsonObject w)) {
        throw DomainException.invalidParam(p + ".wait_until", p + ".wait_until must be {\"event\", \"match\", \"timeout\"}");
      }
      waitFor = w.getValue("event") instanceof String s ? s : null;
      if (waitFor == null || !(EventParser.BUILT_IN_TYPES.contains(waitFor) || CUSTOM_TYPE.matcher(waitFor).matches())) {
        throw DomainException.invalidParam(p + ".wait_until.event", p + ".wait_until.event must be an event type"
            + " such as order.completed; got " + w.getValue("event"));
      }
      if (w.getValue("match") != null && !(w.getValue("match") instanceof String m && m.matches("[A-Za-z0-9_.-]{1,64}"))) {
        throw DomainException.invalidParam(p + ".wait_until.match", p + ".wait_until.match must name a key of the"
            + " trigger's data, such as cart_id");
      }
      waitMatch = w.getString("match");
      timeout = Delay.parse(w.getValue("timeout") instanceof String s ? s : null);
      if (timeout == null) {
        throw DomainException.invalidParam(p + ".wait_until.timeout", p + ".wait_until.timeout is required: "
            + Delay.describe());
      }
    }
    String channel = CHANNELS.get(type);
    switch (type) {
      case "add_tag", "remove_tag" -> text(a, "tag", p, 100);
      case "add_to_segment", "remove_from_segment" -> text(a, "segment_id", p, 100);
      case "update_customer" -> {
        if (!(a.getValue("fields") instanceof JsonObject fields) || fields.isEmpty()) {
          throw DomainException.invalidParam(p + ".fields", p + ".fields is required: the profile fields to set, of "
              + UPDATABLE.stream().sorted().toList());
        }
        for (String k : fields.fieldNames()) {
          if (!UPDATABLE.contains(k)) {
            throw DomainException.invalidParam(p + ".fields." + k, "update_customer cannot set '" + k + "'; it sets "
                + UPDATABLE.stream().sorted().toList());
          }
        }
        if (fields.getValue("metadata") != null && !(fields.getValue("metadata") instanceof JsonObject)) {
          throw DomainException.invalidParam(p + ".fields.metadata", "metadata must be an object (merged into the customer's)");
        }
      }
      case "call_webhook" -> {
        String url = text(a, "url", p, 2048);
        try {
          URI uri = new URI(url);
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException();
          }
        } catch (Exception e) {
          throw DomainException.invalidParam(p + ".url", p + ".url must be an absolute http:// or https:// URL");
        }
        String secret = text(a, "secret", p, 200);
        if (secret.length() < 16) {
          throw DomainException.invalidParam(p + ".secret", p + ".secret must have at least 16 characters: it signs"
              + " each call (Shoal-Signature, as notification webhooks)");
        }
      }
      default -> {
        text(a, "template_id", p, 100);
        if (a.getValue("variables") != null && !(a.getValue("variables") instanceof JsonObject)) {
          throw DomainException.invalidParam(p + ".variables", p + ".variables must be an object");
        }
      }
    }
    return new Action(i, type, channel, delay, waitFor, waitMatch, timeout, a.copy());
  }

  private static String text(JsonObject a, String key, String p, int max) {
    if (!(a.getValue(key) instanceof String s) || s.isBlank() || s.length() > max) {
      throw DomainException.invalidParam(p + "." + key, p + "." + key + " is required: a non-empty string of at most "
          + max + " characters");
    }
    return s;
  }

  private static DateTrigger dateTrigger(Object raw) {
    if (!(raw instanceof JsonObject d)) {
      throw DomainException.invalid("parameter_missing", "date_property is required for this trigger:"
          + " {\"field\": \"metadata.birthday\", \"days_before\" | \"days_after\": N, \"hour\": 9,"
          + " \"timezone\": \"Europe/Paris\", \"yearly\": true}", "date_property");
    }
    String field = d.getValue("field") instanceof String s ? s : "";
    if (!DATE_FIELDS.contains(field) && !(field.startsWith("metadata.") && field.length() > 9 && field.length() <= 109)) {
      throw DomainException.invalidParam("date_property.field", "date_property.field must be created_at, first_order_at,"
          + " last_order_at or metadata.<key> (a YYYY-MM-DD date); got '" + field + "'");
    }
    if (d.containsKey("days_before") && d.containsKey("days_after")) {
      throw DomainException.invalidParam("date_property", "give days_before or days_after, not both");
    }
    int before = intIn(d, "days_before", 0, 365);
    int after = intIn(d, "days_after", 0, 365);
    int hour = intIn(d, "hour", 0, 23, 9);
    ZoneId zone;
    try {
      zone = ZoneId.of(d.getValue("timezone") instanceof String tz ? tz : "UTC");
    } catch (Exception e) {
      throw DomainException.invalidParam("date_property.timezone", "date_property.timezone must be an IANA zone such as"
          + " Europe/Paris; got " + d.getValue("timezone"));
    }
    Object yearly = d.getValue("yearly");
    if (yearly != null && !(yearly instanceof Boolean)) {
      throw DomainException.invalidParam("date_property.yearly", "date_property.yearly must be true or false");
    }
    return new DateTrigger(field, after - before, hour, zone, Boolean.TRUE.equals(yearly));
  }

  private static int intIn(JsonObject o, String key, int min, int max) {
    return intIn(o, key, min, max, 0);
  }

  private static int intIn(JsonObject o, String key, int min, int max, int def) {
    Object v = o.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw DomainException.invalidParam("date_property." + key, "date_property." + key + " must be a whole number from "
          + min + " to " + max);
    }
    return ((Number) v).intValue();
  }

  private static ReEntry reEntry(Object raw) {
    if (raw == null) {
      return ReEntry.EVERY_TIME;
    }
    if (!(raw instanceof JsonObject r) || !(r.getValue("policy") instanceof String policy)
        || !Set.of("every_time", "once", "once_per_days").contains(policy)) {
      throw DomainException.invalidParam("re_entry.policy", "re_entry must be {\"policy\": \"every_time\" | \"once\""
          + " | \"once_per_days\", \"days\": N}");
    }
    if (policy.equals("once_per_days")) {
      Object days = r.getValue("days");
      if (!(days instanceof Integer d) || d < 1 || d > 3650) {
        throw DomainException.invalidParam("re_entry.days", "re_entry.days must be a whole number from 1 to 3650"
            + " with once_per_days");
      }
      return new ReEntry(policy, d);
    }
    return new ReEntry(policy, 0);
  }

  private static List<FrequencyCap> caps(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray arr) || arr.size() > 4) {
      throw DomainException.invalidParam("frequency_caps", "frequency_caps must be a list of at most 4"
          + " {\"channel\", \"max\", \"per\"}");
    }
    List<FrequencyCap> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      String p = "frequency_caps[" + i + "]";
      if (!(arr.getValue(i) instanceof JsonObject c)) {
        throw DomainException.invalidParam(p, p + " must be {\"channel\", \"max\", \"per\"}");
      }
      String channel = c.getValue("channel") instanceof String s ? s : null;
      if (channel == null || !CHANNELS.containsValue(channel)) {
        throw DomainException.invalidParam(p + ".channel", p + ".channel must be email, sms, push or direct_mail");
      }
      if (!(c.getValue("max") instanceof Integer max) || max < 1 || max > 1000) {
        throw DomainException.invalidParam(p + ".max", p + ".max must be a whole number from 1 to 1000");
      }
      Duration per = Delay.parse(c.getValue("per") instanceof String s ? s : null);
      if (per == null || per.isZero()) {
        throw DomainException.invalidParam(p + ".per", p + ".per must be " + Delay.describe());
      }
      out.add(new FrequencyCap(channel, max, per));
    }
    return List.copyOf(out);
  }
}
