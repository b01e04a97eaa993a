/**
 * The Task API's run and store: a task through the pipeline, strict JSON and its repair round,
 * stored results.
 */
@NullMarked
package dev.switchboard.tasks;

import org.jspecify.annotations.NullMarked;
