package app.devskyy.core.http;

import java.util.regex.Pattern;

/**
 * The known shapes of the identifiers callers send (in paths, queries, headers and bodies), in
 * one place, checked before any store call: an identifier out of shape can name nothing that
 * exists, and must never reach DynamoDB, whose keys stop at 2,048 bytes (partition) and 1,024
 * (sort) with a 400 of its own. Every id this API issues (workspaces, users, sessions, factors,
 * keys: UUIDs or base64url) is an {@link #ID}.
 */
public final class Identifiers {

    /** An id this API issued: base64url or UUID characters, at most 64. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A path segment naming anything else (a model, a provider): URL-safe characters, at most 200. */
    public static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~:@-]{1,200}");
    /** The longest query parameter value any route reads (API Gateway joins repeated ones with commas). */
    public static final int MAX_QUERY_LENGTH = 1024;

    private Identifiers() {}

    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /**
     * API Gateway's request ids are standard base64 ({@code Jx7QhgS3IAMEV1A=}), which breaks in a
     * URL; the API shows them in base64url without padding ({@code Jx7QhgS3IAMEV1A}). The access
     * log keeps API Gateway's form: {@code -} and {@code _} back to {@code +} and {@code /}, and
     * padding to a multiple of four, find its line.
     */
    public static String urlSafeRequestId(String requestId) {
        return requestId.replace('+', '-').replace('/', '_').replace("=", "");
    }

    /** An id from a path: out of shape, it names no resource (404). */
    public static String pathId(String value) {
        if (!isId(value)) {
            throw ApiProblem.notFound("No resource has this id.");
        }
        return value;
    }

    /** An id from a query parameter, a header or a body field: out of shape, it is the caller's error (400). */
    public static String requireId(String value, String name) {
        if (!isId(value)) {
            throw ApiProblem.badRequest(name + " is not an id this API issued.");
        }
        return value;
    }
}
