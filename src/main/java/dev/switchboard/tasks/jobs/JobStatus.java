package dev.switchboard.tasks.jobs;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Where a job is in its life: queued, running, then one of three ends that never change again. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The status named {@code code}, or null for a name that is none. */
    public static @Nullable JobStatus fromCode(String code) {
        for (JobStatus status : values()) {
            if (status.code().equals(code)) {
                return status;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return code();
    }
}
