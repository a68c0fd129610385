package io.keel.store.uploads;

import java.util.Locale;

/** Which {@link BlobStore} keeps upload bytes ({@code KEEL_UPLOAD_STORE}). */
public enum UploadStorage {
    /** {@link DiskBlobStore}: files under the data directory; one instance, or a volume all instances share. */
    DISK,
    /** {@link DatabaseBlobStore}: chunks in the shared database; any number of instances. */
    DATABASE;

    /**
     * Parses the setting's value, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException for anything but {@code disk} or {@code database}
     */
    public static UploadStorage parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "disk" -> DISK;
            case "database" -> DATABASE;
            default -> throw new IllegalArgumentException("expected disk or database");
        };
    }
}
