package app.devskyy.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.config.Config;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.testing.HttpEvents;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The HTTP conventions every family inherits: problems, bodies, headers. */
class HttpApiFunctionTest {

    record Item(String name, int quantity, List<String> tags) {}

    private static final BodySchema ITEM = BodySchema.load(HttpApiFunctionTest.class, "test-item");

    /** What the handlers stored: a request that is refused must leave this untouched. */
    private final List<Item> stored = new ArrayList<>();

    private final HttpApiFunction function = new HttpApiFunction(
            Router.builder()
                    .post("/items", request -> {
                        Item item = request.jsonBody(ITEM, Item.class);
                        stored.add(item);
                        return HttpResponse.json(201, item);
                    })
                    .get(
                            "/echo/{word}",
                            request -> HttpResponse.ok(Map.of(
                                    "word", request.pathParameter("word"),
                                    "q", request.query("q").orElse(""),
                                    "session", request.cookie("session").orElse(""),
                                    "agent", request.header("User-Agent").orElse(""))))
                    .get("/boom", request -> {
                        throw new IllegalStateException("secret-token-123 leaked into an exception message");
                    })
                    .build(),
            new Telemetry(Config.of(Map.of("DEVSKYY_METRICS", "off"))),
            64,
            ProblemFormat.RFC_9457);

    @Test
    void validBodyIsBoundAndStored() {
        APIGatewayV2HTTPResponse response = function.handle(
                HttpEvents.json("POST", "/items", "{\"name\":\"scarf\",\"quantity\":2,\"tags\":[\"silk\"]}"));
        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(stored).containsExactly(new Item("scarf", 2, List.of("silk")));
    }

    @Test
    void malformedJsonIs400() {
        JsonNode problem = problem(function.handle(HttpEvents.json("POST", "/items", "{\"name\": \"scarf\",")), 400);
        assertThat(problem.get("type").asString()).endsWith("/malformed-json");
        assertThat(stored).isEmpty();
    }

    @Test
    void trailingGarbageAfterTheDocumentIs400() {
        problem(function.handle(HttpEvents.json("POST", "/items", "{\"name\":\"a\",\"quantity\":1} {}")), 400);
        assertThat(stored).isEmpty();
    }

    @Test
    void emptyBodyIs400() {
        problem(function.handle(HttpEvents.json("POST", "/items", "")), 400);
        assertThat(stored).isEmpty();
    }

    @Test
    void schemaViolationIs422WithEveryFieldError() {
        JsonNode problem = problem(
                function.handle(
                        HttpEvents.json("POST", "/items", "{\"quantity\":0,\"tags\":[\"waytoolongtag\"],\"extra\":1}")),
                422);
        List<String> pointers = new ArrayList<>();
        problem.get("errors").forEach(e -> pointers.add(e.get("pointer").asString()));
        assertThat(pointers).contains("/name", "/quantity", "/tags/0", "");
        problem.get("errors")
                .forEach(e -> assertThat(e.get("detail").asString()).isNotBlank());
        assertThat(stored).isEmpty();
    }

    @Test
    void wrongJsonTypeForTheWholeBodyIs422() {
        problem(function.handle(HttpEvents.json("POST", "/items", "[1,2,3]")), 422);
        problem(function.handle(HttpEvents.json("POST", "/items", "\"text\"")), 422);
        assertThat(stored).isEmpty();
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"name\":\"" + "x".repeat(100) + "\",\"quantity\":1}";
        problem(function.handle(HttpEvents.json("POST", "/items", big)), 413);
        assertThat(stored).isEmpty();
    }

    @Test
    void nonJsonContentTypeIs415() {
        APIGatewayV2HTTPEvent event = HttpEvents.json("POST", "/items", "name=scarf");
        event.getHeaders().put("content-type", "application/x-www-form-urlencoded");
        problem(function.handle(event), 415);
        event.getHeaders().remove("content-type");
        problem(function.handle(event), 415);
        assertThat(stored).isEmpty();
    }

