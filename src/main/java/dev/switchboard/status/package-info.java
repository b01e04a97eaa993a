/** Status, provider and key-pool reports, analytics, request-log queries and alerts. */
@NullMarked
package dev.switchboard.status;

import org.jspecify.annotations.NullMarked;
