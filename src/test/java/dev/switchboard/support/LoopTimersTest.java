package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class LoopTimersTest {

    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTimerSetOnAnEventLoopFiresOnThatLoop() throws Exception {
        EventLoop loop = LOOPS.next();
        AtomicReference<Thread> firedOn = new AtomicReference<>();
        CountDownLatch fired = new CountDownLatch(1);
        Thread loopThread = loop.submit(() -> {
            LoopTimers.schedule(Schedulers.parallel(), () -> {
                firedOn.set(Thread.currentThread());
                fired.countDown();
            }, 5, TimeUnit.MILLISECONDS);
            return Thread.currentThread();
        }).get(5, TimeUnit.SECONDS);

        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(firedOn.get()).isSameAs(loopThread);
    }

    @Test
    void aDelayOnAnEventLoopEmitsOnThatLoop() throws Exception {
        EventLoop loop = LOOPS.next();
        CompletableFuture<String> emittedOn = new CompletableFuture<>();
        String loopThread = loop.submit(() -> {
            Mono.delay(Duration.ofMillis(5), LoopTimers.scheduler())
                    .subscribe(tick -> emittedOn.complete(Thread.currentThread().getName()), emittedOn::completeExceptionally);
            return Thread.currentThread().getName();
        }).get(5, TimeUnit.SECONDS);

        assertThat(emittedOn.get(5, TimeUnit.SECONDS)).isEqualTo(loopThread);
    }

    @Test
    void aTimerCancelledOnItsLoopNeverFires() throws Exception {
        EventLoop loop = LOOPS.next();
        CountDownLatch fired = new CountDownLatch(1);
        Disposable timer = loop.submit(() -> {
            Disposable scheduled = LoopTimers.schedule(Schedulers.parallel(), fired::countDown, 50, TimeUnit.MILLISECONDS);
            scheduled.dispose();
            return scheduled;
        }).get(5, TimeUnit.SECONDS);

        assertThat(timer.isDisposed()).isTrue();
        assertThat(fired.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aTimerCancelledFromAnotherThreadNeverFires() throws Exception {
        EventLoop loop = LOOPS.next();
        CountDownLatch fired = new CountDownLatch(1);
        Disposable timer = loop.submit(() -> LoopTimers.schedule(Schedulers.parallel(), fired::countDown, 100,
                TimeUnit.MILLISECONDS)).get(5, TimeUnit.SECONDS);

        timer.dispose();

        assertThat(fired.await(300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(timer.isDisposed()).isTrue();
    }

    @Test
    void offALoopTheTimersFollowVirtualTime() {
        StepVerifier.withVirtualTime(() -> Mono.delay(Duration.ofHours(1), LoopTimers.scheduler()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMinutes(59))
                .thenAwait(Duration.ofMinutes(1))
                .expectNext(0L)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void offALoopATimeoutFollowsVirtualTime() {
        StepVerifier.withVirtualTime(() -> Mono.never().timeout(Duration.ofSeconds(30), Mono.just("timed out"),
                        LoopTimers.scheduler()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(30))
                .expectNext("timed out")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
