/** The embedded PostgreSQL of the default setup, and helpers for storing untrusted text. */
@NullMarked
package dev.switchboard.database;

import org.jspecify.annotations.NullMarked;
