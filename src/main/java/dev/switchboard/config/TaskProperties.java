package dev.switchboard.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The Task API ({@code /api/v1/brain/*}).
 *
 * @param templates a YAML file of task types, laid over the built-in ones (same names replace them);
 *     unset means the built-in task types only
 * @param includeBuiltinTemplates false: only the tasks of {@code templates} exist
 * @param maxFileSize largest accepted upload; bigger ones are cut off while reading (413)
 * @param maxPages most PDF pages accepted (413 beyond)
 * @param maxInputChars longest input text, typed or extracted from a file (413 beyond)
 * @param storeInputText keep typed input text in the stored record (file inputs store the file name)
 * @param storeResponseText keep the answer text and parsed JSON in the stored record
 */
@ConfigurationProperties("switchboard.tasks")
public record TaskProperties(
        @Nullable Path templates,
        @DefaultValue("true") boolean includeBuiltinTemplates,
        @DefaultValue("10MB") DataSize maxFileSize,
        @DefaultValue("200") int maxPages,
        @DefaultValue("200000") int maxInputChars,
        @DefaultValue("true") boolean storeInputText,
        @DefaultValue("true") boolean storeResponseText) {

    public TaskProperties {
        if (maxFileSize.toBytes() < 1 || maxFileSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("switchboard.tasks.max-file-size must be between 1B and 2GB");
        }
        if (maxPages < 1 || maxInputChars < 1) {
            throw new IllegalArgumentException("switchboard.tasks.max-pages and max-input-chars must be positive");
        }
        if (!includeBuiltinTemplates && templates == null) {
            throw new IllegalArgumentException(
                    "switchboard.tasks.include-builtin-templates=false needs switchboard.tasks.templates");
        }
    }
}
