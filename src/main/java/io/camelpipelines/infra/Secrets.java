package io.camelpipelines.infra;

import java.util.regex.Pattern;

/**
 * Hides the secrets an address may carry (a password in {@code scheme://user:password@host}, a {@code password=}
 * parameter, a JAAS {@code password="…"}) before it reaches a log line, /api/services or a health check's details.
 */
public final class Secrets {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*):([^@/\\s]*)@");
    private static final Pattern PARAMETER = Pattern.compile("(?i)((?:password|passwd|pwd|secret|token)=)([^\"&;,\\s][^&;,\\s]*)");
    private static final Pattern QUOTED = Pattern.compile("(?i)(password=\")([^\"]*)(\")");

    private Secrets() {
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = QUOTED.matcher(text).replaceAll("$1***$3");
        masked = USER_INFO.matcher(masked).replaceAll("$1:***@");
        return PARAMETER.matcher(masked).replaceAll("$1***");
    }
}
