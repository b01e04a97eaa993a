package dev.switchboard.security;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Fails fast, before anything starts (no database, no port), when the gateway would run unprotected
 * outside demo mode: no admin token, or one too short to resist guessing. Runs right after the
 * configuration files are read.
 */
public final class SecurityStartupCheck implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        check(environment);
    }

    static void check(ConfigurableEnvironment environment) {
        boolean demo = Binder.get(environment).bind("switchboard.security.demo-mode", Boolean.class).orElse(false);
        if (demo) {
            return;
        }
        String token = Binder.get(environment).bind("switchboard.security.admin-token", String.class).orElse(null);
        String problem = AdminToken.problem(token);
        if (problem != null) {
            throw new InsecureStartupException(problem);
        }
    }

    /** After the config-data processor (which reads the profile files), before the embedded database. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
