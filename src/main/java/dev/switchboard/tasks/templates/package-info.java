/** Task types: YAML templates, profiles, schemas and their prompt rendering. */
@NullMarked
package dev.switchboard.tasks.templates;

import org.jspecify.annotations.NullMarked;
