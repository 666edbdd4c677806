package app.devskyy.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final RouteHandler OK = request -> HttpResponse.noContent();

    private final Router router = Router.builder()
            .get("/items/{id}", OK)
            .get("/items/me", OK)
            .delete("/items/{id}", OK)
            .post("/items", OK)
            .build();

    @Test
    void bindsPathParameters() {
        Router.Match match = router.match("GET", "/items/42");
        assertThat(match.route().template()).isEqualTo("/items/{id}");
        assertThat(match.pathParameters()).isEqualTo(Map.of("id", "42"));
    }

    @Test
    void literalSegmentWinsOverParameterWhateverTheOrder() {
        assertThat(router.match("GET", "/items/me").route().template()).isEqualTo("/items/me");
        assertThat(router.match("GET", "/items/me").pathParameters()).isEmpty();
    }

    @Test
    void trailingSlashIsTheSameResource() {
        assertThat(router.match("POST", "/items/").route().template()).isEqualTo("/items");
    }

    @Test
    void headIsAnsweredByGet() {
        assertThat(router.match("HEAD", "/items/7").route().method()).isEqualTo("GET");
    }

    @Test
    void unknownPathIs404() {
        assertThatThrownBy(() -> router.match("GET", "/nothing/here"))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
        assertThatThrownBy(() -> router.match("GET", "/items/1/extra"))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
        assertThatThrownBy(() -> router.match("GET", "/items//"))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }

    @Test
    void knownPathWithOtherMethodIs405ListingTheAllowedOnes() {
        assertThatThrownBy(() -> router.match("PUT", "/items/9")).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(405);
            assertThat(p.headers()).containsEntry("allow", "GET, DELETE, HEAD");
        });
        assertThatThrownBy(() -> router.match("GET", "/items"))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.headers()).containsEntry("allow", "POST"));
    }

    @Test
    void templatesMustBeAbsolute() {
        assertThatThrownBy(() -> Router.builder().get("items", OK)).isInstanceOf(IllegalArgumentException.class);
    }
}
