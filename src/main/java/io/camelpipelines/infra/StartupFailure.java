package io.camelpipelines.infra;

/**
 * A startup problem the operator can fix: its message is printed as one line (no stack trace),
 * names the cause and the property to change, and the process exits non-zero.
 */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first StartupFailure in a cause chain, so wrappers added by Camel do not hide it. */
    public static StartupFailure find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StartupFailure f) {
                return f;
            }
        }
        return null;
    }
}
