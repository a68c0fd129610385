package io.keel.runtime.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.keel.runtime.config.ConfigException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code Forwarded} / {@code X-Forwarded-For} headers are believed ({@code KEEL_TRUSTED_PROXIES}:
 * addresses or CIDR blocks, comma-separated). A client can write any header it likes, so the header is read only
 * when the direct peer is one of these; the client address is then the right-most address in the chain that is not
 * itself a trusted proxy (the left-most entries are whatever the client claimed). With none configured (the default)
 * the client address is always the direct peer. Immutable and thread-safe.
 */
public final class TrustedProxies {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    @SuppressWarnings("ArrayRecordComponent") // a private address prefix, built once, never compared or changed
    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[full] ^ network[full]) & (0xff << (8 - rest))) == 0;
        }
    }

    private final List<Block> blocks;
    private final String text;

    private TrustedProxies(List<Block> blocks, String text) {
        this.blocks = List.copyOf(blocks);
        this.text = text;
    }

    /** No proxy trusted: the client is always the direct peer. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), "");
    }

    /**
     * Parses {@code 10.0.0.1, 10.1.0.0/16, ::1}; only literal addresses (no host names: a lookup at start would make
     * trust depend on DNS). Fails naming the setting and the bad entry.
     */
    public static TrustedProxies parse(String text) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String address = slash < 0 ? e : e.substring(0, slash);
            byte[] bytes = literal(address).orElseThrow(() -> invalid(text, e));
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                String bits = e.substring(slash + 1);
                if (!Numbers.isAsciiDigits(bits, 3) || Integer.parseInt(bits) > bytes.length * 8) {
                    throw invalid(text, e);
                }
                prefix = Integer.parseInt(bits);
            }
            blocks.add(new Block(bytes, prefix));
        }
        return new TrustedProxies(blocks, text.trim());
    }

    private static ConfigException invalid(String text, String entry) {
        return new ConfigException("invalid setting trusted-proxies='" + text + "': '" + entry
                + "' is not an IP address or CIDR block (e.g. 10.0.0.1, 10.0.0.0/8, ::1)");
    }

    private static Optional<byte[]> literal(String address) {
        if (address.isEmpty() || !LITERAL.matcher(address).matches()) {
            return Optional.empty();
        }
        try {
            // a literal (digits, dots, colons and hex only) is parsed without any name lookup
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    boolean trusts(String address) {
        if (blocks.isEmpty()) {
            return false;
        }
        return literal(address).map(bytes -> blocks.stream().anyMatch(b -> b.contains(bytes))).orElse(false);
    }

    /**
     * The client address of {@code req}: its direct peer, or when that is a trusted proxy the right-most untrusted
     * address its {@code Forwarded} (preferred) or {@code X-Forwarded-For} header names.
     */
    public String clientAddress(ServerRequest req) {
        String peer = req.remotePeer().host();
        if (!trusts(peer)) {
            return peer;
        }
        List<String> chain = forwardedChain(req);
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (literal(hop).isEmpty()) {
                return peer; // an unusable entry: trust stops here, so the proxy itself is the client we know
            }
            if (!trusts(hop)) {
                return hop;
            }
        }
        return chain.isEmpty() ? peer : chain.get(0);
    }

    private static List<String> forwardedChain(ServerRequest req) {
        List<String> chain = new ArrayList<>();
        List<String> forwarded = req.headers().values(HeaderNames.FORWARDED);
        if (!forwarded.isEmpty()) {
            for (String value : forwarded) {
                for (String element : value.split(",", -1)) {
                    for (String pair : element.split(";", -1)) {
                        String p = pair.trim();
                        if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
                            chain.add(stripForwardedNode(p.substring(4)));
                        }
                    }
                }
            }
            return chain;
        }
        for (String value : req.headers().values(HeaderNames.X_FORWARDED_FOR)) {
            for (String hop : value.split(",", -1)) {
                if (!hop.isBlank()) { // "a, b," names two hops, not three
                    chain.add(hop.trim());
                }
            }
        }
        return chain;
    }

    /** {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1}; {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
    private static String stripForwardedNode(String node) {
        String n = node.trim();
        if (n.startsWith("\"") && n.endsWith("\"") && n.length() >= 2) {
            n = n.substring(1, n.length() - 1);
        }
        if (n.startsWith("[")) {
            int end = n.indexOf(']');
            return end > 0 ? n.substring(1, end) : n;
        }
        int colon = n.indexOf(':');
        return colon > 0 && n.indexOf(':', colon + 1) < 0 ? n.substring(0, colon) : n;
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }
}
