package dev.switchboard.keys;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unusable master key into Spring Boot's short "APPLICATION FAILED TO START" report. */
public final class InvalidMasterKeyFailureAnalyzer extends AbstractFailureAnalyzer<MasterKey.InvalidMasterKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MasterKey.InvalidMasterKeyException cause) {
        return new FailureAnalysis("Switchboard refuses to start: " + cause.problem() + ".",
                "Set " + MasterKey.ENVIRONMENT + " to 32 random bytes in base64, e.g. " + MasterKey.ENVIRONMENT
                        + "=$(openssl rand -base64 32), the same on every instance; or unset it to keep keys added at "
                        + "runtime in memory only.", cause);
    }
}
