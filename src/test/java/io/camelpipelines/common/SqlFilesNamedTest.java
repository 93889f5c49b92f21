package io.camelpipelines.common;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlFilesNamedTest {

    @Test
    void everyNamedValueOutsideCommentsBecomesAPlaceholderInOrderAndCastsStay() {
        SqlFiles.Named named = SqlFiles.Named.parse("""
                -- rows that arrived after :since (a comment: not a parameter)
                SELECT (t / :ms) * :ms, '-infinity'::timestamptz
                FROM x WHERE at > :since::timestamptz AND t >= :from_ms -- up to :to_ms
                """);
        assertThat(named.names()).isEqualTo(List.of("ms", "ms", "since", "from_ms"));
        assertThat(named.jdbc()).contains("(t / ?) * ?").contains("at > ?::timestamptz AND t >= ?")
                .contains("'-infinity'::timestamptz").doesNotContain(":since").doesNotContain("--");
    }

    @Test
    void theCandleStatementNamesOnlyTheValuesCandlesBinds() {
        SqlFiles.Named named = SqlFiles.Named.parse(SqlFiles.classpath("sql/crypto-prices/upsert-candles.sql"));
        assertThat(named.names()).containsOnly("ms", "since", "from_ms", "to_ms");
        assertThat(named.jdbc()).doesNotContain(":ms").doesNotContain(":since");
    }
}
