package io.shoal.metrics.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.segment.rule.Field;
import io.shoal.segment.rule.Fields;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The metric fields the evaluator re-tests on a metrics change are exactly the rule language's METRIC fields. */
class LiveMetricsFieldsTest {

  @Test
  void metricFieldsAreTheRuleLanguagesMetricFields() {
    Set<String> declared = Fields.declared().stream()
        .filter(f -> f.source() == Field.Source.METRIC).map(Field::name).collect(Collectors.toSet());
    assertEquals(declared, LiveMetrics.FIELDS);
  }
}
