package app.devskyy.core.upstash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.OutboundHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Upstash REST wire format: a JSON array of arguments in, {"result"} or {"error"} out. */
class UpstashClientTest {

    private final MockWebServer upstash = new MockWebServer();
    private UpstashClient client;

    @BeforeEach
    void start() throws Exception {
        upstash.start();
        client = new UpstashClient(upstash.url("/"), "AXtoken", OutboundHttp.client());
    }

    @AfterEach
    void stop() {
        upstash.close();
    }

    @Test
    void sendsTheCommandAsAJsonArrayWithTheBearerToken() throws Exception {
        upstash.enqueue(
                new MockResponse.Builder().code(200).body("{\"result\":\"OK\"}").build());
        assertThat(client.command("SET", "greeting", "hello world").asString()).isEqualTo("OK");
        RecordedRequest request = upstash.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getHeaders().get("authorization")).isEqualTo("Bearer AXtoken");
        assertThat(request.getBody().utf8()).isEqualTo("[\"SET\",\"greeting\",\"hello world\"]");
    }

    @Test
    void anErrorAnswerFailsWithoutQuotingTheCommand() {
        upstash.enqueue(new MockResponse.Builder()
                .code(400)
                .body("{\"error\":\"ERR wrong number of arguments for 'get' command\"}")
                .build());
        assertThatThrownBy(() -> client.command("GET", "secret-key-name", "x"))
                .isInstanceOf(UpstashClient.UpstashException.class)
                .hasMessageContaining("400")
                .hasMessageNotContaining("secret-key-name");
    }

    @Test
    void aWrongTokenFails() {
        upstash.enqueue(new MockResponse.Builder()
                .code(401)
                .body("{\"error\":\"Unauthorized\"}")
                .build());
        assertThatThrownBy(() -> client.command("PING")).isInstanceOf(UpstashClient.UpstashException.class);
    }

    @Test
    void aNonJsonAnswerFails() {
        upstash.enqueue(new MockResponse.Builder()
                .code(502)
                .body("<html>Bad gateway</html>")
                .build());
        assertThatThrownBy(() -> client.command("PING"))
                .isInstanceOf(UpstashClient.UpstashException.class)
                .hasMessageContaining("502");
    }

    @Test
    void aHangingServerEndsAtTheCallTimeout() {
        upstash.enqueue(new MockResponse.Builder()
                .body("{\"result\":\"PONG\"}")
                .headersDelay(5, TimeUnit.SECONDS)
                .build());
        assertThatThrownBy(() -> client.withCallTimeout(Duration.ofMillis(200)).command("PING"))
                .isInstanceOf(IOException.class);
    }
}
