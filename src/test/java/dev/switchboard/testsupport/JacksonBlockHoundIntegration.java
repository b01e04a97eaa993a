package dev.switchboard.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Jackson builds a type's deserializer once, under a short-lived lock, then caches it. When several
 * requests read a type for the first time at once (e.g. concurrent first chat requests), the losers
 * park on that lock for microseconds and BlockHound reports it as blocking on the event loop. It is a
 * one-time cache fill, not I/O, so it is allowed; everything else stays guarded.
 */
public final class JacksonBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
    }
}
