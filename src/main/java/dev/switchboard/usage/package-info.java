/** The request log and daily usage totals, written behind requests to PostgreSQL. */
@NullMarked
package dev.switchboard.usage;

import org.jspecify.annotations.NullMarked;
