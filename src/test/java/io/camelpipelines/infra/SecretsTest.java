package io.camelpipelines.infra;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void passwordsInAddressesAreHidden() {
        assertThat(Secrets.mask("mongodb://reader:S3cr3t@db1:27017,db2:27017/?authSource=admin"))
                .isEqualTo("mongodb://reader:***@db1:27017,db2:27017/?authSource=admin")
                .doesNotContain("S3cr3t");
        assertThat(Secrets.mask("jdbc:postgresql://db:5432/pipelines?user=app&password=S3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/pipelines?user=app&password=***&ssl=true");
        assertThat(Secrets.mask("https://elastic:S3cr3t@es1:9200,https://es2:9200")).doesNotContain("S3cr3t");
        assertThat(Secrets.mask("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
                + "password=\"S3cr3t\";")).doesNotContain("S3cr3t").contains("password=\"***\"");
    }

    @Test
    void addressesWithoutSecretsAreUnchanged() {
        for (String a : new String[] {"127.0.0.1:9092", "http://127.0.0.1:9200", "mongodb://127.0.0.1:27017",
                "jdbc:postgresql://127.0.0.1:5433/pipelines (user pipelines)"}) {
            assertThat(Secrets.mask(a)).isEqualTo(a);
        }
    }
}
