package io.camelpipelines.infra;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElasticsearchNodeTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDistributionSaysHowToGetOneOrUseAnother() {
        ElasticsearchNode node = new ElasticsearchNode("127.0.0.1", 0, dir.resolve("nowhere"), dir.resolve("es"), "256m",
                "nobody", Duration.ofSeconds(5));
        assertThatThrownBy(node::start)
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("No Elasticsearch distribution at " + dir.resolve("nowhere"))
                .hasMessageContaining("elasticsearch.embedded.home")
                .hasMessageContaining("elasticsearch.hosts");
    }
}
