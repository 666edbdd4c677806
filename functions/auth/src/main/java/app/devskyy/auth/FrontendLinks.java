package app.devskyy.auth;

import app.devskyy.core.config.Config;

/**
 * Where emailed links point: routes of the web frontend, which reads the token from the query
 * and calls {@code POST /api/v1/auth/email/verify} or {@code /password/reset} with it. The spec
 * names these routes ({@code x-frontend-routes}); a frontend with other routes sets them here.
 */
record FrontendLinks(String baseUrl, String verifyEmailPath, String resetPasswordPath) {

    static FrontendLinks from(Config config) {
        return new FrontendLinks(
                config.required("APP_BASE_URL", "http://localhost:5173"),
                path(config, "APP_VERIFY_EMAIL_PATH", "/verify-email"),
                path(config, "APP_RESET_PASSWORD_PATH", "/reset-password"));
    }

    private static String path(Config config, String name, String fallback) {
        String path = config.string(name, fallback);
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalStateException(name + " must be a path starting with / (no query or fragment)");
        }
        return path;
    }

    String verifyEmail(String token) {
        return baseUrl + verifyEmailPath + "?token=" + token;
    }

    String resetPassword(String token) {
        return baseUrl + resetPasswordPath + "?token=" + token;
    }
}
