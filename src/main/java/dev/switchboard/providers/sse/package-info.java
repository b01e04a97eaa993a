/** Server-sent-event decoding of upstream streams, and their end markers. */
@NullMarked
package dev.switchboard.providers.sse;

import org.jspecify.annotations.NullMarked;
