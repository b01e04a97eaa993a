package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the gateway that cuts one connection mid-stream, as a flaky network would: the first
 * connection whose request starts with {@code cutRequest} has its response forwarded up to the end of its
 * {@code afterEvents}-th server-sent event, then both sides are closed (what the gateway wrote after that is
 * lost in flight). Every other connection is passed through untouched. Plain blocking sockets on their own
 * threads (the test's, never an event loop).
 */
public final class CuttingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final String cutRequest;
    private final int afterEvents;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private CuttingProxy(int target, String cutRequest, int afterEvents) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.cutRequest = cutRequest;
        this.afterEvents = afterEvents;
        Thread accept = new Thread(this::accept, "cutting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    public static CuttingProxy to(int targetPort, String cutRequest, int afterEvents) {
        try {
            return new CuttingProxy(targetPort, cutRequest, afterEvents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections cut so far (0 or 1). */
    public int cuts() {
        return cuts.get();
    }

    /** Connections that were made through the proxy, those that were cut included. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                connections.incrementAndGet();
                Connection connection = new Connection(client, upstream);
                start(connection::requests, "cutting-proxy-requests");
                start(connection::responses, "cutting-proxy-responses");
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listener that is already closed
        }
    }

    private final class Connection {

        final Socket client;
        final Socket upstream;
        volatile boolean cut;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void requests() {
            try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    // a kept-alive connection carries several requests, one after the other's answer (never
                    // pipelined): the one to cut may be any of them, and its answer is the next one read
                    if (!cut && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).startsWith(cutRequest)
                            && armed.compareAndSet(true, false)) {
                        cut = true;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                closeBoth();
            }
        }

        void responses() {
            try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int events = 0;
                int previous = -1;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!cut) {
                        out.write(buffer, 0, n);
                        out.flush();
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n' && previous == '\n' && ++events == afterEvents) {
                            out.write(buffer, 0, i + 1);
                            out.flush();
                            cuts.incrementAndGet();
                            return;
                        }
                        previous = buffer[i];
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                closeBoth();
            }
        }

        void closeBoth() {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
