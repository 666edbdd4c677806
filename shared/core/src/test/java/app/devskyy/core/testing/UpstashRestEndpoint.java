package app.devskyy.core.testing;

import app.devskyy.core.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * An Upstash-REST-compatible endpoint in front of a real {@code redis-server}: {@code POST /} with
 * a JSON array runs one command, {@code POST /pipeline} with an array of arrays runs several; the
 * bearer token is checked. Answers are {@code {"result": ...}} or {@code {"error": ...}} with 400,
 * as Upstash answers.
 */
public final class UpstashRestEndpoint implements AutoCloseable {

    private final RedisServerProcess redis;
    private final HttpServer server;
    private final String token;
    private final Duration latency;
    private final LongAdder requests = new LongAdder();

    private UpstashRestEndpoint(RedisServerProcess redis, HttpServer server, String token, Duration latency) {
        this.redis = redis;
        this.server = server;
        this.token = token;
        this.latency = latency;
    }

    public static UpstashRestEndpoint start(String token) {
        return start(token, Duration.ZERO);
    }

    /** As above, each answer held back by {@code latency}: the network round trip to Upstash (benchmarks). */
    public static UpstashRestEndpoint start(String token, Duration latency) {
        RedisServerProcess redis = RedisServerProcess.start();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            UpstashRestEndpoint endpoint = new UpstashRestEndpoint(redis, server, token, latency);
            server.createContext("/", endpoint::handle);
            // Concurrent callers are served at once, as Upstash serves them.
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return endpoint;
        } catch (IOException e) {
            redis.close();
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    /** HTTP requests answered so far (a pipeline is one): the round trips callers made. */
    public long requests() {
        return requests.sum();
    }

    /** Runs a command straight on Redis, bypassing REST: for arranging and inspecting state. */
    public JsonNode redis(String... arguments) {
        try (Resp resp = connect()) {
            return resp.call(List.of(arguments));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Resp connect() throws IOException {
        return new Resp(new Socket(InetAddress.getLoopbackAddress(), redis.port()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.increment();
            if (!latency.isZero()) {
                try {
                    Thread.sleep(latency);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("authorization"))) {
                send(exchange, 401, Json.MAPPER.createObjectNode().put("error", "Unauthorized"));
                return;
            }
            JsonNode body;
            try {
                body = Json.tree(exchange.getRequestBody().readAllBytes());
            } catch (JacksonException e) {
                send(exchange, 400, Json.MAPPER.createObjectNode().put("error", "ERR failed to parse command"));
                return;
            }
            try (Resp resp = connect()) {
                if (exchange.getRequestURI().getPath().equals("/pipeline")) {
                    ArrayNode answers = Json.MAPPER.createArrayNode();
                    for (JsonNode command : body) {
                        answers.add(wrap(resp.call(arguments(command))));
                    }
                    send(exchange, 200, answers);
                } else {
                    JsonNode answer = wrap(resp.call(arguments(body)));
                    send(exchange, answer.has("error") ? 400 : 200, answer);
                }
            }
        }
    }

    private static JsonNode wrap(JsonNode reply) {
        if (reply.isObject() && reply.has("error")) {
            return reply;
        }
        return Json.MAPPER.createObjectNode().set("result", reply);
    }

    private static List<String> arguments(JsonNode command) {
        List<String> arguments = new ArrayList<>();
        command.forEach(a -> arguments.add(a.isString() ? a.asString() : a.toString()));
        return arguments;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.writeBytes(body);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        redis.close();
    }
}
