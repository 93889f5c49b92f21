package io.camelpipelines.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRealmUsersTest {

    @TempDir
    Path conf;

    @Test
    void theRealmHoldsExactlyTheUserWithElasticsearchsPbkdf2HashAndTheRole() throws Exception {
        Files.writeString(conf.resolve("users"), "someone-else:{PBKDF2}10000$x$y\n");
        FileRealmUsers.writeOnly(conf, "camel-pipelines", "s3cret-Pass", "superuser");

        List<String> users = Files.readAllLines(conf.resolve("users"));
        assertThat(users).hasSize(1);
        assertThat(users.get(0)).doesNotContain("s3cret-Pass").startsWith("camel-pipelines:{PBKDF2}10000$");
        String[] parts = users.get(0).substring("camel-pipelines:{PBKDF2}".length()).split("\\$");
        assertThat(parts).hasSize(3);
        byte[] salt = Base64.getDecoder().decode(parts[1]);
        byte[] key = Base64.getDecoder().decode(parts[2]);
        assertThat(salt).hasSize(32);
        assertThat(key).hasSize(32);
        // RFC 8018 PBKDF2 computed here from HMAC-SHA512 itself, not with the JDK's key factory the code uses
        assertThat(key).isEqualTo(pbkdf2HmacSha512("s3cret-Pass", salt, 10_000));
        assertThat(key).isNotEqualTo(pbkdf2HmacSha512("s3cret-pass", salt, 10_000));
        assertThat(Files.readAllLines(conf.resolve("users_roles"))).containsExactly("superuser:camel-pipelines");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf.resolve("users"))))
                .isEqualTo("rw-------");
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertThat(FileRealmUsers.pbkdf2("same", 1000)).isNotEqualTo(FileRealmUsers.pbkdf2("same", 1000));
    }

    /** The first 64-byte block of PBKDF2: enough for the 256-bit key Elasticsearch stores. */
    private static byte[] pbkdf2HmacSha512(String password, byte[] salt, int iterations) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA512"));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] t = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < t.length; j++) {
                t[j] ^= u[j];
            }
        }
        return java.util.Arrays.copyOf(t, 32);
    }
}
