package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.testing.Events;
import app.devskyy.core.testing.JsonLogs;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Consent through the local API: the purposes as published, a grant under the current notice, a
 * withdrawal as easy as the grant, the history and the proof, and the first family that asks: the
 * LLM proxy logs a person's prompts only while they consent (on a stage that logs prompts at all).
 */
class ConsentFlowsTest {

    @TempDir
    static Path dataDir;

    static LocalApi api;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(new LocalApi.Options(
                0,
                dataDir,
                Events.repositoryRoot().resolve("template.yaml"),
                Map.of("LLM_LOG_PROMPTS", "redacted", "CONSENT_CACHE_SECONDS", "0")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static final String LOGGING = "/api/v1/gdpr/consents/llm-prompt-logging";

    @Test
    void thePurposesArePublicAndCacheable() throws IOException {
        ApiClient client = new ApiClient(api.port());
        Answer purposes = client.get("/api/v1/gdpr/purposes", null);
        assertThat(purposes.status()).isEqualTo(200);
        JsonNode logging = purposes.body()
                .path("purposes")
                .valueStream()
                .filter(p -> p.path("id").asString().equals("llm-prompt-logging"))
                .findFirst()
                .orElseThrow();
        assertThat(logging.path("legalBasis").asString()).isEqualTo("consent");
        assertThat(logging.path("consentRequired").asBoolean()).isTrue();
        assertThat(logging.at("/notice/text").asString()).contains("withdraw");
        String etag = purposes.headers().get("etag");
        assertThat(client.send("GET", "/api/v1/gdpr/purposes", null, null, null, Map.of("if-none-match", etag))
                        .status())
                .isEqualTo(304);
    }

    @Test
    void aGrantAndAWithdrawalAreRecordedAndTheProxyLogsPromptsOnlyInBetween() throws Exception {
        LlmWorkspace person = LlmWorkspace.create(api);
        ApiClient client = person.client();
        String token = person.adminToken();
        JsonNode before = client.get("/api/v1/gdpr/consents", token).body().path("consents");
        assertThat(before.valueStream().map(c -> c.path("purpose").asString()))
                .contains("llm-prompt-logging", "marketing-email")
                .doesNotContain("service");
        assertThat(before.valueStream()
                        .allMatch(c -> !c.path("granted").asBoolean()
                                && c.path("decidedAt").isNull()))
                .as("nobody has consented until they say so")
                .isTrue();
        String chat = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Say the word heron.\"}]}";
        assertThat(loggedPrompts(person, token, chat)).as("no consent, no log").isZero();

        String notice =
                client.get("/api/v1/gdpr/purposes", null).body().path("version").asString();
        assertThat(client.send(
                                "PUT",
                                LOGGING,
                                "{\"granted\":true,\"noticeVersion\":\"1999-01-01\"}",
                                token,
                                "application/json")
                        .status())
                .as("a grant names the current notice")
                .isEqualTo(422);
        assertThat(client.send(
                                "PUT",
                                "/api/v1/gdpr/consents/no-such-purpose",
                                "{\"granted\":true}",
                                token,
                                "application/json")
                        .status())
                .isEqualTo(404);
        assertThat(client.send("PUT", "/api/v1/gdpr/consents/service", "{\"granted\":false}", token, "application/json")
                        .status())
                .as("contract, not consent: nothing to withdraw")
                .isEqualTo(422);
        Answer granted = client.send(
                "PUT",
                LOGGING,
                "{\"granted\":true,\"noticeVersion\":\"" + notice + "\",\"method\":\"settings\"}",
                token,
                "application/json");
        assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
        assertThat(granted.body().path("granted").asBoolean()).isTrue();
        assertThat(granted.field("method")).isEqualTo("settings");
        assertThat(loggedPrompts(person, token, chat)).as("consented: logged").isEqualTo(1);
        String[] key = person.key("developer");
        assertThat(loggedPrompts(person, key[1], chat))
                .as("an API key's call is no person's")
                .isZero();
        assertThat(client.send("PUT", LOGGING, "{\"granted\":false}", key[1], "application/json")
                        .status())
                .as("consent is the person's own")
                .isEqualTo(403);

        Answer withdrawn = client.send("PUT", LOGGING, "{\"granted\":false}", token, "application/json");
        assertThat(withdrawn.status()).isEqualTo(200);
        assertThat(withdrawn.body().path("granted").asBoolean()).isFalse();
        assertThat(loggedPrompts(person, token, chat))
                .as("withdrawn: logging stops")
                .isZero();

        JsonNode first =
                client.get("/api/v1/gdpr/consents/history?limit=1", token).body();
        assertThat(first.at("/records/0/granted").asBoolean())
                .as("newest first")
                .isFalse();
        JsonNode second = client.get(
                        "/api/v1/gdpr/consents/history?limit=1&cursor="
                                + first.path("nextCursor").asString(),
                        token)
                .body();
        assertThat(second.at("/records/0/granted").asBoolean()).isTrue();
        assertThat(second.at("/records/0/noticeVersion").asString()).isEqualTo(notice);
        assertThat(client.get("/api/v1/gdpr/consents/history?cursor=bm90LW91cnM", token)
                        .status())
                .isEqualTo(400);

        Answer proof = client.get("/api/v1/gdpr/consents/proof", token);
        assertThat(proof.status()).isEqualTo(200);
        assertThat(proof.headers().get("content-disposition")).contains("attachment");
        JsonNode records = proof.body().path("records");
        assertThat(records.size()).isEqualTo(2);
        assertThat(records.get(0).path("granted").asBoolean())
                .as("oldest first")
                .isTrue();
        assertThat(records.get(0).path("ipHash").asString()).isNotEmpty().doesNotContain("127.0.0.1");
        assertThat(proof.body().at("/notices/0/text").asString()).contains("prompts");
        assertThat(proof.raw()).doesNotContain("127.0.0.1");
    }

    /** How many prompt log lines one chat call writes. */
    private static long loggedPrompts(LlmWorkspace person, String credential, String chat) throws IOException {
        try (JsonLogs logs = JsonLogs.capture()) {
            Answer answer = person.chat(credential, chat);
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            return logs.lines().stream()
                    .filter(line -> line.path("message").asString().startsWith("llm exchange"))
                    .count();
        }
    }
}
