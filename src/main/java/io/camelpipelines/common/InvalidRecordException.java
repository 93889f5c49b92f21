package io.camelpipelines.common;

/** A record that can never be processed as it is: its reason goes to the dead-letter topic and the caller's error. */
public class InvalidRecordException extends Exception {

    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
