import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The benchmark's own load generator (wrk has no fixed-rate mode in Debian, and nothing here measures
 * time to first byte of streams). Run with the gateway jar's libraries on the class path:
 *
 * <pre>
 * rate   URL BODY RPS SECONDS         fixed-rate open model; latency percentiles (coordinated-omission free:
 *                                     each request is timed from when it was due, not when it was sent)
 * stream URL BODY CONCURRENCY TOTAL [WARM]
 *                                     streams; time to first byte and total time percentiles, after WARM
 *                                     unrecorded ones (default: 200, or TOTAL if fewer)
 * hold   URL BODY CONCURRENCY         that many streams at once over HTTP/2 (h2c), all must complete
 * cancel URL BODY COUNT CHUNKS        streams cancelled after CHUNKS data events
 * serial URL BODY COUNT PAUSE_MS      one request at a time with a pause between (an idle machine's latency)
 * submit URL BODY COUNT CONCURRENCY   COUNT posts, CONCURRENCY at a time, no warm-up (e.g. jobs); counts the 2xx
 * </pre>
 *
 * Sends {@code Authorization: $AUTH} when that variable is set, and the headers in {@code HEADERS}
 * ({@code Name: value|Name2: value2}, as bench/run gives them per target). Prints one line of {@code key=value} pairs.
 */
public final class LoadClient {

    /** The extra request headers from {@code HEADERS}, read once: [name, value] pairs, none when unset or empty. */
    private static final List<String[]> HEADERS = headers(System.getenv("HEADERS"));

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String body = args[2];
        // HTTP/2 (h2c) for "hold": 10,000 HTTP/1.1 streams would need 20,000 descriptors in the gateway
        // (one per client connection, one per upstream connection), over this machine's hard limit; 160
        // connections or more (one per 62 streams) because an HTTP/2 peer usually allows 100 concurrent
        // streams per connection
        HttpClient http = "hold".equals(mode)
                ? client(Math.max(160, Integer.parseInt(args[3]) / 62 + 1)).protocol(HttpProtocol.H2C)
                : client(20_000);
        switch (mode) {
            case "rate" -> rate(http, url, body, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "stream" -> stream(http, url, body, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? Integer.parseInt(args[5]) : Math.min(200, Integer.parseInt(args[4])));
            case "hold" -> hold(http, url, body, Integer.parseInt(args[3]));
            case "cancel" -> cancel(http, url, body, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "serial" -> serial(http, url, body, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "submit" -> submit(http, url, body, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException(mode);
        }
        System.exit(0);
    }

    private static HttpClient client(int maxConnections) {
        return HttpClient.create(ConnectionProvider.builder("load").maxConnections(maxConnections)
                        .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(5)).build())
                .runOn(LoopResources.create("load", Math.max(2, Runtime.getRuntime().availableProcessors()), true))
                // reads of at least 4 KiB, as the SDKs' clients read (OkHttp 8 KiB, the JDK's 16 KiB): Netty's
                // adaptive guess shrinks below 512 B on a connection that streamed small chunks, and then split
                // a proxy's first write (headers and first content, about 900 B) over reads a turn of the event
                // loop apart, 5 to 8 ms at the 90th percentile under a burst of 100 streams (docs/PERFORMANCE.md)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 16384, 65536))
                .headers(h -> {
                    h.set("content-type", "application/json");
                    String auth = System.getenv("AUTH");
                    if (auth != null) {
                        h.set("authorization", auth);
                    }
                    HEADERS.forEach(header -> h.set(header[0], header[1]));
                })
                .responseTimeout(Duration.ofSeconds(180));
    }

    private static List<String[]> headers(String spec) {
        return spec == null ? List.of() : Arrays.stream(spec.split("\\|"))
                .filter(header -> header.indexOf(':') > 0)
                .map(header -> new String[] {header.substring(0, header.indexOf(':')).trim(),
                    header.substring(header.indexOf(':') + 1).trim()})
                .toList();
    }

    /**
     * The request body as one {@code Mono}: Reactor Netty then writes headers and body as one message (one
     * packet), as SDKs and curl do for a small JSON body. A {@code Flux} body is flushed after the headers
     * on its own, and the target waited about a millisecond for it on an idle machine.
     */
    private static Mono<ByteBuf> oneWrite(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes));
    }

    private static Mono<Integer> post(HttpClient http, String url, String body) {
        return http.post().uri(url).send(oneWrite(body))
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> response.status().code()));
    }

    static void submit(HttpClient http, String url, String body, int count, int concurrency) {
        long start = System.nanoTime();
        List<Integer> statuses = Flux.range(0, count).flatMap(i -> post(http, url, body).onErrorReturn(-1), concurrency)
                .collectList().block(Duration.ofMinutes(5));
        long accepted = statuses.stream().filter(status -> status >= 200 && status < 300).count();
        System.out.printf("accepted=%d refused=%d wall_s=%.2f%n", accepted, count - accepted,
                (System.nanoTime() - start) / 1e9);
    }

    static void rate(HttpClient http, String url, String body, int rps, int seconds) throws Exception {
        // warm up: connections, JIT on both sides
        Flux.range(0, Math.min(2000, rps * 2)).flatMap(i -> post(http, url, body), 32).blockLast();
        int total = rps * seconds;
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rps;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            post(http, url, body).subscribe(status -> {
                latencies[index] = System.nanoTime() - due;
                if (status != 200) {
                    errors.incrementAndGet();
                }
                done.countDown();
            }, error -> {
                latencies[index] = System.nanoTime() - due;
                errors.incrementAndGet();
                done.countDown();
            });
        }
        done.await(120, TimeUnit.SECONDS);
        Arrays.sort(latencies);
        System.out.printf("requests=%d errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f%n", total, errors.get(),
                ms(pct(latencies, 50)), ms(pct(latencies, 90)), ms(pct(latencies, 99)), ms(latencies[total - 1]));
    }

    /**
     * {@code warm} streams first, unrecorded: connections, and the JIT on both sides. This client is a new JVM
     * each run and shares the machine's two cores with the target, so while it still compiles its own
     * read path the time to first content of every target rises by milliseconds and scatters
     * (docs/PERFORMANCE.md, "A warm load client").
     */
    static void stream(HttpClient http, String url, String body, int concurrency, int total, int warm) throws Exception {
        if (warm > 0) {
            Flux.range(0, warm).flatMap(i -> timedStream(http, url, body), concurrency).blockLast();
        }
        List<long[]> results = Flux.range(0, total).flatMap(i -> timedStream(http, url, body), concurrency)
                .collectList().block(Duration.ofMinutes(10));
        long[] ttfb = results.stream().mapToLong(r -> r[0]).sorted().toArray();
        long[] totals = results.stream().mapToLong(r -> r[1]).sorted().toArray();
        long failures = results.stream().filter(r -> r[2] != 0).count();
        long fellBack = results.stream().filter(r -> r[3] > 1).count();
        long[] ttft = results.stream().mapToLong(r -> r[4]).sorted().toArray();
        System.out.printf("streams=%d concurrency=%d failures=%d fell_back=%d ttft_p50_ms=%.3f ttft_p99_ms=%.3f ttfb_p50_ms=%.3f "
                        + "ttfb_p99_ms=%.3f total_p50_ms=%.3f total_p99_ms=%.3f ttft_p90_ms=%.3f ttft_p95_ms=%.3f%n", total,
                concurrency, failures, fellBack, ms(pct(ttft, 50)), ms(pct(ttft, 99)), ms(pct(ttfb, 50)), ms(pct(ttfb, 99)),
                ms(pct(totals, 50)), ms(pct(totals, 99)), ms(pct(ttft, 90)), ms(pct(ttft, 95)));
    }

    /** A non-empty piece of answer text: an SSE chunk of the gateway, or an OpenAI delta (not the role-only one). */
    private static final Pattern CONTENT = Pattern.compile("\"(?:delta|content)\":\"[^\"]");

    /**
     * [time to first byte, total time (nanos), failed 0/1, x-switchboard-attempts or 0, time to first content].
     * Upstreams send headers (and OpenAI a role-only chunk) before any text; the gateway sends nothing before
     * the first text (its first-chunk probe), so first content is the like-for-like figure.
     */
    private static Mono<long[]> timedStream(HttpClient http, String url, String body) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            AtomicLong first = new AtomicLong();
            AtomicLong firstContent = new AtomicLong();
            return http.post().uri(url).send(oneWrite(body))
                    .response((response, content) -> content.asString(StandardCharsets.UTF_8)
                            .doOnNext(s -> {
                                long now = System.nanoTime();
                                first.compareAndSet(0, now);
                                if (firstContent.get() == 0 && CONTENT.matcher(s).find()) {
                                    firstContent.set(now);
                                }
                            })
                            .reduce(new StringBuilder(), StringBuilder::append)
                            .map(all -> new long[] {first.get() - start, System.nanoTime() - start,
                                response.status().code() == 200 && !failed(all) ? 0 : failure(response.status().code(), all),
                                attempts(response.responseHeaders().get("x-switchboard-attempts")),
                                firstContent.get() == 0 ? 0 : firstContent.get() - start}))
                    .next()
                    .onErrorResume(error -> Mono.just(new long[] {0, System.nanoTime() - start,
                            failure(0, error.getClass().getSimpleName()), 0, 0}));
        });
    }

    /** Failed streams by kind (status and error type or exception), printed by {@code hold}. */
    private static final java.util.Map<String, AtomicInteger> FAILURES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\":\"([^\"]+)\"");
    private static final Pattern ERROR_TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");

    /** Counts a failed stream under its kind; 1, the failure flag of a timed stream. */
    private static long failure(int status, CharSequence what) {
        java.util.regex.Matcher code = ERROR_CODE.matcher(what);
        java.util.regex.Matcher type = ERROR_TYPE.matcher(what);
        String kind = status + ":" + (code.find() ? code.group(1) : type.find() ? type.group(1)
                : what.length() > 60 ? "other" : what);
        FAILURES.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return 1;
    }

    /** An SSE error event (gateway surface) or an OpenAI error object in a data line (/v1 and upstream). */
    private static boolean failed(CharSequence stream) {
        String text = stream.toString();
        return text.contains("event: error") || text.contains("data: {\"error\"");
    }

    static void hold(HttpClient http, String url, String body, int concurrency) throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        long start = System.nanoTime();
        List<long[]> results = Flux.range(0, concurrency)
                .flatMap(i -> Mono.defer(() -> {
                    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                    return timedStream(http, url, body).doFinally(s -> open.decrementAndGet());
                }), concurrency)
                .collectList().block(Duration.ofMinutes(5));
        long failures = results.stream().filter(r -> r[2] != 0).count();
        long[] totals = results.stream().mapToLong(r -> r[1]).sorted().toArray();
        System.out.printf("streams=%d peak_open=%d failures=%d total_p50_s=%.1f total_max_s=%.1f wall_s=%.1f failure_kinds=%s%n",
                results.size(), peak.get(), failures, pct(totals, 50) / 1e9, totals[totals.length - 1] / 1e9,
                (System.nanoTime() - start) / 1e9, FAILURES.toString().replace(' ', '_'));
    }

    /**
     * One request at a time, pausing between them: the latency of a request that finds every thread of
     * the target asleep and its caches cold, which is what a lightly loaded gateway sees.
     */
    static void serial(HttpClient http, String url, String body, int count, int pauseMillis) throws Exception {
        Flux.range(0, 200).concatMap(i -> post(http, url, body)).blockLast();
        long[] latencies = new long[count];
        int errors = 0;
        for (int i = 0; i < count; i++) {
            Thread.sleep(pauseMillis);
            long start = System.nanoTime();
            Integer status = post(http, url, body).block(Duration.ofSeconds(30));
            latencies[i] = System.nanoTime() - start;
            if (status == null || status != 200) {
                errors++;
            }
        }
        Arrays.sort(latencies);
        System.out.printf("requests=%d pause_ms=%d errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f%n", count, pauseMillis,
                errors, ms(pct(latencies, 50)), ms(pct(latencies, 90)), ms(pct(latencies, 99)));
    }

    static void cancel(HttpClient http, String url, String body, int count, int chunks) throws Exception {
        AtomicInteger cancelled = new AtomicInteger();
        Flux.range(0, count).flatMap(i -> http.post().uri(url).send(oneWrite(body))
                        .response((response, content) -> content.asString(StandardCharsets.UTF_8)
                                .filter(s -> s.contains("data:")).take(chunks))
                        .then(Mono.fromRunnable(cancelled::incrementAndGet)), 1000)
                .blockLast(Duration.ofMinutes(2));
        System.out.printf("cancelled=%d%n", cancelled.get());
    }

    private static long attempts(String header) {
        return header == null ? 0 : Long.parseLong(header);
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
