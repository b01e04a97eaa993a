/** Who may call what: client keys, the admin token, CORS, body limits and per-client limits. */
@NullMarked
package dev.switchboard.security;

import org.jspecify.annotations.NullMarked;
