package app.devskyy.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The LLM proxy through the local API, with two providers on mock servers speaking OpenAI's wire
 * format ({@code openai} itself and a compatible server, {@code backup}) and a routing document of
 * the test's own. Prices make a call cost exactly its output tokens in micro-dollars.
 */
class LlmProxyTest {

    private static final String ROUTING = """
            {"version": "test", "aliases": {
               "mock": {"targets": ["openai/gpt-4.1-mini", "backup/gpt-backup"], "cache": true},
               "solo": {"targets": ["openai/gpt-4.1-mini"]},
               "vectors": {"kind": "embedding", "targets": ["openai/text-embedding-3-small"]}},
             "auto": {"chat": "solo", "code": "mock"}}""";
    private static final String PRICES = """
            {"models": {"openai/gpt-4.1-mini": {"input": 0, "output": 1.0}, "backup/gpt-backup": {"input": 0, "output": 1.0},
                        "backup/fails": {"input": 0, "output": 1.0}, "openai/text-embedding-3-small": {"input": 0.02, "output": 0}}}""";

    @TempDir
    static Path dataDir;

    static LocalApi api;
    static final MockWebServer openai = new MockWebServer();
    static final MockWebServer backup = new MockWebServer();
    /** How each provider answers a request body; tests replace it. */
    static volatile Function<JsonNode, MockResponse> openaiAnswers;

    static volatile Function<JsonNode, MockResponse> backupAnswers;

