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
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SwitchboardApplication.class)
                .profiles(profile)
                .initializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                    @Override
                    public Object postProcessBeforeInitialization(Object bean, String name) {
                        if (bean instanceof ReactorResourceFactory factory) {
                            factory.setUseGlobalResources(false);
                        }
                        return bean;
                    }
                }))
                .run("--server.port=0");
        context.getBean(StartupGate.class).whenOpen().block(Duration.ofSeconds(20));
        return context;
    }
}
