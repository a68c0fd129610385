package io.keel.bench.launch;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PsqlTest {
    @Test
    void parsesLibpqAndJdbcUrlsWithDefaults() {
        assertThat(Psql.parse("postgresql://127.0.0.1:5432/test")).isEqualTo(new Psql("127.0.0.1", 5432, "test",
                "postgres"));
        assertThat(Psql.parse("jdbc:postgresql://bob@localhost/shop")).isEqualTo(new Psql("localhost", 5432, "shop",
                "bob"));
    }

    @Test
    void refusesRemoteServersAndNonPostgresUrls() {
        assertThatThrownBy(() -> Psql.parse("postgresql://db.example.com/test")).isInstanceOf(BenchException.class)
                .hasMessageContaining("db.example.com");
        assertThatThrownBy(() -> Psql.parse("mysql://127.0.0.1/test")).isInstanceOf(BenchException.class)
                .hasMessageContaining("not a URL like postgresql://");
        assertThatThrownBy(() -> Psql.parse("postgresql://127.0.0.1")).isInstanceOf(BenchException.class);
    }

    @Test
    void theStoreGetsTheSchemaAsCurrentSchemaAndOnlyPlainNamesAreAccepted() {
        Psql pg = Psql.parse("postgresql://127.0.0.1:5432/test");
        assertThat(pg.storeUrl("keel_bench_1")).isEqualTo(
                "postgresql://postgres@127.0.0.1:5432/test?currentSchema=keel_bench_1");
        assertThatThrownBy(() -> pg.dropSchema("x; DROP TABLE y")).isInstanceOf(BenchException.class);
    }

    @Test
    void csvCountCountsLinesBytesAndKeepsTheHeader() throws IOException {
        CsvCount c = CsvCount.read(new ByteArrayInputStream("id,user_id\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(c).isEqualTo(new CsvCount(3, 19, "id,user_id"));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "KEEL_TEST_PG_URL", matches = ".+")
    void copiesTheExportColumnsFromAFreshSchemaAndDropsIt() {
        Psql pg = Psql.parse(System.getenv("KEEL_TEST_PG_URL"));
        String schema = pg.createSchema();
        try {
            pg.execute("CREATE TABLE " + schema + ".orders (id BIGINT, user_id BIGINT, created_at TIMESTAMPTZ, "
                    + "status TEXT, currency TEXT, total_cents BIGINT, item_count INT); INSERT INTO " + schema
                    + ".orders VALUES (1, 7, now(), 'placed', 'EUR', 100, 2), (2, 7, now(), 'placed', 'EUR', 50, 1)");
            ExportQuery query;
            try (StoreClasses store = new StoreClasses(System.getProperty("java.class.path"))) {
                query = ExportQuery.fromStore(store);
            }
            Psql.CopyResult copy = pg.copyExport(schema, query);
            assertThat(copy.rows()).isEqualTo(2);
            assertThat(copy.rowsPerSecond()).isPositive();
        } finally {
            pg.dropSchema(schema);
        }
        assertThatThrownBy(() -> pg.execute("SELECT 1 FROM " + schema + ".orders"))
                .isInstanceOf(BenchException.class).hasMessageContaining("does not exist");
    }
}
