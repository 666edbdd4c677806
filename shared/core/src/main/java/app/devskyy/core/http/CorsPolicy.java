package app.devskyy.core.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CORS behaviour of an HTTP API's {@code CorsConfiguration}. In AWS, API Gateway applies it
 * (it answers preflights itself and sets the headers on every response); the local server applies
 * this same policy, read from {@code template.yaml}, so that a browser sees the same answers.
 */
public record CorsPolicy(
        List<String> allowOrigins,
        List<String> allowMethods,
        List<String> allowHeaders,
        List<String> exposeHeaders,
        boolean allowCredentials,
        int maxAgeSeconds) {

    public CorsPolicy {
        allowOrigins = List.copyOf(allowOrigins);
        allowMethods =
                allowMethods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        allowHeaders =
                allowHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** The same policy for other origins: the local server's, which its flag or environment sets. */
    public CorsPolicy withOrigins(List<String> origins) {
        return new CorsPolicy(origins, allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAgeSeconds);
    }

    public boolean allowsOrigin(String origin) {
        return origin != null && (allowOrigins.contains("*") || allowOrigins.contains(origin));
    }

    /** True when a request is a CORS preflight (OPTIONS with an origin and a requested method). */
    public static boolean isPreflight(String method, String origin, String requestedMethod) {
        return "OPTIONS".equals(method) && origin != null && requestedMethod != null;
    }

    /**
     * The headers of a preflight answer; empty when the origin or method is not allowed, in which
     * case the browser blocks the call.
     */
    public Optional<Map<String, String>> preflight(String origin, String requestedMethod, String requestedHeaders) {
        boolean methodAllowed =
                allowMethods.contains("*") || allowMethods.contains(requestedMethod.toUpperCase(Locale.ROOT));
        if (!allowsOrigin(origin) || !methodAllowed) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>(originHeaders(origin));
        headers.put("access-control-allow-methods", String.join(",", allowMethods));
        if (requestedHeaders != null && !requestedHeaders.isBlank()) {
            headers.put(
                    "access-control-allow-headers",
                    allowHeaders.contains("*") ? requestedHeaders : String.join(",", allowHeaders));
        }
        headers.put("access-control-max-age", Integer.toString(maxAgeSeconds));
        return Optional.of(headers);
    }

    /** The CORS headers added to an actual (non-preflight) response; empty for foreign origins. */
    public Map<String, String> responseHeaders(String origin) {
        if (!allowsOrigin(origin)) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>(originHeaders(origin));
        if (!exposeHeaders.isEmpty()) {
            headers.put("access-control-expose-headers", String.join(",", exposeHeaders));
        }
        return headers;
    }

    private Map<String, String> originHeaders(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        // With credentials a wildcard is not allowed by browsers, so the origin is echoed instead.
        headers.put("access-control-allow-origin", allowOrigins.contains("*") && !allowCredentials ? "*" : origin);
        if (allowCredentials) {
            headers.put("access-control-allow-credentials", "true");
        }
        headers.put("vary", "origin");
        return headers;
    }
}
