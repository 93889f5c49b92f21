package io.camelpipelines.crypto;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.camelpipelines.common.DatabaseSchema;
import io.camelpipelines.common.JdbcBatchWriter;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineMetrics;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.common.SqlFiles;
import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;

/**
 * The beans the crypto-prices routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its tick table, one candle table per configured interval
 * and, with the simulator on, the simulator's WebSocket endpoint.
 */
@Configuration
public class CryptoConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings s = new Settings(context.getPropertiesComponent());
        boolean enabled = s.getBoolean("crypto-prices.enabled", true);
        SharedConnections.Shared shared = SharedConnections.ensure(context);
        Registry registry = context.getRegistry();
        DataSource dataSource = shared.dataSource();
        PipelineMetrics metrics = shared.metrics();
        List<String> symbols = Arrays.stream(s.get("crypto-prices.symbols", "BTCUSDT,ETHUSDT").split(","))
                .map(x -> x.trim().toUpperCase(Locale.ROOT)).filter(x -> !x.isEmpty()).toList();
        List<CandleInterval> intervals = CandleInterval.parseAll(s.get("crypto-prices.candles.intervals", "1m,5m"));

        StringBuilder schema = new StringBuilder(SqlFiles.load(context, "sql/crypto-prices/schema.sql"));
        Map<String, String> upserts = new LinkedHashMap<>();
        Map<String, String> selects = new LinkedHashMap<>();
        for (CandleInterval i : intervals) {
            Map<String, String> table = Map.of("table", i.table());
            schema.append(";\n").append(SqlFiles.load(context, "sql/crypto-prices/candle-table.sql", table));
            upserts.put(i.label(), SqlFiles.load(context, "sql/crypto-prices/upsert-candles.sql", table));
            selects.put(i.label(), SqlFiles.load(context, "sql/crypto-prices/select-candles.sql", table));
        }
        if (enabled) {
            DatabaseSchema.apply(dataSource, schema.toString(), "crypto-prices", s.get("postgres.url", ""));
        }

        TradeFrames frames = new TradeFrames(symbols, s.get("crypto-prices.topic", "binance-prices"), shared.deadLetters());
        registry.bind("tradeFrames", frames);
        TradeSimulator simulator = new TradeSimulator(symbols, Double.parseDouble(s.get("crypto-prices.simulator.rate", "20")));
        registry.bind("tradeSimulator", simulator);
        BinanceStreamServer server = new BinanceStreamServer(s.get("crypto-prices.simulator.path", "/sim/binance/stream"), simulator);
        registry.bind("binanceStreamServer", server);
        metrics.gauge("pipeline.simulator.frames.skipped", "Simulator frames not sent to a client that did not keep up",
                "crypto-prices", server::skipped);
        if (s.getBoolean("crypto-prices.simulator.enabled", true)) {
            // the endpoint must exist before the ingest client's first connection attempt
            try {
                context.addStartupListener((ctx, alreadyStarted) -> server.attach(ctx));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        registry.bind("cryptoTicks", new KafkaRecordBatch<>("crypto-prices", frames, metrics));
        registry.bind("cryptoTickRows", new JdbcBatchWriter<>("crypto-prices", dataSource,
                SqlFiles.load(context, "sql/crypto-prices/insert-ticks.sql"), COLUMNS, metrics));
        registry.bind("candles", new Candles(dataSource, symbols, intervals, upserts, selects,
                s.getDuration("crypto-prices.candles.overlap", Duration.ofSeconds(30))));
        // the simulator's stream names, derived from crypto-prices.symbols, for crypto-prices.ws.url
        context.getPropertiesComponent().addInitialProperty("crypto-prices.ws.streams", symbols.stream()
                .map(x -> x.toLowerCase(Locale.ROOT) + "@trade").collect(Collectors.joining("/")));
    }

    /** The columns of insert-ticks.sql, in its parameter order. */
    static final List<JdbcBatchWriter.Column<Tick>> COLUMNS = List.of(
            new JdbcBatchWriter.Column<>("text", Tick::symbol),
            new JdbcBatchWriter.Column<>("numeric", Tick::price),
            new JdbcBatchWriter.Column<>("bigint", Tick::timestamp),
            new JdbcBatchWriter.Column<>("text", Tick::eventTime),
            new JdbcBatchWriter.Column<>("numeric", Tick::volume),
            new JdbcBatchWriter.Column<>("bigint", Tick::tradeId));
}
