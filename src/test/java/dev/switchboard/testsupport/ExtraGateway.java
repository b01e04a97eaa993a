package dev.switchboard.testsupport;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.support.StartupGate;
import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Starts an extra gateway in the test JVM (restart and multi-instance tests), next to the cached test
 * contexts. It must not use Reactor Netty's global resources: closing a context that owns them would
 * dispose the event loops every other context (and the R2DBC driver) in the JVM runs on.
 */
public final class ExtraGateway {

    private ExtraGateway() {
    }

    public static ConfigurableApplicationContext start(String profile) {
        return start(profile, new String[0]);
    }

    /** A gateway with these profiles (comma-separated) and extra command-line arguments. */
    public static ConfigurableApplicationContext start(String profiles, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--server.port=0";
        System.arraycopy(args, 0, all, 1, args.length);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SwitchboardApplication.class)
                .profiles(profiles.split(","))
                .initializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                    @Override
                    public Object postProcessBeforeInitialization(Object bean, String name) {
                        if (bean instanceof ReactorResourceFactory factory) {
                            factory.setUseGlobalResources(false);
                        }
                        return bean;
                    }
                }))
                .run(all);
        context.getBean(StartupGate.class).whenOpen().block(Duration.ofSeconds(20));
        return context;
    }
}
