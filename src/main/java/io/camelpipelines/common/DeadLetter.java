package io.camelpipelines.common;

/** A record that goes to {@code <topic>.dlq}: its original key and bytes, and why. */
public record DeadLetter(String topic, byte[] key, byte[] value, String reason, String route, String origin) {
}
