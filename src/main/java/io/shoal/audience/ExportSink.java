package io.shoal.audience;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * Where an export's rows go, one at a time: a CSV or an XLSX file. Neither holds more than a
 * small window of rows in memory, so a million members export in constant heap. Blocking: call
 * only from a worker thread.
 */
public interface ExportSink extends AutoCloseable {

  void row(List<?> cells) throws IOException;

  /** Finishes the file; the sink is unusable afterwards. */
  @Override
  void close() throws IOException;

  static ExportSink open(String format, Path file) throws IOException {
    return "xlsx".equals(format) ? new Xlsx(file) : new Csv(file);
  }

  /**
   * RFC 4180 CSV in UTF-8. A text cell starting with {@code = + - @} (or tab, CR) gets a
   * leading apostrophe, so a spreadsheet opening the file never runs it as a formula.
   */
  final class Csv implements ExportSink {
    private final BufferedWriter out;

    Csv(Path file) throws IOException {
      this.out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
          1 << 16);
    }

    @Override
    public void row(List<?> cells) throws IOException {
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        Object v = cells.get(i);
        if (v == null) {
          continue;
        }
        if (v instanceof Number) {
          out.write(v.toString());
          continue;
        }
        String s = v.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
          s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
          out.write('"');
          out.write(s.replace("\"", "\"\""));
          out.write('"');
        } else {
          out.write(s);
        }
      }
      out.write("\r\n");
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * XLSX through Apache POI's streaming SXSSF workbook: rows beyond a window of
   * {@value #WINDOW} are flushed to a compressed temporary file, so memory stays flat however
   * many rows are written. Numbers are numeric cells, everything else text.
   */
  final class Xlsx implements ExportSink {
    static final int WINDOW = 100;
    /** A sheet holds at most 1,048,576 rows; further rows go on the next sheet. */
    static final int MAX_ROWS_PER_SHEET = 1_048_576;

    private final Path file;
    private final SXSSFWorkbook workbook;
    private SXSSFSheet sheet;
    private List<?> header;
    private int rowInSheet;
    private int sheets;

    Xlsx(Path file) {
      this.file = file;
      this.workbook = new SXSSFWorkbook(WINDOW);
      this.workbook.setCompressTempFiles(true);
    }

    @Override
    public void row(List<?> cells) throws IOException {
      if (header == null) {
        header = List.copyOf(cells.stream().map(String::valueOf).toList());
      }
      if (sheet == null || rowInSheet == MAX_ROWS_PER_SHEET) {
        sheet = workbook.createSheet(sheets == 0 ? "members" : "members " + (sheets + 1));
        sheets++;
        rowInSheet = 0;
        if (sheets > 1) {
          write(header);
        }
      }
      write(cells);
    }

    private void write(List<?> cells) {
      Row r = sheet.createRow(rowInSheet++);
      for (int i = 0; i < cells.size(); i++) {
        Object v = cells.get(i);
        if (v == null) {
          continue;
        }
        Cell c = r.createCell(i);
        if (v instanceof Number n) {
          c.setCellValue(n.doubleValue());
        } else {
          c.setCellValue(v.toString());
        }
      }
    }

    @Override
    public void close() throws IOException {
      try (OutputStream out = Files.newOutputStream(file)) {
        if (sheet == null) {
          workbook.createSheet("members");
        }
        workbook.write(out);
      } finally {
        workbook.close(); // also deletes the temporary files
      }
    }
  }
}
