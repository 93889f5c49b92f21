package io.camelpipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RenamedPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void oldNamesFromAFileTheEnvironmentOrMinusDAreAppliedToTheirNewNames() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"),
                "clickstream.consumers=3\ncrypto.symbols=BTCUSDT\ncrypto-prices.topic=kept\n");
        Properties sys = new Properties();
        sys.setProperty("pipelines.config", file.toString());
        sys.setProperty("food-orders.lake.max-records", "500");
        ConfigFiles config = ConfigFiles.resolve(Map.of("CRYPTO_CANDLES_PERIOD", "2000"), sys);

        Map<String, String> set = new HashMap<>();
        Map<String, String> applied = RenamedProperties.apply(config, set::put);

        assertThat(set).containsOnly(
                Map.entry("clickstream.sink.consumers", "3"),
                Map.entry("crypto-prices.symbols", "BTCUSDT"),
                Map.entry("food-orders.lake.batch-size", "500"),
                Map.entry("crypto-prices.candles.period", "2000"));
        assertThat(applied).containsEntry("crypto.symbols", "crypto-prices.symbols");
    }

    @Test
    void aConfigurationWithOnlyNewNamesChangesNothing() {
        Properties sys = new Properties();
        sys.setProperty("pipelines.config", Path.of("application.properties").toAbsolutePath().toString());
        Map<String, String> set = new HashMap<>();
        RenamedProperties.apply(ConfigFiles.resolve(Map.of(), sys), set::put);
        assertThat(set).as("the repository's own application.properties uses no old name").isEmpty();
    }
}
