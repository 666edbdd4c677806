package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.core.OutboundHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * A caller of the local API over real sockets, from a loopback address of its own (127.0.0.x),
 * so that per-IP rate limits of one caller do not touch another.
 */
final class ApiClient {

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

    record Answer(int status, Map<String, String> headers, JsonNode body, String raw) {
        String field(String name) {
            return body.path(name).asString();
        }
    }

    final String ip = address(NEXT_ADDRESS.getAndIncrement());

    /** The n-th address of the loopback network (127.0.0.0/8, all of it local): past .255, the next third octet. */
    static String address(int n) {
        return "127.0." + (n / 250) % 250 + "." + (n % 250 + 1);
    }

    private final int port;
    private final OkHttpClient http;

    ApiClient(int port) {
        this(port, Duration.ofSeconds(10));
    }

    /** With a longer wait for answers than the default, as API Gateway's 30 s (outage tests wait on SDK timeouts). */
    ApiClient(int port, Duration readTimeout) {
        this.port = port;
        // Its own pool: pooled connections are matched by host, not by the socket factory that made them.
        this.http = OutboundHttp.client()
                .newBuilder()
                .connectionPool(new ConnectionPool())
                .socketFactory(new BoundSockets(ip))
                .readTimeout(readTimeout)
                .callTimeout(readTimeout.plusSeconds(5))
                .build();
    }

    Answer send(String method, String path, String json, String token, String contentType) throws IOException {
        return send(method, path, json, token, contentType, Map.of());
    }

    Answer send(String method, String path, String json, String token, String contentType, Map<String, String> headers)
            throws IOException {
        Map<String, String> all = new HashMap<>(headers);
        if (token != null) {
            all.put("authorization", "Bearer " + token);
        }
        return sendBytes(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8), contentType, all);
    }

    /** Sends the bytes as they are (not re-encoded), with the headers given; what hostile-input tests need. */
    Answer sendBytes(String method, String path, byte[] body, String contentType, Map<String, String> headers)
            throws IOException {
        RequestBody requestBody = body == null
                ? (method.equals("GET") || method.equals("DELETE") ? null : RequestBody.create(new byte[0]))
                : RequestBody.create(body, MediaType.get(contentType));
        Request.Builder request = new Request.Builder()
                .url("http://127.0.0.1:" + port + path)
                .header("user-agent", "ApiClient/1.0")
                .method(method, requestBody);
        headers.forEach(request::header);
        try (Response response = http.newCall(request.build()).execute()) {
            String raw = response.body().string();
            Map<String, String> answered = new HashMap<>();
            response.headers().forEach(h -> answered.put(h.getFirst().toLowerCase(Locale.ROOT), h.getSecond()));
            // Every answer the end-to-end tests see must be what the spec declares (ResponseContract).
            List<String> violations = ResponseContract.SPEC.violations(
                    method, path, response.code(), answered.getOrDefault("content-type", ""), raw, false);
            if (!violations.isEmpty()) {
                throw new AssertionError("the answer breaks the contract: " + violations + "\n" + raw);
            }
            boolean isJson = answered.getOrDefault("content-type", "").contains("json");
            return new Answer(
                    response.code(),
                    answered,
                    raw.isEmpty() || !isJson ? Json.MAPPER.nullNode() : Json.tree(raw.getBytes(StandardCharsets.UTF_8)),
                    raw);
        }
    }

    Answer post(String path, String json, String token) throws IOException {
        return send("POST", path, json, token, "application/json");
    }

    Answer patch(String path, String json, String token) throws IOException {
        return send("PATCH", path, json, token, "application/json");
    }

    Answer get(String path, String token) throws IOException {
        return send("GET", path, null, token, "application/json");
    }

    Answer delete(String path, String token) throws IOException {
        return send("DELETE", path, null, token, "application/json");
    }

    /** Signs up (asserting 201) and logs in; returns the login answer. */
    Answer account(String email, String password) throws IOException {
        Answer created = post(
                "/api/v1/auth/signup",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"displayName\":\"Test User\"}",
                null);
        if (created.status() != 201) {
            throw new AssertionError("signup: " + created.raw());
        }
        return post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
    }

    static String unique(String name) {
        return name + "+" + System.nanoTime() + "@example.com";
    }

    private static final class BoundSockets extends SocketFactory {
        private final String ip;

        BoundSockets(String ip) {
            this.ip = ip;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return createSocket(host.getHostAddress(), port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return createSocket(host.getHostAddress(), port);
        }
    }
}
