package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.context.Context;

/**
 * Each upstream call goes through the pool of the event loop it is made on, so the request, its
 * upstream connection and the answer stay on one thread; off the loops one thread always meets one pool,
 * and before the loops exist there is one ordinary pool.
 */
class EventLoopLocalConnectorTest {

    private final LoopResources serverLoops = LoopResources.create("sb-test-loop", 2, true);
    /** The upstream answers with the client's port, so a test can tell connections apart. */
    private final DisposableServer upstream = HttpServer.create().host("127.0.0.1").port(0)
            .runOn(LoopResources.create("sb-test-upstream", 1, true))
            .handle((request, response) -> response.sendString(Mono.just(
                    Integer.toString(((InetSocketAddress) request.remoteAddress()).getPort()))))
            .bindNow();
    private final List<String> poolsMade = new CopyOnWriteArrayList<>();
    private final AtomicReference<EventLoopGroup> started = new AtomicReference<>();
    private final EventLoopLocalConnector connector = new EventLoopLocalConnector(started::get,
            (loop, loops, pool) -> {
                poolsMade.add(loop + "/" + loops);
                return ConnectionProvider.builder("test-" + loop).maxConnections(4).build();
            },
            (http, tls) -> tls ? http.responseTimeout(Duration.ofSeconds(5)).secure()
                    : http.responseTimeout(Duration.ofSeconds(5)));
    private final URI root = URI.create("http://127.0.0.1:" + upstream.port() + "/");

    @AfterEach
    void stop() {
        connector.dispose();
        upstream.disposeNow();
        serverLoops.dispose();
    }

    @Test
    void aCallMadeOnAnEventLoopIsAnsweredOnThatLoopOverThatLoopsConnection() {
        started.set(serverLoops.onServer(true));
        List<EventLoop> loops = loopsOf(started.get());
        assertThat(loops).hasSize(2);

        for (EventLoop loop : loops) {
            Answer first = callOn(loop);
            Answer second = callOn(loop);

            assertThat(first.thread()).isEqualTo(threadOf(loop));
            assertThat(second.thread()).isEqualTo(threadOf(loop));
            assertThat(second.port()).as("kept-alive connection of this loop").isEqualTo(first.port());
        }
        assertThat(callOn(loops.get(0)).port()).isNotEqualTo(callOn(loops.get(1)).port());
        assertThat(poolsMade).containsExactly("-1/1", "0/2", "1/2");
    }

    @Test
    void oneThreadOffTheLoopsAlwaysMeetsTheSamePool() {
        started.set(serverLoops.onServer(true));

        Answer first = call().block(Duration.ofSeconds(5));
        Answer second = call().block(Duration.ofSeconds(5));

        assertThat(first.thread()).startsWith("sb-test-loop").isEqualTo(second.thread());
        assertThat(connector.laneOf(Thread.currentThread())).isSameAs(connector.laneOf(Thread.currentThread()));
        assertThat(threadOf(connector.laneOf(Thread.currentThread()).loop())).isEqualTo(first.thread());
    }

