package app.devskyy.core.http;

import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        body.put("instance", path);
        body.put("requestId", requestId);
        if (!problem.errors().isEmpty()) {
            body.put("errors", problem.errors());
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
