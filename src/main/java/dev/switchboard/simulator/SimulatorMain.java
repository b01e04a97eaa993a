package dev.switchboard.simulator;

import dev.switchboard.config.SimulatorProperties;
import dev.switchboard.config.SimulatorProperties.FaultProbabilities;
import dev.switchboard.support.SchedulerClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the simulator on its own, without the gateway or a database, e.g. as the fast upstream of a
 * benchmark: {@code java -jar switchboard.jar --switchboard.simulator.standalone --switchboard.simulator.port=9100
 * --switchboard.simulator.first-token-delay=0ms --switchboard.simulator.token-delay=0ms}.
 */
public final class SimulatorMain {

    private static final String PREFIX = "--switchboard.simulator.";

    private SimulatorMain() {
    }

    public static boolean isStandalone(String[] args) {
        for (String arg : args) {
            if (arg.equals(PREFIX + "standalone") || arg.equals(PREFIX + "standalone=true")) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (arg.startsWith(PREFIX)) {
                String[] kv = arg.substring(PREFIX.length()).split("=", 2);
                options.put(kv[0], kv.length > 1 ? kv[1] : "true");
            }
        }
        SimulatorProperties settings = new SimulatorProperties(true,
                options.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(options.getOrDefault("port", "9100")),
                duration(options.getOrDefault("first-token-delay", "0ms")),
                duration(options.getOrDefault("token-delay", "0ms")),
                Integer.parseInt(options.getOrDefault("answer-tokens", "32")),
                FaultProbabilities.none());
        SimulatorServer server = SimulatorServer.start(settings, JsonMapper.builder().build(), SchedulerClock.utc());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration duration(String value) {
        return DurationStyle.detectAndParse(value);
    }
}
