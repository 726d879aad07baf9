package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.intake.application.CreateWorkspace;
import dev.intake.domain.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium submits the example page of the local stack: a plain HTML form, no JavaScript.
 * Uses Debian's {@code chromium} and {@code chromium-driver} packages at fixed paths, so Selenium Manager
 * never downloads anything. Skipped when they are missing, unless {@code -Dintake.requireBrowser=true}
 * (as in {@code .ci/run}), which turns their absence into a failure.
 */
class BrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ChromeDriverService service;
    private static WebDriver driver;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && Boolean.getBoolean("intake.requireBrowser")) {
            fail(CHROMIUM + " and " + CHROMEDRIVER + " are required (-Dintake.requireBrowser=true) but missing; install them with "
                    + "`sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver`");
        }
        if (!installed) return; // each test is skipped in requireBrowser()

        profile = Files.createTempDirectory("intake-chromium-");
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        // Root on a closed network: no sandbox, and nothing that phones home.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @BeforeEach
    void requireBrowser() {
        assumeTrue(driver != null, "no " + CHROMIUM + " / " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver, or -Dintake.requireBrowser=true to fail instead); skipping");
    }

    @AfterAll
    static void stopBrowser() {
        try {
            if (driver != null) driver.quit();
        } finally {
            driver = null;
            if (service != null) service.stop();
            service = null;
            deleteProfile();
        }
    }

    @Test
    void examplePageSubmitsFromARealBrowser() {
        IntakeLocal stack = TestStack.get();
        CreateWorkspace.Secrets demo = stack.demoWorkspace();
        String formId = stack.demoFormId();
        long before = Fixtures.submissionCount(demo, formId);
        String email = "browser-" + UUID.randomUUID() + "@example.com";

        driver.get(stack.baseUrl() + "/");
        driver.findElement(By.name("email")).sendKeys(email);
        driver.findElement(By.name("firstName")).sendKeys("Ada");
        new Select(driver.findElement(By.name("interests"))).selectByValue("design");
        driver.findElement(By.cssSelector("form button")).click();

        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "expected a redirect to /success.html; the browser is at " + driver.getCurrentUrl()
                        + " showing: " + abbreviate(bodyText()))
                .until(d -> d.getCurrentUrl().endsWith("/success.html"));
        assertEquals(stack.baseUrl() + "/success.html", driver.getCurrentUrl());
        assertTrue(bodyText().contains("Thanks"), () -> "success page: " + abbreviate(bodyText()));

        assertEquals(before + 1, Fixtures.submissionCount(demo, formId), "the browser's submission is counted exactly once");
        String personId = Ids.person(demo.workspaceId(), "email", email.toLowerCase(Locale.ROOT));
        var person = stack.services().people.find(demo.workspaceId(), personId)
                .orElseThrow(() -> new AssertionError("no person stored for " + email));
        assertEquals(email.toLowerCase(Locale.ROOT), person.email());
        assertEquals("Ada", person.attributes().get("firstName"), () -> "attributes: " + person.attributes());
    }

    /** {@code _count.submissions} of the form, through the API. */
        private static String bodyText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(no body: " + e.getClass().getSimpleName() + ")";
        }
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }

    private static void deleteProfile() {
        if (profile == null) return;
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("BrowserIT: could not delete " + profile + ": " + e);
        } finally {
            profile = null;
        }
    }
}
