package dev.switchboard.resume;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.ResumeProperties;
import dev.switchboard.routing.StreamDelivery;
import dev.switchboard.web.ClientIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * This instance's resumable streams: creates them (with ids nobody can guess), finds the one a client comes back
 * for, and holds the settings and the instance-wide byte bound they share. Streams live in memory, per
 * instance: a resume that reaches another instance gets 410 {@code stream_expired} naming the instance that
 * holds the stream.
 *
 * <p>Meters: {@code switchboard.resume.streams} (open resumable streams), {@code switchboard.resume.away}
 * (of those, streams whose client is away), {@code switchboard.resume.kept.bytes} (bytes kept for clients that
 * are away), {@code switchboard.resume.resumes} (clients that came back), {@code switchboard.resume.expired} by
 * {@code reason} ({@code grace}: the client stayed away; {@code bytes}: a byte bound was reached;
 * {@code cancelled}: the client asked; {@code shutdown}).
 */
public final class ResumableStreams implements SmartLifecycle, AutoCloseable {

    private final ResumeProperties settings;
    private final Supplier<Scheduler> timers;
    private final String instance;
    private final SecureRandom random;
    private final Map<String, ResumableStream> open = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicInteger away = new AtomicInteger();
    private final Counter resumes;
    private final MeterRegistry registry;
    private volatile boolean running;

