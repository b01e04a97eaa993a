package dev.switchboard.usage;

import dev.switchboard.chat.RequestObserver;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.routing.RequestRun;
import java.time.Instant;

/** Turns each finished request into a {@code request_log} row for the write-behind. */
public final class RequestLogRecorder implements RequestObserver {

    private final RequestLogWriter writer;

    public RequestLogRecorder(RequestLogWriter writer) {
        this.writer = writer;
    }

    @Override
    public void ended(RequestRun run) {
        RouteInfo route = run.route();
        Usage usage = run.usage();
        String message = run.errorMessage();
        writer.enqueue(new RequestLogRow(
                run.command().requestId(),
                Instant.now(),
                run.command().surface().code(),
                run.plan().path().code(),
                route != null ? route.provider() : lastAttemptProvider(run),
                route != null ? route.model() : null,
                route != null ? route.key() : null,
                run.outcome() == null ? "failed" : run.outcome().name().toLowerCase(),
                run.errorClass(),
                message == null ? null : message.length() > 600 ? message.substring(0, 600) : message,
                (int) Math.max(0, run.latencyMs()),
                run.firstTokenMs() >= 0 ? (int) run.firstTokenMs() : null,
                run.attemptCount(),
                usage == null ? null : usage.promptTokens(),
                usage == null ? null : usage.completionTokens(),
                usage != null && usage.estimated()));
    }

    private static String lastAttemptProvider(RequestRun run) {
        var attempts = run.attempts();
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).provider();
    }
}
