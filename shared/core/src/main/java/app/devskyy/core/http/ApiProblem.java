package app.devskyy.core.http;

import java.util.List;
import java.util.Map;

/**
 * The one error type of the HTTP layer: an RFC 9457 problem that a handler throws and the
 * {@link HttpApiFunction} turns into an {@code application/problem+json} response.
 *
 * <p>Details are written for the caller; they must never carry secrets or personal data, because
 * they are returned verbatim.
 */
public final class ApiProblem extends RuntimeException {

    private static final String TYPE_BASE = "https://api.devskyy.app/problems/";

    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ApiProblem(
            int status,
            String slug,
            String title,
            String detail,
            List<FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ApiProblem of(int status, String slug, String title, String detail) {
        return new ApiProblem(status, slug, title, detail, List.of(), Map.of());
    }

    public static ApiProblem badRequest(String detail) {
        return of(400, "bad-request", "Bad Request", detail);
    }

    public static ApiProblem malformedJson() {
        return of(400, "malformed-json", "Malformed JSON", "The request body is not a valid JSON document.");
    }

    public static ApiProblem notFound(String detail) {
        return of(404, "not-found", "Not Found", detail);
    }

    public static ApiProblem methodNotAllowed(String method, List<String> allowed) {
        return new ApiProblem(
                405,
                "method-not-allowed",
                "Method Not Allowed",
                "This resource does not support " + method + ".",
                List.of(),
                Map.of("allow", String.join(", ", allowed)));
    }

    public static ApiProblem payloadTooLarge(long limitBytes) {
        return of(
                413,
                "payload-too-large",
                "Payload Too Large",
                "The request body exceeds the limit of " + limitBytes + " bytes.");
    }

    public static ApiProblem unsupportedMediaType(String expected) {
        return of(
                415,
                "unsupported-media-type",
                "Unsupported Media Type",
                "The request body must be sent as " + expected + ".");
    }

    public static ApiProblem validation(List<FieldError> errors) {
        return new ApiProblem(
                422,
                "validation-failed",
                "Unprocessable Content",
                "The request body does not match the schema of this operation.",
                errors,
                Map.of());
    }

    public static ApiProblem tooManyRequests(int retryAfterSeconds) {
        return new ApiProblem(
                429,
                "too-many-requests",
                "Too Many Requests",
                "Too many requests; retry after " + retryAfterSeconds + " seconds.",
                List.of(),
                Map.of("retry-after", Integer.toString(retryAfterSeconds)));
    }

    public static ApiProblem serviceUnavailable(String detail, int retryAfterSeconds) {
        return new ApiProblem(
                503,
                "service-unavailable",
                "Service Unavailable",
                detail,
                List.of(),
                Map.of("retry-after", Integer.toString(retryAfterSeconds)));
    }

    public static ApiProblem internal() {
        return of(
                500,
                "internal-error",
                "Internal Server Error",
                "The request could not be completed. Quote the request id when reporting it.");
    }

    public int status() {
        return status;
    }

    /** The problem's short name, the last segment of its {@code type}. */
    public String slug() {
        return slug;
    }

    public String type() {
        return TYPE_BASE + slug;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
