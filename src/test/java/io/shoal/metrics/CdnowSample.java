package io.shoal.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CDNOW test files (see src/test/resources/cdnow/README.md), read for the metrics tests. */
public final class CdnowSample {

  /** End of the papers' calibration period: the first 39 weeks of 1997, to 1997-09-30 inclusive. */
  public static final String CALIBRATION_END = "1997-09-30T23:59:59.999Z";

  /** One line of CDNOW_sample.txt: the sample id, when (noon UTC of its date) and the dollars. */
  public record Purchase(String customer, long at, String dollars) {}

  private CdnowSample() {}

  public static List<Purchase> purchases() {
    List<Purchase> out = new ArrayList<>();
    for (String line : lines("/cdnow/CDNOW_sample.txt")) {
      String[] f = line.trim().split("\\s+");
      long at = LocalDate.parse(f[2], DateTimeFormatter.BASIC_ISO_DATE).atTime(12, 0).toInstant(ZoneOffset.UTC)
          .toEpochMilli();
      out.add(new Purchase(Integer.toString(Integer.parseInt(f[1])), at, f[4]));
    }
    return out;
  }

  /** The published calibration summary: id -> (x, t_x, T, zbar). */
  public static Map<String, double[]> summary() {
    Map<String, double[]> out = new LinkedHashMap<>();
    List<String> lines = lines("/cdnow/cdnow_customers_summary_with_transactions.csv");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      out.put(f[0], new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4])});
    }
    return out;
  }

  private static List<String> lines(String resource) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        CdnowSample.class.getResourceAsStream(resource), StandardCharsets.US_ASCII))) {
      List<String> out = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
