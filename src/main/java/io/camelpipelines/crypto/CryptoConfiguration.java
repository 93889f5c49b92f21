package io.camelpipelines.crypto;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.camelpipelines.common.CopyBatchWriter;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineConfiguration;
import io.camelpipelines.common.SqlFiles;
import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The beans the crypto-prices routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its tick table, one candle table per configured interval
 * and, with the simulator on, the simulator's WebSocket endpoint.
 */
@Configuration
public class CryptoConfiguration extends PipelineConfiguration {

    public CryptoConfiguration() {
        super("crypto-prices");
    }

    @Override
    protected void configure(Setup p) {
        Settings s = p.settings();
        CamelContext context = p.context();
        List<String> symbols = Arrays.stream(s.get("crypto-prices.symbols", "BTCUSDT,ETHUSDT").split(","))
                .map(x -> x.trim().toUpperCase(Locale.ROOT)).filter(x -> !x.isEmpty()).toList();
        List<CandleInterval> intervals = CandleInterval.parseAll(s.get("crypto-prices.candles.intervals", "1m,5m"));

        StringBuilder schema = new StringBuilder(p.sql("sql/crypto-prices/schema.sql"));
        Map<String, String> upserts = new LinkedHashMap<>();
        Map<String, String> selects = new LinkedHashMap<>();
        for (CandleInterval i : intervals) {
            Map<String, String> table = Map.of("table", i.table());
            schema.append(";\n").append(SqlFiles.load(context, "sql/crypto-prices/candle-table.sql", table));
            upserts.put(i.label(), SqlFiles.load(context, "sql/crypto-prices/upsert-candles.sql", table));
            selects.put(i.label(), SqlFiles.load(context, "sql/crypto-prices/select-candles.sql", table));
        }
        p.schema("crypto-prices", schema.toString());

        TradeFrames frames = p.bind("tradeFrames", new TradeFrames(symbols, s.get("crypto-prices.topic", "binance-prices"),
                p.shared().deadLetters()));
        TradeSimulator simulator = p.bind("tradeSimulator",
                new TradeSimulator(symbols, Double.parseDouble(s.get("crypto-prices.simulator.rate", "20"))));
        BinanceStreamServer server = p.bind("binanceStreamServer",
                new BinanceStreamServer(s.get("crypto-prices.simulator.path", "/sim/binance/stream"), simulator));
        p.metrics().gauge("pipeline.simulator.frames.skipped", "Simulator frames not sent to a client that did not keep up",
                "crypto-prices", server::skipped);
        if (s.getBoolean("crypto-prices.simulator.enabled", true)) {
            // the endpoint must exist before the ingest client's first connection attempt
            try {
                context.addStartupListener((ctx, alreadyStarted) -> server.attach(ctx));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        p.bind("cryptoTicks", new KafkaRecordBatch<>("crypto-prices", frames, p.metrics()));
        p.bind("cryptoTickRows", p.copyWriter("ticks", "ticks_staging", COLUMNS));
        Candles candles = p.bind("candles", new Candles(p.dataSource(), symbols, intervals, upserts, selects,
                s.getDuration("crypto-prices.candles.overlap", Duration.ofSeconds(30)), s.get("crypto-prices.candles.work-mem", "64MB")));
        p.control().rebuildWith((from, to) -> candles.rebuild(from, to) + " candles");
        // the simulator's stream names, derived from crypto-prices.symbols, for crypto-prices.ws.url
        context.getPropertiesComponent().addInitialProperty("crypto-prices.ws.streams", symbols.stream()
                .map(x -> x.toLowerCase(Locale.ROOT) + "@trade").collect(Collectors.joining("/")));
        p.control().describe("WebSocket " + s.get("crypto-prices.ws.url", "?").replaceFirst("\\?.*", "") + " -> topic "
                + s.get("crypto-prices.topic", "binance-prices") + " -> PostgreSQL ticks -> every "
                + s.get("crypto-prices.candles.period", "5s") + " candles " + s.get("crypto-prices.candles.intervals", "1m,5m"));
    }

    /** The columns of stage-ticks.sql, in its order. */
    static final List<CopyBatchWriter.Column<Tick>> COLUMNS = List.of(
            new CopyBatchWriter.Column<>("symbol", Tick::symbol),
            new CopyBatchWriter.Column<>("price", Tick::price),
            new CopyBatchWriter.Column<>("ts", Tick::timestamp),
            new CopyBatchWriter.Column<>("event_time", Tick::eventTime),
            new CopyBatchWriter.Column<>("volume", Tick::volume),
            new CopyBatchWriter.Column<>("trade_id", Tick::tradeId));
}
