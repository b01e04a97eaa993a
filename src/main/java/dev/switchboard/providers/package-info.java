/**
 * Providers and their keys as data, the client contract, and the HTTP exchange all wire formats
 * share.
 */
@NullMarked
package dev.switchboard.providers;

import org.jspecify.annotations.NullMarked;
