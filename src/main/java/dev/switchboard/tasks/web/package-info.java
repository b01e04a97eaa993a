/** The Task API endpoints under {@code /api/v1/brain}. */
@NullMarked
package dev.switchboard.tasks.web;

import org.jspecify.annotations.NullMarked;
