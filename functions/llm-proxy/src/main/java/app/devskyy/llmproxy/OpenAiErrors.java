package app.devskyy.llmproxy;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.ProblemFormat;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * The LLM proxy's problems in OpenAI's error envelope,
 * {@code {"error": {"message", "type", "param", "code"}}}, with the status codes OpenAI uses, so
 * that an OpenAI SDK raises the matching exception (BadRequest, Authentication, PermissionDenied,
 * NotFound, Conflict, UnprocessableEntity, RateLimit, InternalServer). The request id travels as
 * {@code x-request-id}, as OpenAI's does.
 */
final class OpenAiErrors implements ProblemFormat {

    /** Slugs that OpenAI callers know by their own codes. */
    private static final Map<String, String> CODES = Map.of(
            "too-many-requests", "rate_limit_exceeded",
            "budget-exhausted", "insufficient_quota",
            "model-not-found", "model_not_found",
            "unauthorized", "invalid_api_key",
            "malformed-json", "invalid_json",
            "validation-failed", "invalid_request");

    @Override
    public HttpResponse body(ApiProblem problem, String path, String requestId) {
        String message = problem.detail();
        if (!problem.errors().isEmpty()) {
            message += " "
                    + problem.errors().stream()
                            .map(e -> (e.pointer().isEmpty() ? "body" : e.pointer()) + ": " + e.detail())
                            .collect(Collectors.joining("; "));
        }
        // A tree, not a map: the members keep OpenAI's order (maps are written sorted).
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode error = body.putObject("error")
                .put("message", message)
                .put("type", type(problem.status()))
                .put(
                        "param",
                        problem.errors().isEmpty()
                                ? null
                                : param(problem.errors().getFirst()))
                .put("code", CODES.getOrDefault(problem.slug(), problem.slug().replace('-', '_')));
        if (!problem.errors().isEmpty()) {
            // Beyond OpenAI's one param: every violation with its pointer and stable code, as in problem+json.
            error.set("errors", Json.MAPPER.valueToTree(problem.errors()));
        }
        return HttpResponse.json(problem.status(), "application/json", body);
    }

    /** OpenAI names the offending parameter without the pointer's leading slash ({@code messages.0.role}). */
    private static String param(FieldError error) {
        String field = error.pointer();
        return field.startsWith("/") ? field.substring(1).replace('/', '.') : field;
    }

    private static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            case 400, 405, 413, 415, 422 -> "invalid_request_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
