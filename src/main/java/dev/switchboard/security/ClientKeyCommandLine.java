package dev.switchboard.security;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar switchboard.jar --switchboard.security.create-client=NAME}: creates a client with that
 * name against the configured database, prints its key once on standard output (never to the log) and
 * exits. Runs without the web server (so it works next to a running gateway on a shared PostgreSQL),
 * without provider key checks and without the simulator. The embedded database can only be used by one
 * process: with it, stop the gateway first, or create the key through {@code POST /admin/clients}.
 */
public final class ClientKeyCommandLine {

    static final String OPTION = "--switchboard.security.create-client=";

    private ClientKeyCommandLine() {
    }

    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> arg.startsWith(OPTION));
    }

    /** Runs the command and answers the process exit code. */
    public static int run(Class<?> application, String[] args, PrintStream out) throws Exception {
        String name = Arrays.stream(args).filter(arg -> arg.startsWith(OPTION))
                .map(arg -> arg.substring(OPTION.length())).reduce((a, b) -> b).orElse("");
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--spring.main.web-application-type=none");
        all.add("--spring.main.banner-mode=off");
        all.add("--switchboard.keys.check-on-startup=false");
        all.add("--switchboard.simulator.enabled=false");
        all.add("--logging.level.root=WARN");
        ConfigurableApplicationContext context = SpringApplication.run(application, all.toArray(String[]::new));
        try {
            // The main thread of a one-shot command waits for its one result; no event loop is involved.
            ClientAccounts.Created created = context.getBean(ClientAccounts.class)
                    .create(name, ClientAccounts.Limits.NONE)
                    .toFuture().get(60, TimeUnit.SECONDS);
            out.println();
            out.println("Client '" + created.client().name() + "' created, id " + created.client().id()
                    + ". Its key, shown only this once:");
            out.println();
            out.println("    " + created.key());
            out.println();
            out.println("Switchboard stores only a salted hash of it. Set limits or revoke it with the admin API "
                    + "(/admin/clients); if the key is lost, revoke the client and create a new one.");
            out.flush();
            return 0;
        } finally {
            SpringApplication.exit(context);
        }
    }
}
