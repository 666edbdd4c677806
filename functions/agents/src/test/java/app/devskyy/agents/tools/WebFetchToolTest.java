package app.devskyy.agents.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.Json;
import app.devskyy.core.auth.Role;
import app.devskyy.llm.metering.Caller;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code web.fetch} and the address checks under it, against a real HTTP server on loopback:
 * the server's own address is refused unless its {@code host:port} is let through, as the local
 * server lets its mock shops through; every redirect is checked again.
 */
class WebFetchToolTest {

    private final MockWebServer site = new MockWebServer();
    private final MockWebServer other = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        site.start();
        other.start();
    }

    @AfterEach
    void stop() {
        site.close();
        other.close();
    }

    private WebFetchTool tool(boolean allowSite) {
        return new WebFetchTool(new SafeHttp(
                Duration.ofSeconds(2), allowSite ? Set.of(site.getHostName() + ":" + site.getPort()) : Set.of()));
    }

    private static Tool.Call call(String url) {
        return new Tool.Call(
                Caller.attributed("ws_1", "user:u1", Role.ADMIN),
                "run_1",
                "s001",
                Json.MAPPER.createObjectNode().put("url", url));
    }

    @Test
    void aPageIsFetchedAsText() throws Exception {
        site.enqueue(new MockResponse.Builder()
                .addHeader("content-type", "text/html; charset=utf-8")
                .body("<html><head><title>Autumn</title><script>steal()</script></head>"
                        + "<body><h1>Autumn edit</h1><p>Moss and bone.</p></body></html>")
                .build());
        JsonNode page = tool(true).call(call(site.url("/edit").toString()));
        assertThat(page.path("status").asInt()).isEqualTo(200);
        assertThat(page.path("title").asString()).isEqualTo("Autumn");
        assertThat(page.path("text").asString()).isEqualTo("Autumn edit Moss and bone.");
        assertThat(page.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void loopbackPrivateLinkLocalAndMetadataAddressesAreRefused() {
        for (String url : new String[] {
            site.url("/").toString(),
            "http://127.0.0.1:" + site.getPort() + "/",
            "http://localhost:" + site.getPort() + "/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://10.0.0.8/",
            "http://192.168.1.1/",
            "http://172.16.3.4/",
            "http://100.64.0.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://metadata.google.internal/",
            "file:///etc/passwd",
        }) {
            assertThatThrownBy(() -> tool(false).call(call(url)))
                    .as(url)
                    .isInstanceOfSatisfying(
                            ToolFailure.class, f -> assertThat(f.code()).isIn("refused", "invalid_arguments"));
        }
        assertThat(site.getRequestCount()).isZero();
    }

    @Test
    void aRedirectToAnAddressThatIsNotAllowedIsRefusedBeforeItIsFollowed() throws Exception {
        site.enqueue(new MockResponse.Builder()
                .code(302)
                .addHeader("location", "http://169.254.169.254/latest/meta-data/iam/")
                .build());
        assertThatThrownBy(() -> tool(true).call(call(site.url("/go").toString())))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.code()).isEqualTo("refused"));
        site.enqueue(new MockResponse.Builder()
                .code(301)
                .addHeader("location", other.url("/private").toString())
                .build());
        assertThatThrownBy(() -> tool(true).call(call(site.url("/go").toString())))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.code()).isEqualTo("refused"));
        assertThat(other.getRequestCount()).isZero();
    }

    @Test
    void redirectsAreFollowedAtMostFiveTimes() throws Exception {
        for (int i = 0; i < 6; i++) {
            site.enqueue(new MockResponse.Builder()
                    .code(302)
                    .addHeader("location", "/hop" + i)
                    .build());
        }
        assertThatThrownBy(() -> tool(true).call(call(site.url("/start").toString())))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.getMessage()).contains("redirects"));
        assertThat(site.getRequestCount()).isEqualTo(6);
    }

    @Test
    void onlyTextIsTakenAndOnlyUpToTheSizeLimit() throws Exception {
        site.enqueue(new MockResponse.Builder()
                .addHeader("content-type", "image/png")
                .body("PNG")
                .build());
        assertThatThrownBy(() -> tool(true).call(call(site.url("/logo.png").toString())))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.code()).isEqualTo("unsupported_content"));
        site.enqueue(new MockResponse.Builder()
                .addHeader("content-type", "text/plain")
                .body("x".repeat(WebFetchTool.MAX_BYTES + 10_000))
                .build());
        JsonNode page = tool(true).call(call(site.url("/big.txt").toString()));
        assertThat(page.path("truncated").asBoolean()).isTrue();
        assertThat(page.path("text").asString()).hasSize(WebFetchTool.MAX_TEXT);
    }

    @Test
    void aSlowServerEndsAsARetryableTimeout() {
        site.enqueue(new MockResponse.Builder()
                .addHeader("content-type", "text/plain")
                .body("late")
                .bodyDelay(3, TimeUnit.SECONDS)
                .build());
        assertThatThrownBy(() -> tool(true).call(call(site.url("/slow").toString())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> {
                    assertThat(f.code()).isEqualTo("timeout");
                    assertThat(f.retryable()).isTrue();
                });
    }

    @Test
    void publicAddressesAreTheOnlyOnesCalledPublic() throws Exception {
        for (String address : new String[] {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"}) {
            assertThat(SafeHttp.isPublic(InetAddress.getByName(address)))
                    .as(address)
                    .isTrue();
        }
        for (String address : new String[] {
            "127.0.0.1",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:10.0.0.1"
        }) {
            assertThat(SafeHttp.isPublic(InetAddress.getByName(address)))
                    .as(address)
                    .isFalse();
        }
    }
}