    @Test
    void aRequestsLaterCallFromATimerThreadUsesTheLoopAndConnectionOfItsFirstCall() throws Exception {
        started.set(serverLoops.onServer(true));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Thread timerThread = timer.submit(Thread::currentThread).get();
            EventLoop timersOwnLoop = connector.laneOf(timerThread).loop();
            EventLoop requestLoop = loopsOf(started.get()).stream().filter(loop -> loop != timersOwnLoop)
                    .findFirst().orElseThrow();

            Answer withoutAffinity = twoCalls(requestLoop, timer, Function.identity()).get(1);
            List<Answer> withAffinity = twoCalls(requestLoop, timer, EventLoopLocalConnector.sameLoopAcrossCalls());

            assertThat(withoutAffinity.thread()).as("the timer thread's own lane").isEqualTo(threadOf(timersOwnLoop));
            assertThat(withAffinity.get(1).thread()).isEqualTo(threadOf(requestLoop));
            assertThat(withAffinity.get(1).port()).as("the connection the first call gave back")
                    .isEqualTo(withAffinity.get(0).port());
        } finally {
            timer.shutdownNow();
        }
    }

    /** A first call on {@code loop}, then a second one made on {@code timer} after a back-off. */
    private List<Answer> twoCalls(EventLoop loop, ScheduledExecutorService timer, Function<Context, Context> context) {
        return Mono.defer(this::call).subscribeOn(Schedulers.fromExecutor(loop))
                .flatMap(first -> Mono.delay(Duration.ofMillis(100), Schedulers.fromExecutorService(timer))
                        .then(Mono.defer(this::call))
                        .map(second -> List.of(first, second)))
                .contextWrite(context)
                .block(Duration.ofSeconds(5));
    }

    @Test
    void beforeTheLoopsAreStartedCallsUseOnePlainPoolAndTheLoopsAreTakenUpOnceTheyExist() {
        Answer before = call().block(Duration.ofSeconds(5));
        assertThat(before.port()).isNotBlank();
        assertThat(connector.loopCount()).isZero();
        assertThat(connector.laneOf(Thread.currentThread()).loop()).isNull();

        started.set(serverLoops.onServer(true));

        assertThat(connector.loopCount()).isEqualTo(2);
        EventLoop loop = loopsOf(started.get()).get(1);
        assertThat(callOn(loop).thread()).isEqualTo(threadOf(loop));
    }

    @Test
    void aLaneHandsOutItsTlsClientForHttpsUrlsAndItsCleartextClientForTheOthersBothOnItsLoop() {
        started.set(serverLoops.onServer(true));
        EventLoop loop = loopsOf(started.get()).get(0);

        Object[] seen = Mono.deferContextual(context -> Mono.just(new Object[] {
                        connector.client(context, true), connector.client(context, false),
                        connector.laneOf(Thread.currentThread())}))
                .subscribeOn(Schedulers.fromExecutor(loop)).block(Duration.ofSeconds(5));
        HttpClient tls = (HttpClient) seen[0];
        HttpClient cleartext = (HttpClient) seen[1];
        EventLoopLocalConnector.Lane lane = (EventLoopLocalConnector.Lane) seen[2];

        assertThat(lane.loop()).isSameAs(loop);
        assertThat(lane.pools()).hasSize(1);
        assertThat(tls).isSameAs(lane.pools().get(0).tls());
        assertThat(cleartext).isSameAs(lane.pools().get(0).cleartext());
        assertThat(tls.configuration().isSecure()).isTrue();
        assertThat(cleartext.configuration().isSecure()).isFalse();
    }

    @Test
    void aLoopsCallsTakeTurnsAmongItsPoolsAndARequestsLaterCallsKeepThePoolOfItsFirst() {
        EventLoopLocalConnector twoPools = new EventLoopLocalConnector(started::get,
                new EventLoopLocalConnector.PoolFactory() {
                    @Override
                    public ConnectionProvider create(int loop, int loops, int pool) {
                        return ConnectionProvider.builder("test-" + loop + "." + pool).maxConnections(4).build();
                    }

                    @Override
                    public int poolsPerLoop() {
                        return 2;
                    }
                }, (http, tls) -> http.responseTimeout(Duration.ofSeconds(5)));
        try {
            started.set(serverLoops.onServer(true));
            EventLoop loop = loopsOf(started.get()).get(0);
            Mono<Answer> call = Mono.deferContextual(context -> twoPools.client(context, false).get().uri(root)
                    .responseContent().aggregate().asString()
                    .map(port -> new Answer(port, Thread.currentThread().getName())));
            // the second call made on the loop once the first gave its connection back
            Mono<List<Answer>> twoCalls = call.flatMap(first -> Mono.delay(Duration.ofMillis(50))
                            .publishOn(Schedulers.fromExecutor(loop)).then(call).map(second -> List.of(first, second)))
                    .subscribeOn(Schedulers.fromExecutor(loop));

            List<Answer> turns = twoCalls.block(Duration.ofSeconds(5));
            List<Answer> oneRequest = twoCalls.contextWrite(EventLoopLocalConnector.sameLoopAcrossCalls())
                    .block(Duration.ofSeconds(5));

            assertThat(turns.get(0).port()).as("one connection in each pool").isNotEqualTo(turns.get(1).port());
            assertThat(oneRequest.get(1).port()).as("the connection the first call gave back")
                    .isEqualTo(oneRequest.get(0).port());
            assertThat(turns).extracting(Answer::thread).containsOnly(threadOf(loop));
            assertThat(Mono.fromCallable(() -> twoPools.laneOf(Thread.currentThread()).pools())
                    .subscribeOn(Schedulers.fromExecutor(loop)).block(Duration.ofSeconds(5))).hasSize(2);
        } finally {
            twoPools.dispose();
        }
    }

    @Test
    void afterDisposeNoLoopPoolsAreMade() {
        connector.dispose();
        started.set(serverLoops.onServer(true));

        assertThat(connector.isDisposed()).isTrue();
        assertThat(connector.loopCount()).isZero();
        assertThat(poolsMade).containsExactly("-1/1");
    }

    private Mono<Answer> call() {
        return Mono.deferContextual(context -> connector.client(context, false).get().uri(root).responseContent().aggregate()
                .asString().map(port -> new Answer(port, Thread.currentThread().getName())));
    }

    /** Subscribes the call on {@code loop}, as a request handled on that loop would. */
    private Answer callOn(EventLoop loop) {
        return Mono.defer(this::call).subscribeOn(Schedulers.fromExecutor(loop)).block(Duration.ofSeconds(5));
    }

    private static String threadOf(EventLoop loop) {
        AtomicReference<String> name = new AtomicReference<>();
        loop.submit(() -> name.set(Thread.currentThread().getName())).syncUninterruptibly();
        return name.get();
    }

    private static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    private record Answer(String port, String thread) {
    }
}
