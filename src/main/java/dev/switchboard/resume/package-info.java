/**
 * Resumable streams: a streamed answer that outlives its client's connection. Each event gets an id; when the
 * connection drops, {@link dev.switchboard.resume.ResumableStream} keeps reading the upstream for a grace period
 * and keeps what arrives (bounded in bytes), and a client that comes back with {@code Last-Event-ID} continues
 * with the next event of the same generation. {@link dev.switchboard.resume.ResumableStreams} holds this
 * instance's streams. Frames are kept as the surface wrote them (without their id), so a replay is exact.
 */
@NullMarked
package dev.switchboard.resume;

import org.jspecify.annotations.NullMarked;
