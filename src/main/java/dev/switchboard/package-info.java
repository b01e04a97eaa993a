/**
 * The application and its wiring: the beans that assemble the pipeline (top layer; nothing depends
 * on it).
 */
@NullMarked
package dev.switchboard;

import org.jspecify.annotations.NullMarked;
