package dev.switchboard.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven through the system's chromedriver, for the browser tests. Nothing is
 * ever downloaded: both binaries are given by path, so Selenium Manager is never asked to find (or fetch)
 * a driver or a browser. Without them the test is aborted, so it shows as skipped with the way to install
 * them, never as passed.
 *
 * <p>Paths: {@code -Dswitchboard.browser.chromium} (default {@code /usr/bin/chromium}) and
 * {@code -Dswitchboard.browser.chromedriver} (default {@code /usr/bin/chromedriver}).
 */
public final class Browser implements AutoCloseable {

    public static final String INSTALL_HINT = "Chromium not installed: apt-get install -y chromium chromium-driver"
            + " (or point -Dswitchboard.browser.chromium and -Dswitchboard.browser.chromedriver at them)";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a fresh headless Chromium, or aborts the calling test when the binaries are missing. */
    public static Browser start() {
        File chromium = new File(System.getProperty("switchboard.browser.chromium", "/usr/bin/chromium"));
        File chromedriver = new File(System.getProperty("switchboard.browser.chromedriver", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            Assumptions.abort(INSTALL_HINT + "; looked for " + chromium + " and " + chromedriver);
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=1280,900", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver)
                .usingAnyFreePort()
                .withLogFile(new File("target", "chromedriver.log"))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public boolean exists(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Waits until the condition holds (or fails the test after the timeout, naming what it waited for). */
    public <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).withMessage(what).until(condition);
    }

    public WebElement awaitElement(String css, Duration timeout) {
        return await("element " + css, timeout, d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the viewport as {@code target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }
}
