package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real browser against the local API: Debian's Chromium, driven by playwright-core
 * ({@code infrastructure/contract/browser.mjs}). In Swagger UI at /docs it signs up, logs in,
 * authorizes with the access token and calls {@code GET /api/v1/auth/me}; from a page on an
 * allowed origin it logs in in cookie mode and refreshes from the httpOnly cookie; from a page on
 * a disallowed origin, with the same cookie in the browser, its refreshes are refused.
 */
class BrowserTest {

    @TempDir
    static Path dataDir;

    @Test
    void swaggerUiAndTheRefreshCookieWorkInChromium() throws Exception {
        HttpServer allowed = page();
        HttpServer denied = page();
        String allowedOrigin = "http://localhost:" + allowed.getAddress().getPort();
        try (LocalApi api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of(),
                List.of(allowedOrigin),
                Optional.empty(),
                false))) {
            Process node = new ProcessBuilder(
                            "node",
                            "browser.mjs",
                            "http://localhost:" + api.port(),
                            allowedOrigin + "/",
                            "http://localhost:" + denied.getAddress().getPort() + "/")
                    .directory(Events.repositoryRoot()
                            .resolve("infrastructure/contract")
                            .toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(node.exitValue())
                    .as("browser.mjs failed (needs `npm ci` in infrastructure/contract and chromium): " + out)
                    .isZero();
            List<String> lines = out.lines().toList();
            JsonNode seen = Json.tree(lines.getLast().getBytes(StandardCharsets.UTF_8));

            assertThat(seen.path("outboxLink").asInt())
                    .as("the outbox stays reachable from /docs")
                    .isEqualTo(1);
            assertThat(seen.path("signup").asInt()).isEqualTo(201);
            assertThat(seen.path("login").asInt()).isEqualTo(200);
            assertThat(seen.path("me").asInt())
                    .as("try-it-out on an authenticated route")
                    .isEqualTo(200);
            assertThat(seen.path("meEmail").asBoolean()).isTrue();

            JsonNode cookieMode = seen.path("cookieMode");
            assertThat(cookieMode.path("login").asInt()).isEqualTo(200);
            assertThat(cookieMode.path("loginHasRefreshToken").asBoolean())
                    .as("cookie mode leaves the refresh token out of the body")
                    .isFalse();
            assertThat(cookieMode.path("refresh").asInt()).isEqualTo(200);
            assertThat(cookieMode.path("refreshHasAccessToken").asBoolean()).isTrue();
            assertThat(cookieMode.path("cookieReadable").asBoolean())
                    .as("httpOnly: no script reads it")
                    .isFalse();

            assertThat(seen.at("/denied/withHeader").asString())
                    .as("the preflight of a disallowed origin is refused")
                    .isEqualTo("blocked");
            assertThat(seen.at("/denied/simple").asString()).isEqualTo("blocked");
            // And the server refuses it by itself, whatever a client does with CORS.
            ApiClient.Answer foreign = new ApiClient(api.port())
                    .send(
                            "POST",
                            "/api/v1/auth/refresh",
                            null,
                            null,
                            "application/json",
                            Map.of(
                                    "origin",
                                            "http://localhost:"
                                                    + denied.getAddress().getPort(),
                                    "x-devskyy-csrf", "1",
                                    "cookie", "devskyy_refresh=" + "A".repeat(43)));
            assertThat(foreign.status()).isEqualTo(403);
            assertThat(foreign.field("type")).endsWith("/csrf-check-failed");
        } finally {
            allowed.stop(0);
            denied.stop(0);
        }
    }

    /** A page of a frontend's origin: the browser must be on an origin to send one. */
    private static HttpServer page() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        byte[] html = "<!doctype html><title>app</title><p>app</p>".getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        server.start();
        return server;
    }
}