    @BeforeAll
    static void start() throws IOException {
        openai.setDispatcher(dispatcher(() -> openaiAnswers));
        backup.setDispatcher(dispatcher(() -> backupAnswers));
        openai.start();
        backup.start();
        Map<String, String> settings = new HashMap<>(Map.of(
                "OPENAI_API_KEY",
                "sk-mock",
                "OPENAI_BASE_URL",
                openai.url("/v1").toString(),
                "LLM_COMPATIBLE_PROVIDERS",
                "backup=" + backup.url("/v1"),
                "LLM_ROUTING",
                ROUTING,
                "LLM_PRICES",
                PRICES,
                "LLM_BACKOFF_MS",
                "1",
                "LLM_BREAKER_FAILURES",
                "100000"));
        for (String unused :
                List.of("ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "GROQ_API_KEY")) {
            settings.put(unused, "");
        }
        api = LocalApi.start(
                new LocalApi.Options(0, dataDir, Events.repositoryRoot().resolve("template.yaml"), settings));
    }

    @AfterAll
    static void stop() {
        api.close();
        openai.close();
        backup.close();
    }

    @BeforeEach
    void providersAnswer() {
        openaiAnswers = body -> completion("openai", body);
        backupAnswers = body -> completion("backup", body);
    }

    interface Answers {
        Function<JsonNode, MockResponse> get();
    }

    private static Dispatcher dispatcher(Answers answers) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                JsonNode body = Json.tree(request.getBody().toByteArray());
                if (request.getUrl().encodedPath().endsWith("/embeddings")) {
                    var data = new StringBuilder();
                    for (int i = 0; i < body.path("input").size(); i++) {
                        data.append(i == 0 ? "" : ",")
                                .append("{\"object\":\"embedding\",\"index\":")
                                .append(i)
                                .append(",\"embedding\":[0.25,")
                                .append(-0.5 - i)
                                .append("]}");
                    }
                    return json(
                            200,
                            "{\"object\":\"list\",\"data\":[" + data + "],\"model\":\"text-embedding-3-small\","
                                    + "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":12}}");
                }
                return answers.get().apply(body);
            }
        };
    }

    static MockResponse json(int code, String body, String... headers) {
        MockResponse.Builder response =
                new MockResponse.Builder().code(code).body(body).addHeader("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            response.addHeader(headers[i], headers[i + 1]);
        }
        return response.build();
    }

    /** A completion whose output is the request's whole output allowance: its cost is known in advance. */
    static MockResponse completion(String provider, JsonNode request) {
        int max = request.path("max_completion_tokens")
                .asInt(request.path("max_tokens").asInt(50));
        String text = "answer from " + provider + " to " + request.path("model").asString();
        return json(200, """
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "%s",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": %d, "total_tokens": %d,
                           "prompt_tokens_details": {"cached_tokens": 4}}}""".formatted(request.path("model").asString(), text, max, max + 10));
    }

    private static String request(String model, String extra) {
        return "{\"model\":\"" + model
                + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]" + extra + "}";
    }

    @Test
    void aChatCallGoesThroughAndIsAccountedPerKey() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String[] key = ws.key("api_user");
        int before = openai.getRequestCount();
        Answer answer = ws.chat(key[1], request("mock", ""));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.body().at("/choices/0/message/content").asString())
                .isEqualTo("answer from openai to gpt-4.1-mini");
        assertThat(answer.body().path("object").asString()).isEqualTo("chat.completion");
        assertThat(answer.headers())
                .containsEntry("x-llm-provider", "openai")
                .containsEntry("x-llm-attempts", "1")
                .containsEntry("x-llm-cost-usd", "0.000050")
                .containsEntry("x-llm-cache", "off");
        RecordedRequest sent = openai.takeRequest();
        assertThat(sent.getHeaders().get("authorization")).isEqualTo("Bearer sk-mock");
        assertThat(openai.getRequestCount()).isEqualTo(before + 1);

        JsonNode usage = ws.get(ws.at("/usage")).body();
        assertThat(usage.at("/totals/requests").asInt()).isEqualTo(1);
        assertThat(usage.at("/totals/tokens/completion").asInt()).isEqualTo(50);
        assertThat(usage.at("/totals/tokens/cached").asInt()).isEqualTo(4);
        assertThat(usage.at("/totals/costUsd").decimalValue()).isEqualByComparingTo("0.00005");
        assertThat(usage.at("/rows/0/apiKeyId").asString()).isEqualTo(key[0]);
        assertThat(usage.at("/rows/0/model").asString()).isEqualTo("gpt-4.1-mini");
        assertThat(ws.get(ws.at("/budget")).body().path("spentUsd").decimalValue())
                .isEqualByComparingTo("0.00005");
        assertThat(ws.get(ws.at("/usage?provider=backup"))
                        .body()
                        .at("/totals/requests")
                        .asInt())
                .isZero();
    }

    @Test
    void failuresFallBackInOrderButARejectedRequestDoesNot() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        openaiAnswers = body -> json(503, "{\"error\":{\"message\":\"overloaded\"}}");
        Answer fellBack = ws.chat(ws.adminToken(), request("mock", ""));
        assertThat(fellBack.status()).as(fellBack.raw()).isEqualTo(200);
        assertThat(fellBack.headers()).containsEntry("x-llm-provider", "backup").containsEntry("x-llm-attempts", "3");

        openaiAnswers = body -> json(
                400, "{\"error\":{\"message\":\"Invalid 'messages': too long\",\"type\":\"invalid_request_error\"}}");
        int backupCalls = backup.getRequestCount();
        Answer rejected = ws.chat(ws.adminToken(), request("mock", ""));
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.body().at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(rejected.body().at("/error/message").asString()).contains("too long");
        assertThat(backup.getRequestCount()).isEqualTo(backupCalls);

        openaiAnswers = body -> json(429, "{\"error\":{\"message\":\"slow down\"}}", "retry-after", "20");
        Answer limited = ws.chat(ws.adminToken(), request("solo", ""));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("retry-after", "20");
        assertThat(limited.body().at("/error/type").asString()).isEqualTo("rate_limit_error");
        // Failures cost nothing and are counted as such.
        JsonNode usage = ws.get(ws.at("/usage")).body();
        assertThat(usage.at("/totals/failures").asInt()).isEqualTo(2);
        assertThat(usage.at("/totals/costUsd").decimalValue()).isEqualByComparingTo("0.00005");
    }

    @Test
    void theCacheServesOnlyIdenticalRequestsOfOneWorkspace() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String deterministic = request("mock", ",\"temperature\":0,\"top_k\":40");
        int calls = openai.getRequestCount();
        assertThat(ws.chat(ws.adminToken(), deterministic).headers()).containsEntry("x-llm-cache", "miss");
        Answer hit = ws.chat(ws.adminToken(), deterministic);
        assertThat(hit.headers()).containsEntry("x-llm-cache", "hit").containsEntry("x-llm-cost-usd", "0.000000");
        assertThat(hit.body().at("/choices/0/message/content").asString())
                .isEqualTo("answer from openai to gpt-4.1-mini");
        assertThat(openai.getRequestCount()).isEqualTo(calls + 1);
        // A provider-specific parameter, the output limit, a sampling change: each its own entry.
        assertThat(ws.chat(ws.adminToken(), request("mock", ",\"temperature\":0,\"top_k\":41"))
                        .headers())
                .containsEntry("x-llm-cache", "miss");
        assertThat(ws.chat(ws.adminToken(), deterministic.replace("\"max_tokens\":50", "\"max_tokens\":51"))
                        .headers())
                .containsEntry("x-llm-cache", "miss");
        assertThat(ws.chat(ws.adminToken(), request("mock", ",\"temperature\":0.7"))
                        .headers())
                .containsEntry("x-llm-cache", "off");
        // max_completion_tokens is max_tokens under its newer name: the same request.
        assertThat(ws.chat(ws.adminToken(), deterministic.replace("max_tokens", "max_completion_tokens"))
                        .headers())
                .containsEntry("x-llm-cache", "hit");
        // Asked for, a sampled answer is cached too; refused, nothing is.
        String sampled = request("solo", ",\"temperature\":0.9");
        assertThat(ws.chat(ws.adminToken(), sampled, Map.of("x-llm-cache", "on"))
                        .headers())
                .containsEntry("x-llm-cache", "miss");
        assertThat(ws.chat(ws.adminToken(), sampled, Map.of("x-llm-cache", "on"))
                        .headers())
                .containsEntry("x-llm-cache", "hit");
        assertThat(ws.chat(ws.adminToken(), deterministic, Map.of("x-llm-cache", "off"))
                        .headers())
                .containsEntry("x-llm-cache", "off");
        // Another workspace never sees this one's answers.
        LlmWorkspace other = LlmWorkspace.create(api);
        assertThat(other.chat(other.adminToken(), deterministic).headers()).containsEntry("x-llm-cache", "miss");
        assertThat(ws.get(ws.at("/usage")).body().at("/totals/cacheHits").asInt())
                .isEqualTo(3);
    }

    @Test
    void concurrentRequestsNeverSpendBeyondTheBudget() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        // Each call costs exactly 1000 micro-dollars (1000 output tokens at $1 per million): $0.01 affords ten.
        Answer set = ws.put(ws.at("/budget"), "{\"monthlyUsd\":0.01}");
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        String call = request("solo", "").replace("\"max_tokens\":50", "\"max_tokens\":1000");
        List<Callable<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> ws.chat(ws.adminToken(), call));
        }
        List<Answer> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Answer> answer : threads.invokeAll(calls)) {
                answers.add(answer.get());
            }
        }
        assertThat(answers.stream().filter(a -> a.status() == 200).count()).isEqualTo(10);
        List<Answer> refused = answers.stream().filter(a -> a.status() != 200).toList();
        assertThat(refused).hasSize(40).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(429);
            assertThat(a.body().at("/error/code").asString()).isEqualTo("insufficient_quota");
            assertThat(a.headers()).containsEntry("x-should-retry", "false");
        });
        JsonNode budget = ws.get(ws.at("/budget")).body();
        assertThat(budget.path("spentUsd").decimalValue()).isEqualByComparingTo("0.01");
        assertThat(budget.path("reservedUsd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aRefusedCallHoldsNothingAndACachedAnswerIsServedBeyondTheBudget() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        // The rates, the cache and the budget are checked at once: what one refuses, the others give back.
        // One call costs 1000 micro-dollars: $0.001 affords one; three requests a minute.
        assertThat(ws.put(ws.at("/budget"), "{\"monthlyUsd\":0.001,\"rpm\":3}").status())
                .isEqualTo(200);
        String question = request("solo", "").replace("\"max_tokens\":50", "\"max_tokens\":1000");
        Map<String, String> cacheOn = Map.of("x-llm-cache", "on");
        assertThat(ws.chat(ws.adminToken(), question, cacheOn).headers()).containsEntry("x-llm-cache", "miss");
        Answer refused = ws.chat(ws.adminToken(), question.replace("Hello there", "Hello again"), cacheOn);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/error/code").asString()).isEqualTo("insufficient_quota");
        Answer hit = ws.chat(ws.adminToken(), question, cacheOn);
        assertThat(hit.status())
                .as("a cached answer costs nothing: " + hit.raw())
                .isEqualTo(200);
        assertThat(hit.headers()).containsEntry("x-llm-cache", "hit").containsEntry("x-llm-cost-usd", "0.000000");

        // Budget enough, but the minute's three requests are used: the hold made beside the rates is given back.
        assertThat(ws.put(ws.at("/budget"), "{\"monthlyUsd\":0.01}").status()).isEqualTo(200);
        Answer limited = ws.chat(ws.adminToken(), question.replace("Hello there", "Hello, third"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().at("/error/type").asString()).isEqualTo("rate_limit_error");
        JsonNode budget = ws.get(ws.at("/budget")).body();
        assertThat(budget.path("spentUsd").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(budget.path("reservedUsd").decimalValue()).isEqualByComparingTo("0");
        assertThat(ws.get(ws.at("/usage")).body().at("/totals/requests").asInt())
                .as("the call and the cache hit; nothing for the refused ones")
                .isEqualTo(2);
    }

    @Test
    void anApiKeysBudgetLimitsThatKeyAlone() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        String[] key = ws.key("api_user");
        assertThat(ws.put(ws.at("/budget/keys/") + key[0], "{\"monthlyUsd\":0.00005}")
                        .status())
                .isEqualTo(200);
        assertThat(ws.chat(key[1], request("solo", "")).status()).isEqualTo(200);
        assertThat(ws.chat(key[1], request("solo", "")).status()).isEqualTo(429);
        assertThat(ws.chat(ws.adminToken(), request("solo", "")).status())
                .as("the workspace has no budget")
                .isEqualTo(200);
        JsonNode budget = ws.get(ws.at("/budget")).body();
        assertThat(budget.at("/keys/0/apiKeyId").asString()).isEqualTo(key[0]);
        assertThat(budget.at("/keys/0/spentUsd").decimalValue()).isEqualByComparingTo("0.00005");
    }

    @Test
    void badInputAndBadCredentialsChangeNothing() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        LlmWorkspace stranger = LlmWorkspace.create(api);
        String[] reader = ws.key("read_only");
        int calls = openai.getRequestCount() + backup.getRequestCount();

        Answer anonymous = ws.chat(null, request("mock", ""));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body().at("/error/type").asString()).isEqualTo("authentication_error");
        assertThat(ws.chat("dsk_" + "x".repeat(43), request("mock", "")).status())
                .isEqualTo(401);
        Answer foreign =
                ws.chat(stranger.adminToken(), request("mock", ""), Map.of("x-workspace-id", ws.workspaceId()));
        assertThat(foreign.status())
                .as("a non-member finds no workspace, as everywhere")
                .isEqualTo(404);
        assertThat(foreign.body().at("/error/type").asString()).isEqualTo("not_found_error");
        assertThat(ws.chat(reader[1], request("mock", "")).status()).isEqualTo(403);
        assertThat(ws.chat(ws.adminToken(), request("mock", ""), Map.of("x-workspace-id", "../../etc"))
                        .status())
                .isEqualTo(400);

        Answer malformed = ws.chat(ws.adminToken(), "{\"model\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().at("/error/code").asString()).isEqualTo("invalid_json");
        Answer invalid = ws.chat(ws.adminToken(), request("mock", ",\"temperature\":5"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().at("/error/param").asString()).isEqualTo("temperature");
        assertThat(ws.chat(ws.adminToken(), "{\"model\":\"mock\",\"messages\":[]}")
                        .status())
                .isEqualTo(422);
        assertThat(ws.chat(
                                ws.adminToken(),
                                "{\"model\":\"mock\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")
                        .status())
                .isEqualTo(422);
        assertThat(ws.chat(ws.adminToken(), "[]").status()).isEqualTo(422);
        Answer image = ws.chat(
                ws.adminToken(),
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                        + "\"image_url\",\"image_url\":{\"url\":\"file:///etc/passwd\"}}]}]}");
        assertThat(image.status()).isEqualTo(422);
        Answer badPadding = ws.chat(
                ws.adminToken(),
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                        + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,A\"}}]}]}");
        assertThat(badPadding.status()).isEqualTo(422);
        assertThat(badPadding.body().at("/error/param").asString()).isEqualTo("messages.0.content.0.image_url.url");
        Answer stream = ws.chat(ws.adminToken(), request("mock", ",\"stream\":true"));
        assertThat(stream.status()).isEqualTo(400);
        assertThat(stream.body().at("/error/message").asString()).contains("stream");
        Answer unknown = ws.chat(ws.adminToken(), request("gpt-17", ""));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().at("/error/code").asString()).isEqualTo("model_not_found");
        assertThat(ws.client()
                        .send(
                                "POST",
                                "/api/v1/llm/chat/completions",
                                request("mock", ""),
                                ws.adminToken(),
                                "text/plain",
                                Map.of("x-workspace-id", ws.workspaceId()))
                        .status())
                .isEqualTo(415);
        Answer wrongMethod = ws.get("/api/v1/llm/chat/completions");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers()).containsEntry("allow", "POST");
        String huge = request("mock", "").replace("Hello there", "x".repeat(6 * 1024 * 1024));
        assertThat(ws.chat(ws.adminToken(), huge).status()).isEqualTo(413);

        assertThat(openai.getRequestCount() + backup.getRequestCount()).isEqualTo(calls);
        assertThat(ws.get(ws.at("/usage")).body().at("/totals/requests").asInt())
                .isZero();
        assertThat(ws.get(ws.at("/usage?provider=a%20b")).status()).isEqualTo(400);
        assertThat(ws.get(ws.at("/usage?from=2026-13-01")).status()).isEqualTo(400);
        assertThat(ws.get(ws.at("/usage?from=2020-01-01&to=2026-01-01")).status())
                .isEqualTo(400);
        String[] developer = ws.key("developer");
        assertThat(ws.client()
                        .send("PUT", ws.at("/budget"), "{\"monthlyUsd\":1}", developer[1], "application/json")
                        .status())
                .isEqualTo(403);
        assertThat(ws.put(ws.at("/budget"), "{\"monthlyUsd\":-1}").status()).isEqualTo(422);
        assertThat(ws.put(ws.at("/budget"), "{}").status()).isEqualTo(422);
        assertThat(ws.get(ws.at("/budget")).body().path("monthlyUsd").isNull()).isTrue();
        assertThat(ws.put(ws.at("/budget/keys/key_1"), "{\"monthlyUsd\":\"ten\"}")
                        .status())
                .isEqualTo(422);
        assertThat(ws.put(ws.at("/budget/keys/key.1"), "{\"monthlyUsd\":1}").status())
                .isEqualTo(404);
        assertThat(ws.post(
                                ws.at("/round-table"),
                                "{\"models\":[\"mock\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                        .status())
                .as("one model is no round table")
                .isEqualTo(422);
        assertThat(ws.post(
                                ws.at("/round-table"),
                                "{\"models\":[\"mock\",\"solo\"],\"messages\":[{\"role\":\"wizard\"}]}")
                        .status())
                .as("messages obey the chat schema")
                .isEqualTo(422);
        assertThat(ws.post(
                                ws.at("/round-table"),
                                "{\"models\":[\"mock\",\"gpt-17\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                        .status())
                .isEqualTo(404);
        assertThat(ws.get("/api/v1/llm/models/" + "x".repeat(300)).status()).isEqualTo(404);
    }

    @Test
    void autoRoutesByTaskAndSaysSo() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        Answer code = ws.chat(
                ws.adminToken(),
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"Refactor this Java method to remove the bug\"}]}");
        assertThat(code.status()).isEqualTo(200);
        assertThat(code.headers()).containsEntry("x-llm-route", "auto:code->mock");
        Answer chat = ws.chat(
                ws.adminToken(),
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Good morning!\"}]}");
        assertThat(chat.headers()).containsEntry("x-llm-route", "auto:chat->solo");
    }

    @Test
    void theRoundTableJudgesAndReportsEveryCandidate() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        backupAnswers = body -> body.path("model").asString().equals("fails")
                ? json(400, "{\"error\":{\"message\":\"model fails is not served\"}}")
                : completion("backup", body);
        openaiAnswers =
                body -> body.at("/response_format/json_schema/name").asString().equals("verdict")
                        ? json(200, """
                        {"id": "j", "object": "chat.completion", "created": 1, "model": "gpt-4.1-mini",
                         "choices": [{"index": 0, "message": {"role": "assistant", "content":
                           "{\\"scores\\":[{\\"candidate\\":1,\\"score\\":4,\\"reason\\":\\"vague\\"},{\\"candidate\\":2,\\"score\\":9,\\"reason\\":\\"precise\\"}]}"},
                           "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130}}""")
                        : completion("openai", body);
        Answer verdict = ws.post(ws.at("/round-table"), """
                {"models": ["solo", "backup/gpt-backup", "backup/fails"], "judge": "solo", "max_tokens": 20,
                 "rubric": "Precision.", "messages": [{"role": "user", "content": "Name a fabric for summer."}]}""");
        assertThat(verdict.status()).as(verdict.raw()).isEqualTo(200);
        assertThat(verdict.body().at("/winner/candidate").asInt()).isEqualTo(2);
        assertThat(verdict.body().at("/winner/provider").asString()).isEqualTo("backup");
        assertThat(verdict.body().at("/winner/text").asString()).isEqualTo("answer from backup to gpt-backup");
        assertThat(verdict.body().at("/judge/judged").asBoolean()).isTrue();
        JsonNode candidates = verdict.body().path("candidates");
        assertThat(candidates).hasSize(3);
        assertThat(candidates.get(0).path("score").asDouble()).isEqualTo(4.0);
        assertThat(candidates.get(0).path("costUsd").decimalValue()).isEqualByComparingTo("0.00002");
        assertThat(candidates.get(0).path("latencyMs").isNumber()).isTrue();
        assertThat(candidates.get(2).path("error").asString()).startsWith("400");
        // Three calls were made for the caller: two candidates and the judge.
        assertThat(ws.get(ws.at("/usage")).body().at("/totals/requests").asInt())
                .isEqualTo(4);
    }

    @Test
    void embeddingsAsFloatsOrBase64() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        Answer floats = ws.post("/api/v1/llm/embeddings", "{\"model\":\"vectors\",\"input\":[\"linen\",\"wool\"]}");
        assertThat(floats.status()).as(floats.raw()).isEqualTo(200);
        assertThat(floats.body().path("data")).hasSize(2);
        assertThat(floats.body().at("/data/1/embedding/1").asDouble()).isEqualTo(-1.5);
        Answer packed = ws.post(
                "/api/v1/llm/embeddings", "{\"model\":\"vectors\",\"input\":\"linen\",\"encoding_format\":\"base64\"}");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(packed.body().at("/data/0/embedding").asString()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat()).isEqualTo(0.25f);
        assertThat(bytes.getFloat()).isEqualTo(-0.5f);
        assertThat(ws.post("/api/v1/llm/embeddings", "{\"model\":\"mock\",\"input\":\"x\"}")
                        .status())
                .as("a chat alias is no embedding model")
                .isEqualTo(404);
        assertThat(ws.post("/api/v1/llm/embeddings", "{\"model\":\"vectors\",\"input\":[1,2]}")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void modelsListTheReachableAliasesAndTargets() throws Exception {
        LlmWorkspace ws = LlmWorkspace.create(api);
        JsonNode models = ws.get("/api/v1/llm/models").body();
        List<String> ids = models.path("data")
                .valueStream()
                .map(m -> m.path("id").asString())
                .toList();
        assertThat(ids)
                .contains("mock", "solo", "vectors", "auto", "openai/gpt-4.1-mini", "backup/gpt-backup")
                .doesNotContain("devskyy-offline");
        assertThat(ws.get("/api/v1/llm/models/mock").body().path("targets")).hasSize(2);
        assertThat(ws.get("/api/v1/llm/models/nope").status()).isEqualTo(404);
    }
}
