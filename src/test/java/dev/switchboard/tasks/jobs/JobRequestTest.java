package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ContentPart;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JobRequestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aQueuedRequestComesBackWhole() {
        JobRequest request = new JobRequest("describe_image", "file", "(see the attached image)", "cat.png",
                Map.of("name", "cat.png", "kind", "png", "size_bytes", 68), Map.of("language", "French"), "alpha",
                "alpha-1", 200, 0.0, List.of(new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", "low")),
                CacheDirective.fromCacheControl("no-cache, max-age=30"));

        JobRequest read = JSON.readValue(JSON.writeValueAsString(request), JobRequest.class);

        assertThat(read).isEqualTo(request);
    }

    @Test
    void anOlderRowWithoutImagesOrCacheReadsWithDefaults() {
        JobRequest read = JSON.readValue("{\"task_type\":\"generic\",\"input_type\":\"text\",\"text\":\"hi\"}",
                JobRequest.class);

        assertThat(read.images()).isEmpty();
        assertThat(read.fileInfo()).isEmpty();
        assertThat(read.cache()).isNull();
    }
}
