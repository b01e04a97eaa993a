/** Document text for tasks: uploads, file kinds and text extraction. */
@NullMarked
package dev.switchboard.tasks.documents;

import org.jspecify.annotations.NullMarked;
