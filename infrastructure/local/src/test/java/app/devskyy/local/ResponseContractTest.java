package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.testing.Events;
import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The spec cannot drift from the code: every HTTP sample of {@code events/} is sent to the local
 * API (as a signed-in platform super admin, in a workspace of its own, so that the samples reach
 * their handlers) and each answer must be one the spec declares for its operation and status, with
 * a body its schema accepts. The end-to-end tests' answers pass the same check in {@link ApiClient}.
 */
class ResponseContractTest extends UsingLocalApi {

    private static final String SAMPLE_WORKSPACE = "ws_19d258625f30481d8bc5f3c6ce5518a6";
    private static final Set<String> HOP_HEADERS = Set.of(
            "host", "content-length", "authorization", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto");

    @Test
    void everySampleEventIsAnsweredAsTheSpecDeclares() throws IOException {
        ApiClient client = new ApiClient(api.port());
        Answer login = client.account(unique("contract"), "correct horse battery");
        String first = login.field("access_token");
        grantPlatformRole(client.get("/api/v1/auth/me", first).field("id"), "super_admin");
        String workspaceId = client.post("/api/v1/auth/workspaces", "{\"name\":\"Contract\"}", first)
                .field("id");
        // A token that carries the platform role and the new workspace (other families read roles from it).
        String token = client.post(
                        "/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.field("refresh_token") + "\"}", null)
                .field("access_token");

        List<String> violations = new ArrayList<>();
        Set<String> operations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Events.repositoryRoot().resolve("events"))) {
            // Logout ends the session the others use: it goes last.
            for (Path file : files.filter(f -> f.toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path f) -> f.endsWith("post-logout.json"))
                            .thenComparing(Comparator.naturalOrder()))
                    .toList()) {
                JsonNode event = Json.tree(Files.readAllBytes(file));
                if (!event.has("routeKey")) {
                    continue; // a queue's, operator's, state machine's, scheduler's or EventBridge's event, not an HTTP
                    // request
                }
                String method = event.at("/requestContext/http/method").asString();
                String query = event.path("rawQueryString").asString("");
                String path = event.path("rawPath").asString().replace(SAMPLE_WORKSPACE, workspaceId)
                        + (query.isEmpty() ? "" : "?" + query);
                Map<String, String> headers = new LinkedHashMap<>();
                event.path("headers").properties().forEach(h -> {
                    if (!HOP_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                        headers.put(h.getKey(), h.getValue().asString().replace(SAMPLE_WORKSPACE, workspaceId));
                    }
                });
                if (event.path("headers").has("authorization")) {
                    headers.put("authorization", "Bearer " + token);
                }
                String text = event.path("body").asString("");
                byte[] body = event.path("isBase64Encoded").asBoolean(false)
                        ? Base64.getDecoder().decode(text)
                        : text.replace(SAMPLE_WORKSPACE, workspaceId).getBytes(StandardCharsets.UTF_8);
                String contentType = headers.getOrDefault("content-type", "application/json");
                Answer answer = client.sendBytes(method, path, body.length == 0 ? null : body, contentType, headers);
                assertThat(answer.status()).as(file + " " + answer.raw()).isLessThan(500);
                violations.addAll(ResponseContract.SPEC.violations(
                        method,
                        path,
                        answer.status(),
                        answer.headers().getOrDefault("content-type", ""),
                        answer.raw(),
                        true));
                ResponseContract.SPEC.operation(method, path).ifPresent(op -> operations.add(op.key()));
            }
        }
        assertThat(violations).as("answers the spec does not declare").isEmpty();
        assertThat(operations).as("every operation is replayed").isEqualTo(ResponseContract.SPEC.operationKeys());
        assertThat(ResponseContract.SPEC.validated)
                .as("validated answers include successes, not only refusals")
                .anyMatch(v -> v.startsWith("GET /api/v1/auth/workspaces/{workspaceId}/audit 200"))
                .anyMatch(v -> v.startsWith("POST /api/v1/llm/chat/completions 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/billing/workspaces/{workspaceId}/subscription 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/billing/plans 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/billing/workspaces/{workspaceId}/payments 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/gdpr/purposes 200"))
                .anyMatch(v -> v.startsWith("PUT /api/v1/gdpr/consents/{purpose} 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/gdpr/consents/proof 200"))
                .anyMatch(v -> v.startsWith("POST /api/v1/gdpr/requests 201"))
                .anyMatch(v -> v.startsWith("GET /api/v1/gdpr/admin/requests 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/agents/workspaces/{workspaceId}/agents 200"))
                .anyMatch(v -> v.startsWith("POST /api/v1/agents/workspaces/{workspaceId}/runs 202"))
                .anyMatch(v -> v.startsWith("POST /api/v1/agents/workspaces/{workspaceId}/knowledge/documents 201"))
                .anyMatch(v -> v.startsWith("POST /api/v1/agents/workspaces/{workspaceId}/knowledge/search 200"))
                .anyMatch(v -> v.startsWith("GET /api/v1/agents/workspaces/{workspaceId}/tools 200"))
                .anyMatch(v -> v.startsWith("PUT /api/v1/agents/workspaces/{workspaceId}/integrations/{kind} 200"))
                .anyMatch(v -> v.startsWith("POST /api/v1/mcp 200"))
                .anyMatch(v -> v.startsWith("GET /.well-known/oauth-protected-resource 200"));
    }
}
