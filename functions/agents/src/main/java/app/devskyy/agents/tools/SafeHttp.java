package app.devskyy.agents.tools;

import app.devskyy.core.OutboundHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Outbound HTTP for tools, to addresses a workspace or a model chose: the project's client with
 * server-side request forgery closed off. Every host is resolved first and refused when any of its
 * addresses is loopback, private, link-local (the cloud metadata endpoints among them), carrier
 * NAT, multicast or reserved; the connection goes only to the addresses that were checked (the DNS
 * answer cannot change in between); redirects are followed by hand, at most five, each checked
 * again; bodies are read to a size limit. {@code allowed} names {@code host:port} pairs let through
 * anyway: the local server's mock shops, never a deployment's default.
 */
public final class SafeHttp {

    /** An answer read to its limit. */
    public record Fetched(int status, String url, String contentType, String body, boolean truncated) {}

    static final int MAX_REDIRECTS = 5;

    private final OkHttpClient client;
    private final Set<String> allowed;
    private final Set<String> allowedHosts;

    public SafeHttp(Duration timeout, Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
        this.allowedHosts = allowed.stream()
                .map(pair -> pair.substring(0, pair.lastIndexOf(':')))
                .collect(Collectors.toUnmodifiableSet());
        this.client = OutboundHttp.client()
                .newBuilder()
                .dns(this::lookup)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .callTimeout(timeout)
                .build();
    }

    private List<InetAddress> lookup(String host) throws UnknownHostException {
        List<InetAddress> addresses = Dns.SYSTEM.lookup(host);
        if (allowedHosts.contains(host)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new UnknownHostException("refused: " + host + " resolves to a non-public address");
            }
        }
        return addresses;
    }

    /** Whether the URL's host and port are among the pairs let through the checks. */
    boolean isAllowed(HttpUrl url) {
        return allowed.contains(url.host() + ":" + url.port());
    }

    /** Whether the URL may be called at all: http(s), a host, and (for an IP literal) a public address. */
    public void check(HttpUrl url) throws ToolFailure {
        if (isAllowed(url)) {
            return;
        }
        if (!url.scheme().equals("https") && !url.scheme().equals("http")) {
            throw new ToolFailure("refused", "only http and https URLs are fetched", false);
        }
        String host = url.host().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")) {
            throw new ToolFailure("refused", "the URL names a local or internal host", false);
        }
        if (isIpLiteral(host)) {
            try {
                if (!isPublic(InetAddress.getByName(host))) {
                    throw new ToolFailure("refused", "the URL names a non-public address", false);
                }
            } catch (UnknownHostException impossible) {
                throw new ToolFailure("refused", "the URL's address is not valid", false);
            }
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    /** Public unicast: none of loopback, any-local, link-local, site-local, unique-local, CGNAT, multicast, reserved. */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return !(first == 0
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240); // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false; // unique local, fc00::/7 (AWS's fd00:ec2::254 among them)
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException impossible) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Sends {@code request}, following redirects (GET only) with every hop checked, and reads at most
     * {@code maxBytes} of the answer's body.
     */
    public Fetched send(Request request, int maxBytes) throws ToolFailure {
        Request current = request;
        for (int hop = 0; ; hop++) {
            check(current.url());
            try (Response response = client.newCall(current).execute()) {
                if (response.isRedirect() && current.method().equals("GET")) {
                    String location = response.header("location");
                    HttpUrl next = location == null ? null : current.url().resolve(location);
                    if (next == null) {
                        throw new ToolFailure("failed", "a redirect without a usable Location", false);
                    }
                    if (hop == MAX_REDIRECTS) {
                        throw new ToolFailure("refused", "more than " + MAX_REDIRECTS + " redirects", false);
                    }
                    Request.Builder again = current.newBuilder().url(next);
                    if (!next.host().equals(current.url().host())) {
                        // Credentials meant for one host never go to another.
                        again.removeHeader("Authorization");
                    }
                    current = again.build();
                    continue;
                }
                ResponseBody body = response.body();
                MediaType type = body.contentType();
                byte[] read = read(body.byteStream(), maxBytes);
                Charset charset = type == null ? StandardCharsets.UTF_8 : type.charset(StandardCharsets.UTF_8);
                boolean truncated = read.length > maxBytes;
                String text = new String(read, 0, Math.min(read.length, maxBytes), charset);
                return new Fetched(
                        response.code(),
                        current.url().toString(),
                        type == null ? "" : type.type() + "/" + type.subtype(),
                        text,
                        truncated);
            } catch (InterruptedIOException timeout) {
                throw new ToolFailure("timeout", "the server did not answer in time", true);
            } catch (UnknownHostException refusedOrUnknown) {
                boolean refused = String.valueOf(refusedOrUnknown.getMessage()).startsWith("refused");
                throw new ToolFailure(
                        refused ? "refused" : "failed",
                        refused ? "the host resolves to a non-public address" : "the host is unknown",
                        false);
            } catch (IOException unreachable) {
                throw new ToolFailure("failed", "the server could not be reached", true);
            }
        }
    }

    /** Up to one byte more than {@code maxBytes}, so the caller knows it was cut. */
    private static byte[] read(InputStream in, int maxBytes) throws IOException {
        return in.readNBytes(maxBytes + 1);
    }
}