    /**
     * @param timers runs the grace timers, asked at each timer ({@code LoopTimers::scheduler}: the caller's event
     *     loop, or the parallel scheduler of that moment off one, so a test's virtual time moves them)
     */
    public ResumableStreams(ResumeProperties settings, Supplier<Scheduler> timers, MeterRegistry registry) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timers = timers;
        this.registry = registry;
        this.random = seededRandom();
        this.instance = settings.instanceId() != null ? settings.instanceId() : randomName();
        this.resumes = Counter.builder("switchboard.resume.resumes")
                .description("Clients that came back for a stream and resumed it").register(registry);
        Gauge.builder("switchboard.resume.streams", open, Map::size)
                .description("Resumable streams open on this instance").register(registry);
        Gauge.builder("switchboard.resume.away", away, AtomicInteger::get)
                .description("Resumable streams whose client is away").register(registry);
        Gauge.builder("switchboard.resume.kept.bytes", pending, AtomicLong::get).baseUnit("bytes")
                .description("Bytes kept for clients that are away").register(registry);
    }

    /** Whether streams are resumable at all ({@code switchboard.resume.grace} above 0). */
    public boolean enabled() {
        return settings.enabled();
    }

    public Duration grace() {
        return settings.grace();
    }

    /** This instance's name in stream ids. */
    public String instance() {
        return instance;
    }

    /**
     * A new stream, not started: its first {@link ResumableStream#attach} (or {@link ResumableStream#startDetached})
     * subscribes to {@code source}, which gets the stream (the request's {@link StreamDelivery}).
     *
     * @param surface the endpoint family (a resume must come to the same one)
     */
    public ResumableStream create(String client, String surface, Function<ResumableStream, Flux<byte[]>> source) {
        return create(client, surface, FrameSource.ofBytes(source));
    }

    /** The same, for a source whose frames become bytes and whose context is given by {@code source}. */
    public ResumableStream create(String client, String surface, FrameSource<?> source) {
        return new ResumableStream(this, nextId(), client, surface, source);
    }

    /**
     * The open stream a client comes back for, or a 410 {@code stream_expired}: streams end once delivered, when
     * their client stays away past the grace period, when they outgrow their byte bound, or are cancelled; a
     * stream of another client is not shown to exist.
     */
    public ResumableStream find(String streamId, String client, String surface) {
        if (!enabled()) {
            throw gone("Resumable streams are off on this instance (switchboard.resume.grace is 0): stream " + streamId
                    + " cannot be resumed.");
        }
        ResumableStream stream = open.get(streamId);
        if (stream == null || !stream.client().equals(client) && !ClientIdentity.ADMIN.equals(client)) {
            throw notOpen(streamId);
        }
        if (!stream.surface().equals(surface)) {
            throw gone("Stream " + streamId + " was started on another endpoint (" + stream.surface()
                    + "); resume it there.");
        }
        return stream;
    }

    /** Open resumable streams. */
    public int size() {
        return open.size();
    }

    /** Bytes kept for clients that are away, all streams together. */
    public long keptBytes() {
        return pending.get();
    }

    /** Bytes every open stream keeps, replay windows included (walks them all: for measurements and tests). */
    public long allKeptBytes() {
        long total = 0;
        for (ResumableStream stream : open.values()) {
            total += stream.keptBytes();
        }
        return total;
    }

    /** Ends every stream (the upstreams are cancelled): the instance is shutting down. */
    @Override
    public void close() {
        for (ResumableStream stream : new ArrayList<>(open.values())) {
            stream.endForShutdown();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** At shutdown, once the web server has stopped: ends the streams still waiting for their clients. */
    @Override
    public void stop() {
        running = false;
        close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * After the web server (so no connection comes back any more) and before the background jobs' final flush
     * (so the request log still records the streams ended here).
     */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 2000;
    }

    GatewayException notOpen(String streamId) {
        String owner = EventId.isStreamId(streamId) ? EventId.instanceOf(streamId) : null;
        if (owner != null && !owner.equals(instance)) {
            return gone("Stream " + streamId + " is held by instance '" + owner + "', not this one ('" + instance
                    + "'): a stream is kept only by the instance that started it, so a resume has to reach that "
                    + "instance (sticky sessions), or the request must start again.");
        }
        return gone("Stream " + streamId + " is not open: it was delivered in full, its client stayed away longer than "
                + "the grace period (" + settings.grace().toSeconds() + " s), it outgrew what a stream may keep, or it "
                + "was cancelled. Start the request again.");
    }

    GatewayException gone(String message) {
        return new GatewayException(410, "invalid_request_error", "stream_expired", message, null);
    }

    void register(ResumableStream stream) {
        open.put(stream.id(), stream);
    }

    /** A stream settled; {@code reason} names why it ended before delivery (null: delivered, or never resumable). */
    void ended(ResumableStream stream, @Nullable String reason) {
        open.remove(stream.id(), stream);
        if (reason != null) {
            Counter.builder("switchboard.resume.expired")
                    .description("Resumable streams that ended before their client had them all, by reason")
                    .tag("reason", reason).register(registry).increment();
        }
    }

    void resumed() {
        resumes.increment();
    }

    /** Streams whose client is away: {@code +1} when one goes, {@code -1} when it comes back or the stream ends. */
    void away(int delta) {
        away.addAndGet(delta);
    }

    /** Streams whose client is away now. */
    public int awayCount() {
        return away.get();
    }

    /** Adds to the bytes kept for clients that are away and returns the new total. */
    long pending(long delta) {
        return pending.addAndGet(delta);
    }

    Disposable afterGrace(Runnable task) {
        return timers.get().schedule(task, settings.grace().toMillis(), TimeUnit.MILLISECONDS);
    }

    long replayWindow() {
        return settings.replayWindow().toBytes();
    }

    long maxStreamBytes() {
        return settings.maxStreamBytes().toBytes();
    }

    long maxTotalBytes() {
        return settings.maxTotalBytes().toBytes();
    }

    /** {@code <instance>.<16 base64url characters>}: 96 random bits. */
    private String nextId() {
        byte[] bytes = new byte[12];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return instance + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String randomName() {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return Long.toString(Integer.toUnsignedLong(ByteBuffer.wrap(bytes).getInt()), 36)
                .toLowerCase(Locale.ROOT);
    }

    /**
     * SHA1PRNG seeded once here from the system's entropy: after that, ids are pure computation, so making one on
     * an event loop never reads {@code /dev/urandom} (which BlockHound would rightly flag).
     */
    private static SecureRandom seededRandom() {
        try {
            SecureRandom prng = SecureRandom.getInstance("SHA1PRNG");
            prng.setSeed(new SecureRandom().generateSeed(32));
            return prng;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1PRNG is missing from this JDK", e);
        }
    }
}
