package app.devskyy.core.http;

import app.devskyy.core.Json;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a function writes an {@link ApiProblem} on the wire. Every family uses RFC 9457
 * ({@link #RFC_9457}); the OpenAI-compatible LLM proxy writes OpenAI's error envelope instead, so
 * that SDKs raise the right exception. Either way the problem's headers ({@code Retry-After},
 * {@code Allow}, {@code WWW-Authenticate}) are sent.
 */
@FunctionalInterface
public interface ProblemFormat {

    /** The response body and content type for {@code problem}, raised by a request to {@code path}. */
    HttpResponse body(ApiProblem problem, String path, String requestId);

    ProblemFormat RFC_9457 = (problem, path, requestId) -> {
        // A tree, not a map: the members keep RFC 9457's order (maps are written sorted).
        ObjectNode body = Json.MAPPER
                .createObjectNode()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("instance", path)
                .put("requestId", requestId);
        if (!problem.errors().isEmpty()) {
            body.set("errors", Json.MAPPER.valueToTree(problem.errors()));
        }
        return HttpResponse.json(problem.status(), "application/problem+json", body);
    };

    /** The response for {@code problem}: its body in this format, and its headers. */
    default HttpResponse render(ApiProblem problem, String path, String requestId) {
        HttpResponse response = body(problem, path, requestId);
        for (Map.Entry<String, String> header : problem.headers().entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }
}
