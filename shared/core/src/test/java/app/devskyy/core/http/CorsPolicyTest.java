package app.devskyy.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {

    private final CorsPolicy policy = new CorsPolicy(
            List.of("https://app.devskyy.app"),
            List.of("GET", "POST"),
            List.of("Authorization", "Content-Type"),
            List.of("x-request-id"),
            false,
            600);

    @Test
    void preflightFromAnAllowedOriginListsWhatIsAllowed() {
        var headers = policy.preflight("https://app.devskyy.app", "POST", "content-type")
                .orElseThrow();
        assertThat(headers)
                .containsEntry("access-control-allow-origin", "https://app.devskyy.app")
                .containsEntry("access-control-allow-methods", "GET,POST")
                .containsEntry("access-control-allow-headers", "authorization,content-type")
                .containsEntry("access-control-max-age", "600")
                .doesNotContainKey("access-control-allow-credentials");
    }

    @Test
    void foreignOriginsAndMethodsGetNothing() {
        assertThat(policy.preflight("https://evil.example", "GET", null)).isEmpty();
        assertThat(policy.preflight("https://app.devskyy.app", "DELETE", null)).isEmpty();
        assertThat(policy.responseHeaders("https://evil.example")).isEmpty();
        assertThat(policy.responseHeaders(null)).isEmpty();
    }

    @Test
    void actualResponsesExposeHeadersAndVaryOnOrigin() {
        assertThat(policy.responseHeaders("https://app.devskyy.app"))
                .containsEntry("access-control-allow-origin", "https://app.devskyy.app")
                .containsEntry("access-control-expose-headers", "x-request-id")
                .containsEntry("vary", "origin");
    }

    @Test
    void wildcardWithCredentialsEchoesTheOrigin() {
        CorsPolicy open = new CorsPolicy(List.of("*"), List.of("*"), List.of("*"), List.of(), true, 0);
        assertThat(open.responseHeaders("https://any.example"))
                .containsEntry("access-control-allow-origin", "https://any.example")
                .containsEntry("access-control-allow-credentials", "true");
        assertThat(open.preflight("https://any.example", "PATCH", "x-custom").orElseThrow())
                .containsEntry("access-control-allow-headers", "x-custom");
    }

    @Test
    void preflightNeedsOptionsOriginAndRequestedMethod() {
        assertThat(CorsPolicy.isPreflight("OPTIONS", "https://a", "GET")).isTrue();
        assertThat(CorsPolicy.isPreflight("OPTIONS", null, "GET")).isFalse();
        assertThat(CorsPolicy.isPreflight("GET", "https://a", "GET")).isFalse();
    }
}
