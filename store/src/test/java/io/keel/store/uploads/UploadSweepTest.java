package io.keel.store.uploads;

import io.keel.store.accounts.Account;
import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Role;
import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed store left in its upload directory, swept at the next start against real rows (H2). */
class UploadSweepTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private TestDatabase db;
    private UploadRepository uploads;
    private Account owner;

    @BeforeEach
    void open() {
        db = TestDatabase.h2();
        uploads = new UploadRepository(db.database().dataSource());
        owner = new AccountRepository(db.database().dataSource())
                .create("owner@example.com", "Owner", Role.CUSTOMER, "hash", NOW).orElseThrow();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aFileWhoseRowNeverCommittedIsDeletedAndFilesWithRowsAreKept() throws IOException {
        String kept = stored("kept", true);
        String orphan = stored("orphan", false);

        UploadSweep.Result result = UploadSweep.atStart(dir, uploads);

        assertThat(result).isEqualTo(new UploadSweep.Result(0, 0, 1));
        assertThat(files()).containsExactly(kept);
        assertThat(dir.resolve(kept)).hasContent("kept");
        assertThat(orphan).isNotIn(files());
    }

    @Test
    void aCommittedUploadCutOffBeforeItsRenameIsPutInPlaceAndHalfBodiesAreDeleted() throws IOException {
        Files.createDirectories(dir.resolve(".incoming"));
        String committed = UUID.randomUUID().toString();
        insertRow(committed);
        Files.writeString(dir.resolve(".incoming").resolve(committed + ".part"), "whole body");
        Files.writeString(dir.resolve(".incoming").resolve(UUID.randomUUID() + ".part"), "half a bo");

        UploadSweep.Result result = UploadSweep.atStart(dir, uploads);

        assertThat(result).isEqualTo(new UploadSweep.Result(1, 1, 0));
        assertThat(files()).containsExactly(committed);
        assertThat(dir.resolve(committed)).hasContent("whole body");
        assertThat(uploads.find(committed)).isPresent();
    }

    @Test
    void moreFilesThanOneQueryChecksAreAllCheckedAndAMissingDirectoryIsFine() throws IOException {
        List<String> withRows = IntStream.range(0, 450).mapToObj(i -> stored("x", true)).toList();
        stored("y", false);

        assertThat(UploadSweep.atStart(dir, uploads).unnamed()).isEqualTo(1);
        assertThat(files()).containsExactlyInAnyOrderElementsOf(withRows);
        assertThat(UploadSweep.atStart(dir.resolve("missing"), uploads)).isEqualTo(new UploadSweep.Result(0, 0, 0));
    }

    private String stored(String content, boolean withRow) {
        String id = UUID.randomUUID().toString();
        try {
            Files.writeString(dir.resolve(id), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (withRow) {
            insertRow(id);
        }
        return id;
    }

    private void insertRow(String id) {
        uploads.insert(new Upload(id, owner.id(), 4, "0".repeat(64), "text/plain", id, NOW));
    }

    private List<String> files() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }
}
