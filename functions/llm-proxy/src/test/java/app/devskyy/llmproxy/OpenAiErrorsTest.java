package app.devskyy.llmproxy;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Problems in OpenAI's error envelope, with the types and codes its SDKs map to exceptions. */
class OpenAiErrorsTest {

    private static JsonNode error(ApiProblem problem) {
        HttpResponse response = new OpenAiErrors().body(problem, "/api/v1/llm/chat/completions", "req-1");
        assertThat(response.status()).isEqualTo(problem.status());
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("error");
    }

    @Test
    void anExhaustedBudgetIsInsufficientQuota() {
        JsonNode error = error(new ApiProblem(
                429,
                "budget-exhausted",
                "Budget Exhausted",
                "No budget left.",
                List.of(),
                Map.of("x-should-retry", "false")));
        assertThat(error.path("type").asString()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(error.path("message").asString()).isEqualTo("No budget left.");
    }

    @Test
    void fieldErrorsNameTheParameterTheOpenAiWay() {
        JsonNode error = error(ApiProblem.validation(
                List.of(new FieldError("/messages/0/role", "not-allowed", "must be one of ..."))));
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).isEqualTo("messages.0.role");
        assertThat(error.path("code").asString()).isEqualTo("invalid_request");
        assertThat(error.path("message").asString()).contains("/messages/0/role: must be one of");
    }

    @Test
    void unknownModelsAndOutagesKeepTheirStatus() {
        assertThat(error(ApiProblem.of(404, "model-not-found", "Not Found", "x"))
                        .path("code")
                        .asString())
                .isEqualTo("model_not_found");
        JsonNode outage = error(ApiProblem.serviceUnavailable("down", 2));
        assertThat(outage.path("code").asString()).isEqualTo("service_unavailable");
    }
}
