package io.keel.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Locale;

/**
 * Guard that keeps the load generator on this machine. The tool produces thousands of requests per second and slow
 * multi-hundred-megabyte uploads; pointed at a remote host by mistake it would be an attack, so every target URI is
 * checked here and anything but loopback is refused. No DNS lookup is made: only the literal names count.
 * Stateless and thread-safe.
 */
public final class Loopback {
    private Loopback() {
    }

    /** Whether {@code uri} names this machine: {@code localhost}, {@code 127.x.x.x} or {@code ::1}. */
    public static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || isIpv4Loopback(h);
    }

    /** Returns {@code uri} when it is a loopback http(s) URI, else throws {@link BenchException} naming the host. */
    public static URI require(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new BenchException("target must be an http:// or https:// URL, got '" + uri + "'");
        }
        if (!isLoopback(uri)) {
            throw new BenchException("refusing to send load to host '" + uri.getHost() + "' in '" + uri
                    + "': only 127.0.0.1, localhost and ::1 are allowed");
        }
        return uri;
    }

    private static boolean isIpv4Loopback(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A TCP port free on 127.0.0.1 right now, for a child that cannot bind port 0 and report it. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BenchException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
