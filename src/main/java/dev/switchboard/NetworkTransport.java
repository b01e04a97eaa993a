package dev.switchboard;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.uring.IoUring;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Netty transport the event loops run on, for the startup log.
 *
 * <p>Reactor Netty chooses, not the gateway: io_uring when its classes are on the class path (the pom puts them
 * there) and the kernel lets the process use it, else epoll, else NIO. The choice matters for cost: on the
 * benchmark machine io_uring took a proxied request from about 8.6 system calls to 0.3 and its CPU by a
 * quarter (docs/PERFORMANCE.md). A container's seccomp filter (Docker's default one among them) or
 * {@code kernel.io_uring_disabled} refuses io_uring, and the gateway then runs on epoll, correctly but dearer;
 * the log line says so and why.
 */
public final class NetworkTransport {

    /** Transport name to the handle type its event loops take, in Reactor Netty's order of preference. */
    private static final Map<String, String> HANDLES = handles();

    private NetworkTransport() {
    }

    /** The transport {@code loops} run on: {@code io_uring}, {@code epoll}, {@code kqueue}, {@code nio}, or "unknown". */
    public static String of(EventLoopGroup loops) {
        if (loops instanceof IoEventLoopGroup group) {
            for (Map.Entry<String, String> handle : HANDLES.entrySet()) {
                Class<? extends IoHandle> type = handleType(handle.getValue());
                if (type != null && group.isCompatible(type)) {
                    return handle.getKey();
                }
            }
        }
        return "unknown";
    }

    /** One line for the log: the transport, and when it is not io_uring, why io_uring was not used. */
    public static String describe(EventLoopGroup loops) {
        String transport = of(loops);
        if ("io_uring".equals(transport)) {
            return transport;
        }
        Throwable cause = IoUring.unavailabilityCause();
        return transport + " (io_uring " + (cause == null ? "is available but was not chosen"
                : "is not available: " + cause.getMessage()) + ")";
    }

    private static Class<? extends IoHandle> handleType(String className) {
        try {
            return Class.forName(className, false, NetworkTransport.class.getClassLoader()).asSubclass(IoHandle.class);
        } catch (ClassNotFoundException | LinkageError | ClassCastException absent) {
            return null;
        }
    }

    private static Map<String, String> handles() {
        Map<String, String> handles = new LinkedHashMap<>();
        handles.put("io_uring", "io.netty.channel.uring.IoUringIoHandle");
        handles.put("epoll", "io.netty.channel.epoll.EpollIoHandle");
        handles.put("kqueue", "io.netty.channel.kqueue.KQueueIoHandle");
        handles.put("nio", "io.netty.channel.nio.NioIoHandle");
        return handles;
    }
}
