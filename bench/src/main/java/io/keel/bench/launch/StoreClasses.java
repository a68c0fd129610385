package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's own classes, loaded from its class path into this JVM in a separate class loader: the benchmark reads
 * definitions from the store (the export's columns) instead of keeping a copy that could drift, and runs the raw
 * in-process H2 scan with the same H2 driver. Closing releases the jars. Not thread-safe.
 */
public final class StoreClasses implements AutoCloseable {
    private final URLClassLoader loader;

    public StoreClasses(String classpath) {
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator, -1)) {
            try {
                if (entry.endsWith(File.separator + "*") || entry.equals("*")) {
                    Path dir = Path.of(entry.substring(0, entry.length() - 1));
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                        for (Path jar : jars) {
                            urls.add(jar.toUri().toURL());
                        }
                    }
                } else if (!entry.isBlank()) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            } catch (IOException e) {
                throw new BenchException("cannot read the store class path entry " + entry + ": " + e, e);
            }
        }
        this.loader = new URLClassLoader("keel-store", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
    }

    /** A {@code static final String} of a store class (package-private ones too). */
    public String constant(String className, String field) {
        try {
            var f = Class.forName(className, true, loader).getDeclaredField(field);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new BenchException("cannot read " + className + "." + field + " from the store class path: " + e, e);
        }
    }

    /** An instance of a class on the store class path made with its no-argument constructor (a JDBC driver). */
    public Object instance(String className) {
        try {
            return Class.forName(className, true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new BenchException("cannot load " + className + " from the store class path: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            // Only jar handles: released with the JVM at the latest.
        }
    }
}
