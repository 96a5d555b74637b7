package io.shoal.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its ChromeDriver, one per test class. When the two
 * are missing, installs them with apt-get (as .ci/run does), so the README's test command works
 * on a fresh machine. Started with the flags that work on a machine with no network but loopback,
 * and a fresh profile directory.
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Dimension DESKTOP = new Dimension(1280, 900);
  static final Dimension PHONE = new Dimension(390, 844);
  /** Generous: the suite shares 2 cores with everything else. */
  static final Duration WAIT = Duration.ofSeconds(45);

  private final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path profile, Path screenshots) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  public static Browser start() {
    ensureInstalled();
    try {
      Path target = Path.of("target");
      Files.createDirectories(target);
      Path profile = Files.createTempDirectory(target, "chromium-profile-");
      Path screenshots = target.resolve("screenshots");
      Files.createDirectories(screenshots);
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-quic", "--disable-extensions", "--disable-features=Translate,MediaRouter,OptimizationHints",
          "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + DESKTOP.width + "," + DESKTOP.height,
          "--lang=en-US");
      options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort()
          .withLogFile(target.resolve("chromedriver.log").toFile())
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
      return new Browser(driver, profile, screenshots);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** apt-get install chromium chromium-driver, once, when either is missing. */
  static synchronized void ensureInstalled() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    try {
      Path log = Files.createTempFile("apt-chromium-", ".log");
      Process p = new ProcessBuilder("bash", "-c",
          "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        fail("chromium and chromium-driver are needed for the browser tests and could not be installed"
            + " (apt-get install -y chromium chromium-driver): " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  void resize(Dimension size) {
    driver.manage().window().setSize(size);
  }

  public <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what).until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      Path shot = screenshot("failure-" + System.currentTimeMillis());
      throw new AssertionError("timed out waiting for " + what + " at " + driver.getCurrentUrl() + " (screenshot "
          + shot + ", console " + consoleErrors() + "); the page showed:\n"
          + driver.findElement(By.tagName("body")).getText(), e);
    }
  }

  public WebElement awaitVisible(By by) {
    return await(by + " to show", d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** Waits until the element's text is the expected one; answers it. */
  String awaitText(By by, String expected) {
    await(by + " to read '" + expected + "'", d -> d.findElements(by).stream()
        .anyMatch(e -> expected.equals(e.getText().trim())));
    return expected;
  }

  public void click(By by) {
    WebElement e = awaitVisible(by);
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block:'center'})", e);
    e.click();
  }

  /** Types into an input, replacing what it held, firing the input events a person's typing fires. */
  public void type(By by, String text) {
    WebElement e = awaitVisible(by);
    e.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), org.openqa.selenium.Keys.DELETE);
    e.sendKeys(text);
  }

  /** The browser console's errors since the last call (uncaught exceptions, failed requests, CSP refusals). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .collect(Collectors.toList());
  }

  public void assertNoConsoleErrors(String where) {
    assertEquals(List.of(), consoleErrors(), "console errors on " + where);
  }

  /** Writes a screenshot of the viewport to target/screenshots/NAME.png; answers its path. */
  public Path screenshot(String name) {
    try {
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path to = screenshots.resolve(name + ".png");
      Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover profile under target/ is harmless
      }
    }
  }
}
