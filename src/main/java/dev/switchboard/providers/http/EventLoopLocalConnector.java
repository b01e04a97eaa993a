package dev.switchboard.providers.http;

import dev.switchboard.providers.UpstreamClients;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The upstream clients: one connection pool per server event loop, and each upstream call made through
 * the pool of the event loop it is subscribed on. {@link #client} hands out the Reactor Netty
 * {@link HttpClient} of that loop's lane, configured once per lane for cleartext and once for TLS
 * ({@link UpstreamClientOptions}).
 *
 * <p>Why: Reactor Netty keeps one pool for all event loops, so a request accepted on one loop is often
 * handed a kept-alive upstream connection that lives on the other. Then every upstream read arrives on
 * the wrong thread and each chunk is written to the client through a task queue and an {@code eventfd}
 * wake-up of the client's loop (found in a CPU profile of 100 concurrent streams: {@code
 * MonoSendMany.trySchedule} waking the other loop for every chunk). With a pool per loop the request, its
 * upstream connection and the answer stay on one thread, as they would in a hand-written proxy.
 *
 * <p>A call subscribed on a thread that is not one of the loops (a retry after a back-off timer, a
 * background key check, a test) uses the pool picked by that thread's id, so one thread always meets the
 * same pool. The loops are looked up on the first call, not at construction: Spring starts the server's
 * loop resources after the beans are built. {@link #unbound} is the fallback before that, and for a loop
 * group that cannot be listed: one ordinary pool, as Reactor Netty would use.
 *
 * <p>The calls of one request stay on one loop: a pipeline that opens {@link #sameLoopAcrossCalls()} in
 * its Reactor context has every call it makes go through the lane of its first call, even one made from a
 * timer thread after a back-off. Without it the fallback that follows a back-off would meet the pool of
 * whatever timer thread ran it, so it could neither reuse the connection the failed attempt left in its
 * loop's pool nor answer on the loop that serves the client.
 */
public final class EventLoopLocalConnector implements UpstreamClients, Disposable {

    /**
     * Makes the pool of loop number {@code loop} (-1 for the fallback pool); {@code loops} is how many
     * loops there are, to divide a total limit.
     */
    @FunctionalInterface
    public interface PoolFactory {
        ConnectionProvider create(int loop, int loops);
    }

    private final Supplier<EventLoopGroup> loopGroup;
    private final PoolFactory pools;
    private final UpstreamClientOptions.Settings settings;
    private final Lane unbound;
    private volatile Lane[] lanes;
    private volatile boolean disposed;

    /**
     * @param loopGroup the server's event loops; may return {@code null} while they are not started
     * @param pools the pool of each loop and of the fallback
     * @param settings client options applied to every loop's two clients (timeouts, keep-alive, protocol, TLS)
     */
    public EventLoopLocalConnector(Supplier<EventLoopGroup> loopGroup, PoolFactory pools,
            UpstreamClientOptions.Settings settings) {
        this.loopGroup = loopGroup;
        this.pools = pools;
        this.settings = settings;
        this.unbound = Lane.of(null, pools.create(-1, 1), settings);
    }

    /**
     * A context entry (for {@code contextWrite}) under which every upstream call of one subscription goes
     * through the lane of its first call; an entry already in the context is kept.
     */
    public static Function<Context, Context> sameLoopAcrossCalls() {
        return context -> context.hasKey(Affinity.class) ? context : context.put(Affinity.class, new Affinity());
    }

    /** The client of the lane for a call subscribed now on this thread, under {@code context}. */
    @Override
    public HttpClient client(ContextView context, boolean tls) {
        Lane lane = laneFor(Thread.currentThread(), context.getOrDefault(Affinity.class, null));
        return tls ? lane.tls() : lane.cleartext();
    }

    /** The lane whose loop is {@code thread}, or the one this thread's id picks; for tests and metrics. */
    Lane laneOf(Thread thread) {
        return laneFor(thread, null);
    }

    /**
     * On a loop, that loop's lane; off the loops, the lane of the request's earlier call if it made one,
     * else the one the thread's id picks. The lane is remembered for the request's later calls.
     */
    private Lane laneFor(Thread thread, Affinity affinity) {
        Lane[] known = lanes();
        if (known.length == 0) {
            return unbound;
        }
        Lane lane = loopLane(thread, known);
        if (lane == null) {
            Lane earlier = affinity == null ? null : affinity.lane;
            lane = earlier != null ? earlier : known[(int) Math.floorMod(thread.getId(), (long) known.length)];
        }
        if (affinity != null) {
            affinity.lane = lane;
        }
        return lane;
    }

    private static Lane loopLane(Thread thread, Lane[] known) {
        for (Lane lane : known) {
            if (lane.loop().inEventLoop(thread)) {
                return lane;
            }
        }
        return null;
    }

    int loopCount() {
        return lanes().length;
    }

    private Lane[] lanes() {
        Lane[] known = lanes;
        return known != null ? known : bind();
    }

    /** Builds the lanes once the loops exist; before that (or if they cannot be listed) there are none. */
    private synchronized Lane[] bind() {
        if (lanes != null) {
            return lanes;
        }
        EventLoopGroup group = disposed ? null : loopGroup.get();
        if (group == null) {
            return new Lane[0];
        }
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            if (executor instanceof EventLoop loop) {
                loops.add(loop);
            }
        }
        Lane[] built = new Lane[loops.size()];
        for (int i = 0; i < built.length; i++) {
            built[i] = Lane.of(loops.get(i), pools.create(i, built.length), settings);
        }
        lanes = built;
        return built;
    }

    @Override
    public synchronized void dispose() {
        disposed = true;
        unbound.pool().dispose();
        Lane[] known = lanes;
        if (known != null) {
            for (Lane lane : known) {
                lane.pool().dispose();
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /** The lane a request's calls share; written by one call at a time (the calls of a request are sequential). */
    private static final class Affinity {
        volatile Lane lane;
    }

    /**
     * One loop's pool and the clients that run on that loop, for {@code http} and {@code https} URLs
     * ({@code loop} is null for the fallback).
     */
    record Lane(EventLoop loop, ConnectionProvider pool, HttpClient cleartext, HttpClient tls) {

        static Lane of(EventLoop loop, ConnectionProvider pool, UpstreamClientOptions.Settings settings) {
            HttpClient client = HttpClient.create(pool);
            if (loop != null) {
                client = client.runOn(loop);
            }
            return new Lane(loop, pool, settings.apply(client, false), settings.apply(client, true));
        }
    }
}
