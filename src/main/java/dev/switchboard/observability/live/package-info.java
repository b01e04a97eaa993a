/** The live feed {@code GET /api/v1/live} for dashboards. */
@NullMarked
package dev.switchboard.observability.live;

import org.jspecify.annotations.NullMarked;
