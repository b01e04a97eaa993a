/**
 * HTTP plumbing every surface shares: request ids, client identity, the JSON body reader, SSE
 * framing and responses.
 */
@NullMarked
package dev.switchboard.web;

import org.jspecify.annotations.NullMarked;
