package io.camelpipelines.infra;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpAuthenticationTest {

    private final HttpAuthentication auth = new HttpAuthentication("operator", "s3cret:with colon",
            List.of("/observe/health", "/sim/*"));

    @Test
    void onlyTheExactUserAndPasswordPass() {
        assertThat(auth.authorized(basic("operator:s3cret:with colon"))).isTrue();
        assertThat(auth.authorized("basic " + Base64.getEncoder().encodeToString(
                "operator:s3cret:with colon".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(auth.authorized(basic("operator:s3cret"))).isFalse();
        assertThat(auth.authorized(basic("Operator:s3cret:with colon"))).isFalse();
        assertThat(auth.authorized(basic("operator:s3cret:with colon "))).isFalse();
        assertThat(auth.authorized("Basic not-base64!")).isFalse();
        assertThat(auth.authorized("Bearer abc")).isFalse();
        assertThat(auth.authorized(null)).isFalse();
    }

    @Test
    void openPathsAreExactOrPrefixesEndingInAStar() {
        assertThat(auth.open("/observe/health")).isTrue();
        assertThat(auth.open("/observe/healthz")).isFalse();
        assertThat(auth.open("/observe/jolokia/read")).isFalse();
        assertThat(auth.open("/sim/binance/stream")).isTrue();
        assertThat(auth.open("/simulated")).isFalse();
        assertThat(auth.open("/api/pipelines")).isFalse();
    }

    @Test
    void loopbackIsLocalAndTheWildcardIsNot() {
        assertThat(HttpAuthentication.loopback("127.0.0.1")).isTrue();
        assertThat(HttpAuthentication.loopback("localhost")).isTrue();
        assertThat(HttpAuthentication.loopback("0.0.0.0")).isFalse();
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
