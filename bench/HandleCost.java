/*
 * What Reactor's handle costs once context-propagation is on the class path (Micrometer Tracing brings it, tracing
 * on or off): in its default ("limited") mode Reactor restores thread locals from the subscriber's Context around
 * every handle call, and a WebFlux request's Context always holds Spring's http.server.requests observation. Per
 * element: handle with an observation in the Context, map with the same Context, handle with an empty Context.
 * Single-threaded, a few seconds. docs/PERFORMANCE.md ("Tracing") quotes a run. With the gateway jar's libraries:
 *   mkdir -p /tmp/hc && (cd /tmp/hc && jar xf "$OLDPWD/target/switchboard-0.1.0-SNAPSHOT.jar" BOOT-INF/lib)
 *   javac -cp '/tmp/hc/BOOT-INF/lib/*' -d /tmp/hc bench/HandleCost.java
 *   java -cp '/tmp/hc:/tmp/hc/BOOT-INF/lib/*' HandleCost
 */
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

public class HandleCost {
    public static void main(String[] a) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
        Observation obs = Observation.start("http.server.requests", registry);
        Context ctx = Context.of(ObservationThreadLocalAccessor.KEY, obs, "other", "x");
        int n = 2_000_000;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            Flux.range(0, n).<Integer>handle((v, s) -> s.next(v)).contextWrite(ctx).blockLast();
            long t1 = System.nanoTime();
            Flux.range(0, n).map(v -> v).contextWrite(ctx).blockLast();
            long t2 = System.nanoTime();
            Flux.range(0, n).<Integer>handle((v, s) -> s.next(v)).blockLast();
            long t3 = System.nanoTime();
            System.out.printf("handle+observation-in-context %.1f ns/el, map %.1f ns/el, handle empty context %.1f ns/el%n",
                    (t1 - t0) / (double) n, (t2 - t1) / (double) n, (t3 - t2) / (double) n);
        }
    }
}
