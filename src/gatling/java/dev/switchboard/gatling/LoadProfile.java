package dev.switchboard.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.List;

/**
 * What every simulation shares, from system properties: where the gateway is, the load shape (a ramp
 * from 1 to {@code load.rate} new users a second over {@code load.ramp} seconds, then {@code load.steady}
 * seconds at that rate) and the pass criteria (under 1 % failed requests, p95 and p99 response times
 * under {@code load.p95} and {@code load.p99} ms).
 */
final class LoadProfile {

    static final String GATEWAY = System.getProperty("gateway.url", "http://localhost:8080").replaceAll("/+$", "");
    static final double RATE = Double.parseDouble(System.getProperty("load.rate", "10"));
    static final int RAMP_SECONDS = Integer.getInteger("load.ramp", 10);
    static final int STEADY_SECONDS = Integer.getInteger("load.steady", 30);
    static final int P95_MS = Integer.getInteger("load.p95", 5000);
    static final int P99_MS = Integer.getInteger("load.p99", 8000);

    private LoadProfile() {
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(GATEWAY)
                .wsBaseUrl(GATEWAY.replaceFirst("^http", "ws"))
                .contentTypeHeader("application/json")
                .userAgentHeader("switchboard-gatling");
    }

    static OpenInjectionStep[] rampThenSteady() {
        return new OpenInjectionStep[] {
            rampUsersPerSec(1).to(RATE).during(RAMP_SECONDS),
            constantUsersPerSec(RATE).during(STEADY_SECONDS)
        };
    }

    static List<Assertion> criteria() {
        return List.of(
                global().failedRequests().percent().lt(1.0),
                global().responseTime().percentile(95.0).lt(P95_MS),
                global().responseTime().percentile(99.0).lt(P99_MS));
    }

    /** A short chat request; the counter keeps prompts distinct. */
    static String chatBody(long n) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Load test request " + n + ": say something\"}]}";
    }
}
