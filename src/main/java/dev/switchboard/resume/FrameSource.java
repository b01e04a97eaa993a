package dev.switchboard.resume;

import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What a {@link ResumableStream} reads: its frames, made when it starts (given the stream, the request's
 * delivery), how one frame becomes the bytes the stream keeps, and the Reactor context the frames are read in.
 *
 * <p>Why the last two are here rather than a {@code map} and a {@code contextWrite} after the frames: the stream
 * reads every frame of a stream through them, and as operators they were two subscribers more on every chunk's
 * way (docs/PERFORMANCE.md); the stream's own reader converts a frame and answers the context itself.
 *
 * @param <T> the frames as the source writes them
 * @param frames the source of frames
 * @param bytes a frame's bytes, taken over by the stream (a buffer is released or its array kept)
 * @param context what the source sees as its subscriber's context (the request's trace and observation)
 */
public record FrameSource<T>(Function<ResumableStream, Flux<T>> frames, Function<? super T, byte[]> bytes,
        Context context) {

    /** Frames that are bytes already, read with no context of their own. */
    public static FrameSource<byte[]> ofBytes(Function<ResumableStream, Flux<byte[]>> frames) {
        return new FrameSource<>(frames, Function.identity(), Context.empty());
    }

    /** Frames converted by {@code bytes}, read in {@code context}. */
    public static <T> FrameSource<T> of(Function<ResumableStream, Flux<T>> frames, Function<? super T, byte[]> bytes,
            ContextView context) {
        return new FrameSource<>(frames, bytes, Context.of(context));
    }
}
