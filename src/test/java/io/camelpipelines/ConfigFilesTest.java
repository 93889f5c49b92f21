package io.camelpipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.camelpipelines.infra.StartupFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFilesTest {

    @TempDir
    Path dir;

    private static Properties sys(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void workingDirectoryFileComesBeforeTheJarDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "a=1\n");
        ConfigFiles c = ConfigFiles.resolve(Map.of(), sys("pipelines.config", file.toString()));
        assertThat(c.profile()).isEmpty();
        assertThat(c.locations()).isEqualTo("file:" + file + ",classpath:application.properties;optional=true");
    }

    @Test
    void profileFileBesideTheConfigWinsThenTheJarsProfileFile() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "a=1\n");
        Files.writeString(dir.resolve("application-staging.properties"), "a=2\n");
        ConfigFiles c = ConfigFiles.resolve(Map.of("CAMEL_MAIN_PROFILE", "staging"), sys("pipelines.config", file.toString()));
        assertThat(c.profile()).contains("staging");
        assertThat(c.locations().split(",")).containsExactly(
                "file:" + dir.resolve("application-staging.properties") + ";optional=true",
                "file:" + file,
                "classpath:application-staging.properties;optional=true",
                "classpath:application.properties;optional=true");
    }

    @Test
    void profileCanBeChosenInTheFileItself() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "camel.main.profile=prod\n");
        assertThat(ConfigFiles.resolve(Map.of(), sys("pipelines.config", file.toString())).profile()).contains("prod");
    }

    @Test
    void unknownProfileIsOneClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "a=1\n");
        assertThatThrownBy(() -> ConfigFiles.resolve(Map.of("CAMEL_MAIN_PROFILE", "prdo"), sys("pipelines.config", file.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("Unknown profile 'prdo'")
                .hasMessageContaining("CAMEL_MAIN_PROFILE")
                .hasMessageContaining("known profiles: prod");
    }

    @Test
    void namedConfigFileThatDoesNotExistIsOneClearError() {
        assertThatThrownBy(() -> ConfigFiles.resolve(Map.of("PIPELINES_CONFIG", dir.resolve("nope.properties").toString()),
                new Properties()))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("nope.properties does not exist")
                .hasMessageContaining("PIPELINES_CONFIG");
    }

    @Test
    void unreadableConfigFileIsOneClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "a=\\u12\n");
        assertThatThrownBy(() -> ConfigFiles.resolve(Map.of(), sys("pipelines.config", file.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("cannot be read");
    }
}
