package io.camelpipelines.common;

import org.apache.camel.Exchange;

/** A valid value with the Kafka record it came from, so a sink that rejects it can dead-letter the original. */
public record ParsedRecord<T>(T value, Exchange source) {
}
