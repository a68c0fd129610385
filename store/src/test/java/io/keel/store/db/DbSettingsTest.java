package io.keel.store.db;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DbSettingsTest {
    private static final Path DATA = Path.of("/srv/keel-data");

    private static DbSettings withUrl(String url, String user, String password) {
        return new DbSettings(url, user, password, 4, Duration.ofSeconds(5), DATA);
    }

    @Test
    void aBlankUrlMeansTheEmbeddedH2FileDatabaseUnderTheDataDir() {
        DbSettings settings = DbSettings.defaults(DATA);

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:h2:file:/srv/keel-data/db/keel" + DbSettings.H2_FILE_OPTIONS
                + ";CACHE_SIZE=1024");
        assertThat(settings.jdbcUser()).isEqualTo("sa");
        assertThat(settings.dialect()).isEqualTo(Dialect.H2);
        assertThat(settings.poolSize()).isEqualTo(DbSettings.DEFAULT_POOL_SIZE);
        assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theH2PageCacheBoundGoesIntoTheEmbeddedUrlOnlyAndIsChecked() {
        DbSettings settings = DbSettings.defaults(DATA);

        assertThat(settings.withH2Cache(16L << 20).jdbcUrl()).endsWith(";MAX_COMPACT_TIME=0;CACHE_SIZE=16384");
        assertThat(settings.withH2Cache(0).jdbcUrl()).as("0 leaves H2's own default")
                .isEqualTo("jdbc:h2:file:/srv/keel-data/db/keel" + DbSettings.H2_FILE_OPTIONS);
        assertThat(settings.withH2Cache(1000).jdbcUrl()).as("H2 counts whole KiB").endsWith(";CACHE_SIZE=1");
        assertThat(withUrl("jdbc:h2:file:/srv/db;CACHE_SIZE=65536", "", "").withH2Cache(4L << 20).jdbcUrl())
                .as("a url of the operator's own keeps its own options")
                .isEqualTo("jdbc:h2:file:/srv/db;CACHE_SIZE=65536");
        assertThat(settings.withCompactInterval(Duration.ZERO).withH2Cache(8L << 20).h2CacheBytes())
                .isEqualTo(8L << 20);
        assertThat(settings.withH2Cache(8L << 20).withCompactInterval(Duration.ZERO).h2CacheBytes())
                .as("changing another setting keeps the cache bound").isEqualTo(8L << 20);
        assertThatThrownBy(() -> settings.withH2Cache(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("h2CacheBytes was -1");
    }

    @Test
    void onlyAnEmbeddedH2DatabaseWithoutAutoServerIsExclusiveToThisProcess() {
        assertThat(DbSettings.defaults(DATA).exclusive()).isTrue();
        assertThat(withUrl("jdbc:h2:mem:test", "", "").exclusive()).isTrue();
        assertThat(withUrl("jdbc:h2:./data/keel", "", "").exclusive()).isTrue();

        assertThat(withUrl("jdbc:h2:file:/srv/db;AUTO_SERVER=TRUE", "", "").exclusive()).isFalse();
        assertThat(withUrl("jdbc:h2:file:/srv/db;auto_server = true;WRITE_DELAY=0", "", "").exclusive()).isFalse();
        assertThat(withUrl("jdbc:h2:tcp://db.example:9092/keel", "", "").exclusive()).isFalse();
        assertThat(withUrl("jdbc:h2:ssl://db.example/keel", "", "").exclusive()).isFalse();
        assertThat(withUrl("postgresql://db.example/keel", "", "").exclusive()).isFalse();
        assertThat(withUrl("jdbc:postgresql://db.example/keel", "", "").exclusive()).isFalse();
    }

    @Test
    void aLibpqStyleUrlBecomesAJdbcUrlWithThePostgresUserByDefault() {
        DbSettings settings = withUrl("postgresql://127.0.0.1:5432/test", "", "");

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(settings.jdbcUser()).isEqualTo("postgres");
        assertThat(settings.dialect()).isEqualTo(Dialect.POSTGRESQL);
    }

    @Test
    void credentialsInTheUrlAreDecodedAndQueryParametersKept() {
        DbSettings settings = withUrl("postgres://shop:p%40ss@db.internal/store?sslmode=require", "", "");

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal/store?sslmode=require");
        assertThat(settings.jdbcUser()).isEqualTo("shop");
        assertThat(settings.jdbcPassword()).isEqualTo("p@ss");
    }

    @Test
    void explicitCredentialsWinOverThoseInTheUrl() {
        DbSettings settings = withUrl("postgresql://shop:secret@db/store", "admin", "other");

        assertThat(settings.jdbcUser()).isEqualTo("admin");
        assertThat(settings.jdbcPassword()).isEqualTo("other");
    }

    @Test
    void jdbcUrlsPassThroughUnchanged() {
        assertThat(withUrl("jdbc:h2:mem:x", "", "").jdbcUrl()).isEqualTo("jdbc:h2:mem:x");
        assertThat(withUrl("jdbc:postgresql://h/db", "u", "").jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void unsupportedOrIncompleteUrlsAreRejectedAtConstruction() {
        assertThatThrownBy(() -> withUrl("jdbc:mysql://h/db", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported database url");
        assertThatThrownBy(() -> withUrl("postgresql://h", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a host and a database");
        assertThatThrownBy(() -> withUrl("postgresql://h /x", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid url");
    }

    @Test
    void outOfRangePoolSizeAndTimeoutNameTheSettingAndValue() {
        assertThatThrownBy(() -> new DbSettings("", "", "", 0, Duration.ofSeconds(1), DATA))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("db poolSize was 0; allowed 1..200");
        assertThatThrownBy(() -> new DbSettings("", "", "", 5, Duration.ofMillis(100), DATA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionTimeout was PT0.1S");
    }

    @Test
    void aCompactIntervalIsOffOrBetween100MillisecondsAndAnHour() {
        DbSettings settings = DbSettings.defaults(DATA);

        assertThat(settings.withCompactInterval(Duration.ZERO).compactInterval()).isZero();
        assertThat(settings.withCompactInterval(Duration.ofMillis(100)).compactInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> settings.withCompactInterval(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("db compactInterval was PT0.099S; allowed 0 (off) or PT0.1S..PT1H");
        assertThatThrownBy(() -> settings.withCompactInterval(Duration.ofMinutes(61)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compactInterval was PT1H1M");
    }

    @Test
    void toStringAndMaskUrlHidePasswords() {
        DbSettings settings = withUrl("postgresql://shop:secret@db/store?password=also", "", "hunter2");

        assertThat(settings.toString()).doesNotContain("secret", "also", "hunter2").contains("****");
        assertThat(DbSettings.maskUrl("jdbc:postgresql://h/db?user=a&password=x&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=****&ssl=true");
    }
}
