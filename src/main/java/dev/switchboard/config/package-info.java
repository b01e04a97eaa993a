/** The {@code switchboard.*} settings as records, and their validation. */
@NullMarked
package dev.switchboard.config;

import org.jspecify.annotations.NullMarked;
