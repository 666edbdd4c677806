package app.devskyy.core.http;

import java.util.Map;

/**
 * Headers every response carries. The API serves JSON, never pages, so the policy forbids
 * everything a browser could do with a response beyond reading it. A route may override
 * {@code cache-control} (the JWKS document is cacheable, for example).
 */
public final class SecurityHeaders {

    public static final Map<String, String> DEFAULTS = Map.of(
            "strict-transport-security", "max-age=63072000; includeSubDomains",
            "x-content-type-options", "nosniff",
            "x-frame-options", "DENY",
            "referrer-policy", "no-referrer",
            "content-security-policy", "default-src 'none'; frame-ancestors 'none'",
            "cross-origin-resource-policy", "same-origin",
            "cache-control", "no-store");

    private SecurityHeaders() {}
}
