package dev.switchboard.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing admin token into Spring Boot's short "APPLICATION FAILED TO START" report. */
public final class InsecureStartupFailureAnalyzer extends AbstractFailureAnalyzer<InsecureStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InsecureStartupException cause) {
        return new FailureAnalysis("Switchboard refuses to start outside the demo profile: " + cause.problem() + ".",
                "Set an admin token of at least " + AdminToken.MIN_LENGTH + " characters, e.g. "
                        + "SWITCHBOARD_ADMIN_TOKEN=$(openssl rand -hex 32), or run the demo profile "
                        + "(no profile at all, or --spring.profiles.active=demo) for local experiments only.",
                cause);
    }
}
