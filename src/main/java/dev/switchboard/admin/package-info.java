/** Runtime control under {@code /admin}: key changes, health checks and configuration reload. */
@NullMarked
package dev.switchboard.admin;

import org.jspecify.annotations.NullMarked;
