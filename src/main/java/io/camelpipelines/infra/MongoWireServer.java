package io.camelpipelines.infra;

import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;

/**
 * A MongoDB wire-protocol server in this JVM (no real mongod can be installed here). Its store is in
 * memory ({@link CompactMemoryBackend}): Kafka is the source of truth, and the consumers that fill it replay their
 * topic when it starts empty (see the README).
 */
public class MongoWireServer implements EmbeddedService {

    private final String host;
    private final int requestedPort;
    private int port;
    private MongoServer server;

    public MongoWireServer(String host, int port) {
        this.host = host;
        this.requestedPort = port;
    }

    @Override
    public String name() {
        return "mongodb";
    }

    @Override
    public void start() {
        // a restart keeps the port it had, so clients reconnect to the same address; a port requested as 0 is
        // picked by the system while binding it, so no other process can take it in between
        int wanted = port != 0 ? port : requestedPort;
        if (wanted != 0) {
            Ports.claim(host, wanted, "mongodb.embedded.port");
        }
        server = new MongoServer(new CompactMemoryBackend());
        server.bind(host, wanted);
        port = server.getLocalAddress().getPort();
    }

    public String uri() {
        return "mongodb://" + host + ":" + port;
    }

    @Override
    public String address() {
        return uri();
    }

    @Override
    public String description() {
        return "in-process wire server, in-memory store";
    }

    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("mongodb.uri", uri());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }
}