    @Test
    void jsonWithCharsetAndVendorTypesAreAccepted() {
        APIGatewayV2HTTPEvent event = HttpEvents.json("POST", "/items", "{\"name\":\"a\",\"quantity\":1}");
        event.getHeaders().put("content-type", "application/merge-patch+json; charset=utf-8");
        assertThat(function.handle(event).getStatusCode()).isEqualTo(201);
    }

    @Test
    void base64BodiesAreDecoded() {
        APIGatewayV2HTTPEvent event = HttpEvents.json(
                "POST",
                "/items",
                Base64.getEncoder().encodeToString("{\"name\":\"é\",\"quantity\":3}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertThat(function.handle(event).getStatusCode()).isEqualTo(201);
        assertThat(stored).containsExactly(new Item("é", 3, null));
    }

    @Test
    void invalidBase64Is400() {
        APIGatewayV2HTTPEvent event = HttpEvents.json("POST", "/items", "%%%not-base64%%%");
        event.setIsBase64Encoded(true);
        problem(function.handle(event), 400);
    }

    @Test
    void pathQueryCookiesAndHeadersReachTheHandler() {
        APIGatewayV2HTTPEvent event = HttpEvents.request("GET", "/echo/hello");
        event.setQueryStringParameters(Map.of("q", "a,b"));
        event.setCookies(List.of("theme=dark", "session=s1"));
        event.getHeaders().put("user-agent", "probe/1.0");
        JsonNode body = Json.tree(function.handle(event).getBody().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("word").asString()).isEqualTo("hello");
        assertThat(body.get("q").asString()).isEqualTo("a,b");
        assertThat(body.get("session").asString()).isEqualTo("s1");
        assertThat(body.get("agent").asString()).isEqualTo("probe/1.0");
    }

    @Test
    void everyResponseCarriesRequestIdAndSecurityHeaders() {
        for (APIGatewayV2HTTPEvent event : List.of(
                HttpEvents.request("GET", "/echo/x"),
                HttpEvents.request("GET", "/missing"),
                HttpEvents.request("GET", "/boom"))) {
            APIGatewayV2HTTPResponse response = function.handle(event);
            assertThat(response.getHeaders())
                    .containsEntry("x-request-id", event.getRequestContext().getRequestId())
                    .containsEntry("x-content-type-options", "nosniff")
                    .containsEntry("cache-control", "no-store")
                    .containsKey("strict-transport-security")
                    .containsKey("content-security-policy");
        }
    }

    @Test
    void unknownRouteAndWrongMethodAreProblems() {
        JsonNode notFound = problem(function.handle(HttpEvents.request("GET", "/missing")), 404);
        assertThat(notFound.get("instance").asString()).isEqualTo("/missing");
        APIGatewayV2HTTPResponse wrongMethod = function.handle(HttpEvents.request("DELETE", "/items"));
        problem(wrongMethod, 405);
        assertThat(wrongMethod.getHeaders()).containsEntry("allow", "POST");
    }

    @Test
    void aBugIsA500ProblemThatLeaksNothing() {
        APIGatewayV2HTTPResponse response = function.handle(HttpEvents.request("GET", "/boom"));
        JsonNode problem = problem(response, 500);
        assertThat(response.getBody()).doesNotContain("secret-token-123").doesNotContain("IllegalStateException");
        assertThat(problem.get("detail").asString()).contains("request id");
    }

    @Test
    void headAnswersWithoutBody() {
        APIGatewayV2HTTPResponse response = function.handle(HttpEvents.request("HEAD", "/echo/x"));
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEmpty();
    }

    @Test
    void eventWithoutRequestContextStillGetsAProblem() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        APIGatewayV2HTTPResponse response = function.handle(event);
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getHeaders()).containsKey("x-request-id");
    }

    /** Asserts a problem+json answer with the given status and the RFC 9457 members; returns its body. */
    static JsonNode problem(APIGatewayV2HTTPResponse response, int status) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
        JsonNode body = Json.tree(response.getBody().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("type").asString()).startsWith("https://");
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(body.get("requestId").asString())
                .isEqualTo(response.getHeaders().get("x-request-id"));
        return body;
    }
}
