package dev.switchboard.security;

/** Outside demo mode the gateway refuses to start without a usable admin token. */
public final class InsecureStartupException extends RuntimeException {

    private final String problem;

    InsecureStartupException(String problem) {
        super("Switchboard refuses to start: " + problem + " (switchboard.security.admin-token, env "
                + "SWITCHBOARD_ADMIN_TOKEN). Outside the demo profile the admin token protects /admin, actuator and the "
                + "status endpoints.");
        this.problem = problem;
    }

    public String problem() {
        return problem;
    }
}
