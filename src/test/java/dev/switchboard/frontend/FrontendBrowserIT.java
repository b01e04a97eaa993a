package dev.switchboard.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.Browser;
import dev.switchboard.testsupport.CuttingProxy;
import dev.switchboard.testsupport.GatewayIT;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The sample pages in real headless Chromium against the gateway on its random port, with the simulator.
 * Each test leaves a screenshot in {@code target/screenshots/}.
 */
@GatewayIT
class FrontendBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Browser browser;

    @LocalServerPort
    int port;

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Started by the first test; without Chromium every test is aborted (skipped) with the install hint. */
    @BeforeEach
    void browserOnTheLandingPageWithNoSecrets() {
        if (browser == null) {
            browser = Browser.start();
        }
        browser.resize(1280, 900);
        browser.open(url("/"));
        browser.script("localStorage.clear()");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void send(String text, String route) {
        new Select(browser.find("#model")).selectByValue(route);
        WebElement message = browser.find("#message");
        message.clear();
        message.sendKeys(text);
        browser.find("#send").click();
    }

    private void awaitRouteOption(String route) {
        browser.awaitElement("#model option[value='" + route + "']", WAIT);
    }

    @Test
    void theLandingPageLinksEveryPage() {
        List<String> links = browser.driver().findElements(By.cssSelector(".cards a")).stream()
                .map(a -> a.getDomAttribute("href")).toList();

        assertThat(links).containsExactly("chat-sse.html", "chat-ws.html", "dashboard.html");
        assertThat(browser.find(".settings-state").getText()).contains(url(""));
        browser.screenshot("index");
    }

    @Test
    void bothChatPagesShowAToolCallWhenTheModelCallsTheOfferedTool() {
        for (String page : List.of("/chat-sse.html", "/chat-ws.html")) {
            browser.open(url(page));
            awaitRouteOption("claude/claude-1");
            browser.find("#offer-tool").click();
            send("What is the weather in Paris", "claude/claude-1");

            WebElement call = browser.awaitElement(".tool-calls[data-calls='1'] .tool-call", WAIT);
            browser.awaitElement("[data-state='done']", WAIT);
            assertThat(call.findElement(By.cssSelector(".tool-name")).getText()).isEqualTo("get_weather(…)");
            assertThat(call.findElement(By.cssSelector(".tool-args")).getText()).contains("\"city\": \"Paris\"");
            browser.screenshot(page.equals("/chat-sse.html") ? "chat-sse-tool-call" : "chat-ws-tool-call");
        }
    }

    @Test
    void theSsePageRendersAStreamedAnswerTokenByTokenThenWhoAnsweredAndAMidStreamError() {
        browser.open(url("/chat-sse.html"));
        awaitRouteOption("midfail/mf-1");
        // Record every text the answer shows, as the browser renders it.
        browser.script("window.__texts = []; new MutationObserver(() => {"
                + " const a = document.querySelectorAll('.bubble.assistant .answer');"
                + " const t = a.length ? a[a.length - 1].textContent : '';"
                + " if (t && window.__texts[window.__texts.length - 1] !== t) window.__texts.push(t);"
                + "}).observe(document.getElementById('transcript'), {subtree: true, childList: true, characterData: true});");

        send("Stream it", "");
        WebElement answer = browser.awaitElement(".turn:nth-of-type(1) .bubble.assistant[data-state='done']", WAIT);

        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) browser.script("return window.__texts");
        assertThat(answer.getDomAttribute("data-chunks")).isEqualTo("6");
        assertThat(texts).hasSize(6);
        for (int i = 1; i < texts.size(); i++) {
            assertThat(texts.get(i)).startsWith(texts.get(i - 1)).isNotEqualTo(texts.get(i - 1));
        }
        assertThat(answer.findElement(By.cssSelector(".answer")).getText()).startsWith("Simulated answer to “Stream it”");
        WebElement route = answer.findElement(By.cssSelector(".route"));
        assertThat(route.getDomAttribute("data-provider")).isIn("alpha", "beta");
        assertThat(route.getDomAttribute("data-key")).isNotBlank();
        assertThat(route.findElements(By.cssSelector(".attempt"))).isNotEmpty();

        send("Break after two chunks", "midfail/mf-1");
        WebElement broken = browser.awaitElement(".turn:nth-of-type(2) .bubble.assistant[data-state='error']", WAIT);
        assertThat(broken.findElement(By.cssSelector(".answer")).getText()).isNotBlank();
        WebElement error = broken.findElement(By.cssSelector(".error[role='alert']"));
        assertThat(error.getDomAttribute("data-code")).isEqualTo("stream_interrupted");
        assertThat(error.getText()).contains("The stream broke after it started", "midfail");
        browser.screenshot("chat-sse");
    }

    @Test
    void anEventSourceCutMidAnswerReconnectsAndTheTextEqualsAnUninterruptedAnswer() {
        browser.open(url("/chat-sse.html"));
        browser.find("#resumable").click();
        send("Resume me in the browser", "");
        WebElement uninterrupted = browser.awaitElement(".bubble.assistant[data-state='done']", WAIT);
        String whole = uninterrupted.findElement(By.cssSelector(".answer")).getText();
        String chunks = uninterrupted.getDomAttribute("data-chunks");
        assertThat(uninterrupted.getDomAttribute("data-reconnects")).isEqualTo("0");

        // the same page through a proxy that cuts the EventSource's connection after its third event
        try (CuttingProxy proxy = CuttingProxy.to(port, "GET /api/chat/stream/", 3)) {
            browser.open("http://127.0.0.1:" + proxy.port() + "/chat-sse.html");
            browser.find("#resumable").click();
            send("Resume me in the browser", "");
            WebElement resumed = browser.awaitElement(".bubble.assistant[data-state='done']", WAIT);

            assertThat(proxy.cuts()).as("the connection was cut mid-answer").isEqualTo(1);
            assertThat(Integer.parseInt(resumed.getDomAttribute("data-reconnects"))).isGreaterThanOrEqualTo(1);
            assertThat(resumed.findElement(By.cssSelector(".answer")).getText()).isEqualTo(whole)
                    .startsWith("Simulated answer to “Resume");
            assertThat(resumed.getDomAttribute("data-chunks")).as("no chunk lost or repeated")
                    .isEqualTo(chunks);
            browser.screenshot("chat-sse-resumed");
        }
    }

    @Test
    void theWebSocketPageRunsTwoRequestsAtOnceAndCancelsOne() {
        browser.open(url("/chat-ws.html"));
        browser.awaitElement("body[data-socket='open']", WAIT);
        awaitRouteOption("slow/slow-1");

        send("A slow answer I will cancel", "slow/slow-1");
        browser.awaitElement("#req-r1[data-state='streaming']", WAIT);
        send("A quick answer", "");
        WebElement quick = browser.awaitElement("#req-r2[data-state='done']", WAIT);
        WebElement slow = browser.find("#req-r1");
        assertThat(slow.getDomAttribute("data-state")).isEqualTo("streaming");
        assertThat(browser.find("body").getDomAttribute("data-in-flight")).isEqualTo("1");

        slow.findElement(By.cssSelector("button[data-action='cancel']")).click();
        browser.awaitElement("#req-r1[data-state='cancelled']", WAIT);

        assertThat(browser.find("#req-r1 .answer").getText()).isNotBlank();
        assertThat(browser.find("#req-r1 .state").getText()).containsIgnoringCase("cancelled after 2 chunks");
        assertThat(quick.findElement(By.cssSelector(".answer")).getText()).startsWith("Simulated answer to “A quick answer”");
        WebElement route = quick.findElement(By.cssSelector(".route"));
        assertThat(route.getDomAttribute("data-provider")).isIn("alpha", "beta");
        assertThat(route.findElements(By.cssSelector(".attempt.ok"))).hasSize(1);
        assertThat(browser.find("body").getDomAttribute("data-in-flight")).isEqualTo("0");
        browser.screenshot("chat-ws");
    }

    @Test
    void theDashboardShowsAKeyGoingIntoCooldownAfterAFaultyKeyIsHit() {
        browser.resize(1600, 1500);
        browser.open(url("/dashboard.html"));
        browser.awaitElement("body[data-live='open']", WAIT);
        browser.awaitElement(".provider-card[data-provider='dashcool'] tr[data-key='dash-ratelimited'][data-status='active']", WAIT);

        traffic(12, "{\"messages\":[{\"role\":\"user\",\"content\":\"warm up the charts\"}]}", "/api/chat/stream");
        traffic(2, "{\"provider\":\"dashcool\",\"messages\":[{\"role\":\"user\",\"content\":\"hit every key\"}]}", "/api/chat");

        WebElement key = browser.awaitElement(
                ".provider-card[data-provider='dashcool'] tr[data-key='dash-ratelimited'][data-status='rate_limited']", WAIT);
        assertThat(key.findElement(By.cssSelector(".cooldown")).getText()).matches("(9|10):\\d\\d");
        assertThat(browser.find(".provider-card[data-provider='dashcool']").getText()).contains("1/2 keys usable");
        browser.awaitElement("#events .item[data-kind='key'][data-key='dash-ratelimited'][data-status='rate_limited']", WAIT);
        browser.awaitElement("#events .item[data-kind='fallback']", WAIT);
        browser.awaitElement("#requests tr[data-provider='dashcool'][data-fallback='true']", WAIT);
        steadyTraffic(Duration.ofSeconds(8));
        browser.await("a snapshot counting the requests", WAIT,
                d -> !browser.find("#kpi-rps").getText().equals("–") && !browser.find("#kpi-rps").getText().equals("0.0"));
        assertThat(browser.find("#kpi-latency").getText()).matches("\\d+ ms · \\d+ ms");
        assertThat(browser.find("#kpi-ttft").getText()).matches("\\d+ ms · \\d+ ms");
        assertThat(browser.find("#kpi-jobs").getText()).as("the job queue's tile").matches("\\d+ · \\d+");
        browser.screenshot("dashboard");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.find(".provider-card[data-provider='dashcool']"));
        browser.screenshot("dashboard-cooldown");
    }

    /** A few requests a second over every surface but WebSocket, so the charts have a history to draw. */
    private void steadyTraffic(Duration duration) {
        WebClient client = WebClient.create(url(""));
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"keep the charts moving\"}]}";
        Flux.interval(Duration.ofMillis(150))
                .take(duration)
                .flatMap(i -> client.post().uri(i % 2 == 0 ? "/api/chat/stream" : "/api/chat")
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                        .retrieve().bodyToMono(String.class), 4)
                .then()
                .block(duration.plus(WAIT));
    }

    /** Sends requests from outside the page, a few at a time, and waits for them all. */
    private void traffic(int count, String body, String path) {
        WebClient client = WebClient.create(url(""));
        Flux.range(0, count)
                .flatMap(i -> client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                        .retrieve().bodyToMono(String.class), 3)
                .then()
                .block(WAIT);
    }
}
