package app.devskyy.core.upstash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.devskyy.core.OutboundHttp;
import app.devskyy.core.testing.UpstashRestEndpoint;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The client against a real redis-server behind the Upstash REST protocol. */
class UpstashClientRedisTest {

    static UpstashRestEndpoint upstash;
    static UpstashClient client;

    @BeforeAll
    static void start() {
        upstash = UpstashRestEndpoint.start("AXtest-token");
        client = new UpstashClient(HttpUrl.get(upstash.url()), upstash.token(), OutboundHttp.client());
    }

    @AfterAll
    static void stop() {
        upstash.close();
    }

    @Test
    void stringsIntegersAndNil() throws Exception {
        assertThat(client.command("SET", "greeting", "héllo wörld").asString()).isEqualTo("OK");
        assertThat(client.command("GET", "greeting").asString()).isEqualTo("héllo wörld");
        assertThat(client.command("INCRBY", "counter", "5").asLong()).isEqualTo(5);
        assertThat(client.command("GET", "never-set").isNull()).isTrue();
        assertThat(upstash.redis("GET", "greeting").asString()).isEqualTo("héllo wörld");
    }

    @Test
    void pipelineRunsInOrder() throws Exception {
        List<JsonNode> results =
                client.pipeline(List.of(List.of("SET", "p", "1"), List.of("INCR", "p"), List.of("GET", "p")));
        assertThat(results).extracting(JsonNode::asString).containsExactly("OK", "2", "2");
    }

    @Test
    void aFailedCommandInAPipelineFailsThePipeline() {
        assertThatThrownBy(() -> client.pipeline(List.of(List.of("SET", "q", "1"), List.of("NOSUCHCOMMAND"))))
                .isInstanceOf(UpstashClient.UpstashException.class);
    }

    @Test
    void evalRunsLuaAtomically() throws Exception {
        JsonNode result = client.eval(
                "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), 7}",
                List.of("scripted"),
                List.of("value"));
        assertThat(result.get(0).asString()).isEqualTo("value");
        assertThat(result.get(1).asLong()).isEqualTo(7);
    }

    @Test
    void redisErrorsAndBadTokensFail() {
        assertThatThrownBy(() -> client.command("GET")).isInstanceOf(UpstashClient.UpstashException.class);
        UpstashClient wrongToken = new UpstashClient(HttpUrl.get(upstash.url()), "wrong", OutboundHttp.client());
        assertThatThrownBy(() -> wrongToken.command("PING"))
                .isInstanceOf(UpstashClient.UpstashException.class)
                .hasMessageContaining("401");
    }
}
