package io.camelpipelines.common;

/** Turns one record's bytes into a validated value of a pipeline, or says why it cannot. */
@FunctionalInterface
public interface RecordParser<T> {

    T parse(byte[] value) throws InvalidRecordException;
}
