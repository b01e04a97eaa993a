package dev.switchboard.resume;

/**
 * One event of a resumable stream as its surface wrote it, without its id.
 *
 * @param seq its place in the stream, from 1
 */
public record Frame(long seq, byte[] bytes) {
}
