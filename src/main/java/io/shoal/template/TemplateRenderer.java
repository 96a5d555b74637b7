package io.shoal.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logic-less Mustache (jmustache) for message templates. {@link #compile} checks every part of
 * a template and names the first broken one with its line; the result renders any number of
 * times, from any thread.
 *
 * <p>What a template sees ({@link #context}): the customer profile at the top level
 * ({@code {{first_name}}}, {@code {{email}}}, {@code {{address.city}}}, {@code {{metadata.size}}}),
 * {@code metrics} ({@code {{metrics.total_spent}}}), the message's variables under {@code vars}
 * (a campaign's metadata, an automation's trigger: {@code {{vars.utm_campaign}}}), and
 * {@code unsubscribe_url}. A missing value renders as nothing. In {@code html} values are
 * HTML-escaped ({@code {{{raw}}}} does not escape); in subject, text and title they are not.
 * Partials ({@code {{> name}}}) are refused: a template is one self-contained document.
 */
public final class TemplateRenderer {

  private static final Pattern LINE = Pattern.compile("@ line (\\d+)");

  private static final Mustache.TemplateLoader NO_PARTIALS = name -> {
    throw new MustacheException("partials ({{> " + name + "}}) are not supported");
  };
  private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).defaultValue("")
      .withLoader(NO_PARTIALS);
  private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).defaultValue("")
      .withLoader(NO_PARTIALS);

  private TemplateRenderer() {}

  /** The rendered parts; those the template does not have are null. */
  public record Rendered(String subject, String html, String text, String title) {}

  /** A template ready to render. */
  public static final class Compiled {
    private final Template subject;
    private final Template html;
    private final Template text;
    private final Template title;

    private Compiled(Template subject, Template html, Template text, Template title) {
      this.subject = subject;
      this.html = html;
      this.text = text;
      this.title = title;
    }

    public Rendered render(Map<String, Object> context) {
      return new Rendered(run(subject, context), run(html, context), run(text, context), run(title, context));
    }

    private static String run(Template t, Map<String, Object> context) {
      return t == null ? null : t.execute(context);
    }
  }

  /** Compiles every part; the first that fails is a {@link TemplateException} naming it and its line. */
  public static Compiled compile(TemplateContent content) {
    return new Compiled(
        part("subject", content.subject(), PLAIN),
        part("html", content.html(), HTML),
        part("text", content.text(), PLAIN),
        part("title", content.title(), PLAIN));
  }

  private static Template part(String name, String source, Mustache.Compiler compiler) {
    if (source == null) {
      return null;
    }
    int unclosed = unclosedTag(source);
    if (unclosed >= 0) {
      String tag = source.substring(unclosed, Math.min(source.length(), unclosed + 30)).split("\\R", 2)[0];
      throw new TemplateException(name, lineAt(source, unclosed), "tag '" + tag + "' is not closed with }}");
    }
    try {
      Template t = compiler.compile(source);
      // Partials and some tag errors only surface when run: run once on an empty context.
      t.execute(Map.of());
      return t;
    } catch (MustacheException e) {
      return fail(name, source, e);
    }
  }

  private static Template fail(String name, String source, MustacheException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    Matcher m = LINE.matcher(message);
    int line = 0;
    if (m.find()) {
      line = Integer.parseInt(m.group(1));
      message = message.substring(0, m.start()).trim();
    } else if (message.contains("not supported")) {
      line = lineOf(source, "{{>");
    }
    throw new TemplateException(name, line, message);
  }

  /**
   * Where a {@code {{} opens a tag that no {@code }}} closes before the next tag opens, or -1.
   * jmustache keeps such text as it is, which would send "Hi {{first_name" to customers.
   */
  private static int unclosedTag(String source) {
    int open = source.indexOf("{{");
    while (open >= 0) {
      int close = source.indexOf("}}", open + 2);
      int next = source.indexOf("{{", open + 3);
      if (close < 0 || (next >= 0 && next < close && !source.startsWith("{{{", open))) {
        return open;
      }
      open = source.indexOf("{{", close + 2);
    }
    return -1;
  }

  private static int lineOf(String source, String needle) {
    int at = source.indexOf(needle);
    return at < 0 ? 0 : lineAt(source, at);
  }

  private static int lineAt(String source, int at) {
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (source.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * What a template sees: the profile at the top level, then {@code metrics}, {@code vars} and
   * {@code unsubscribe_url} (these four names win over profile fields of the same name).
   */
  public static Map<String, Object> context(JsonObject profile, JsonObject metrics, JsonObject vars,
                                            String unsubscribeUrl) {
    Map<String, Object> context = new LinkedHashMap<>(plain(profile == null ? new JsonObject() : profile));
    context.put("metrics", plain(metrics == null ? new JsonObject() : metrics));
    context.put("vars", plain(vars == null ? new JsonObject() : vars));
    context.put("unsubscribe_url", unsubscribeUrl);
    return context;
  }

  /** jmustache reads Maps and Lists; Vert.x JSON values are turned into those, deeply. */
  private static Map<String, Object> plain(JsonObject o) {
    Map<String, Object> out = new LinkedHashMap<>();
    o.forEach(e -> out.put(e.getKey(), plainValue(e.getValue())));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object plainValue(Object v) {
    if (v instanceof JsonObject o) {
      return plain(o);
    }
    if (v instanceof Map<?, ?> m) {
      return plain(new JsonObject((Map<String, Object>) m));
    }
    if (v instanceof JsonArray a) {
      List<Object> list = new ArrayList<>(a.size());
      a.forEach(x -> list.add(plainValue(x)));
      return list;
    }
    if (v instanceof List<?> l) {
      return plainValue(new JsonArray((List<Object>) l));
    }
    return v;
  }
}
