package app.devskyy.auth;

import app.devskyy.auth.AuthModels.Tokens;
import app.devskyy.core.config.Config;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The browser mode of refresh tokens: the token travels in an httpOnly, Secure, SameSite=Strict
 * cookie scoped to the refresh path, so no script can read it, and the JSON answer leaves it out.
 * Because a browser attaches the cookie by itself, a refresh from the cookie must prove it comes
 * from our frontend: its {@code Origin} must be one of the allowed origins (the same list the
 * HTTP API's CORS allows) and it must carry {@code x-devskyy-csrf}, a header no cross-site form can
 * set and no script of a foreign origin may send (the preflight is refused).
 */
final class RefreshCookies {

    static final String NAME = "devskyy_refresh";
    static final String PATH = AuthRoutes.BASE + "/refresh";
    static final String CSRF_HEADER = "x-devskyy-csrf";

    private final Set<String> allowedOrigins;

    RefreshCookies(Set<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** {@code CORS_ALLOWED_ORIGINS}: the frontend's origins, comma-separated, as the template's CORS parameter. */
    static RefreshCookies from(Config config) {
        return new RefreshCookies(Arrays.stream(config.required("CORS_ALLOWED_ORIGINS", "http://localhost:5173")
                        .split(","))
                .map(String::strip)
                .filter(origin -> !origin.isEmpty() && !origin.equals("*"))
                .collect(Collectors.toSet()));
    }

    /** A token answer in the mode asked for: the refresh token in the body, or in the cookie only. */
    HttpResponse deliver(Tokens tokens, boolean inCookie) {
        if (!inCookie) {
            return HttpResponse.ok(tokens);
        }
        return HttpResponse.ok(tokens.withoutRefreshToken())
                .withCookie(cookie(tokens.refreshToken(), Sessions.SESSION_LIFETIME.toSeconds()));
    }

    /** The refresh token of a refresh that sent none in its body: the cookie's, once the request proved its origin. */
    String fromCookie(HttpRequest request) {
        if (request.header(CSRF_HEADER).map(String::isBlank).orElse(true)) {
            throw refused("Refreshing from the cookie needs the " + CSRF_HEADER + " header.");
        }
        String origin = request.header("origin").orElse("");
        if (!allowedOrigins.contains(origin)) {
            throw refused("This origin may not refresh a browser session.");
        }
        return request.cookie(NAME)
                .orElseThrow(() -> ApiProblem.of(
                        401,
                        "invalid-refresh-token",
                        "Unauthorized",
                        "No refresh token: none in the body and no refresh cookie."));
    }

    /** Logout's instruction to the browser to forget the cookie. */
    static String cleared() {
        return cookie("", 0);
    }

    private static String cookie(String value, long maxAgeSeconds) {
        return NAME + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=" + PATH
                + "; HttpOnly; Secure; SameSite=Strict";
    }

    private static ApiProblem refused(String detail) {
        return ApiProblem.of(403, "csrf-check-failed", "Forbidden", detail);
    }
}
