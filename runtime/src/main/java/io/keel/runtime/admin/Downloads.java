package io.keel.runtime.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends a file written under the data dir to the caller as an attachment, naming where it stays on disk. */
final class Downloads {
    private Downloads() {
    }

    static void send(ServerResponse res, Path file, String pathHeader) throws IOException {
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + file.getFileName() + "\"");
        res.header(pathHeader, file.toAbsolutePath().toString());
        res.contentLength(Files.size(file));
        try (InputStream in = Files.newInputStream(file); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        }
    }
}
