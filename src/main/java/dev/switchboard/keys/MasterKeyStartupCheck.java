package dev.switchboard.keys;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops the start, before the database or a port is opened, when {@code SWITCHBOARD_MASTER_KEY} is set but
 * unusable (not base64 of 32 bytes): keys stored with it could not be read, nor new ones stored.
 */
public final class MasterKeyStartupCheck implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MasterKey.parse(environment.getProperty(MasterKey.PROPERTY));
    }

    /** After the configuration files are read (and after the admin-token check). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 21;
    }
}
