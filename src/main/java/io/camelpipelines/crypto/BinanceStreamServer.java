package io.camelpipelines.crypto;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's WebSocket endpoint, a real Vert.x WebSocket on the application's own HTTP server
 * (ws://127.0.0.1:8080/sim/binance/stream): clients connect as they would to Binance, every trade
 * frame is pushed to all of them, and a SUBSCRIBE is answered like Binance does. A client that does not keep up
 * (its write queue is full) misses frames rather than making the server buffer without bound; the frames it
 * missed are counted.
 */
public class BinanceStreamServer {

    private static final Logger LOG = LoggerFactory.getLogger(BinanceStreamServer.class);

    private final String path;
    private final TradeSimulator simulator;
    private final Set<ServerWebSocket> clients = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean attached;

    public BinanceStreamServer(String path, TradeSimulator simulator) {
        this.path = path;
        this.simulator = simulator;
    }

    /** Adds the endpoint to the platform-http router; called once the HTTP server runs. */
    public synchronized void attach(CamelContext context) {
        if (attached) {
            return;
        }
        // the router is registered under a name that depends on the port when it is not the default one
        int port = Integer.parseInt(context.getPropertiesComponent().resolveProperty("camel.server.port").orElse("8080"));
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            throw new IllegalStateException("No platform-http router to serve the simulator's WebSocket on");
        }
        router.route(path).handler(rc -> rc.request().toWebSocket().onSuccess(ws -> {
            clients.add(ws);
            ws.closeHandler(v -> clients.remove(ws));
            ws.textMessageHandler(message -> {
                String reply = simulator.subscribeReply(message);
                if (reply != null) {
                    ws.writeTextMessage(reply);
                }
            });
        }).onFailure(rc::fail));
        attached = true;
        LOG.info("Binance-compatible trade stream simulator at ws://<camel.server.host>:<camel.server.port>{}", path);
    }

    /** Pushes the frames to every connected client; returns how many clients there are. */
    public int broadcast(List<String> frames) {
        for (ServerWebSocket ws : clients) {
            for (String frame : frames) {
                if (ws.writeQueueFull()) {
                    if (skipped.getAndIncrement() % 10_000 == 0) {
                        LOG.warn("A client of the trade stream simulator does not keep up: frames skipped so far: {}",
                                skipped.get());
                    }
                    continue;
                }
                ws.writeTextMessage(frame);
            }
        }
        return clients.size();
    }

    /** Frames not sent to a client whose write queue was full. */
    public long skipped() {
        return skipped.get();
    }

    /** Closes every client connection, as a network drop would. */
    public void dropConnections() {
        clients.forEach(ws -> ws.close());
    }

    public int clients() {
        return clients.size();
    }
}
