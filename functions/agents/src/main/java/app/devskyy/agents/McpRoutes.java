package app.devskyy.agents;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/mcp}, the agents' MCP server over Streamable HTTP (POST only: the server is
 * stateless and opens no stream, so GET and DELETE answer 405), authenticated by access token or
 * API key; and the OAuth Protected Resource Metadata (RFC 9728) that tells an MCP client which
 * authorization server issues its tokens, at {@code /.well-known/oauth-protected-resource} and at
 * the path-suffixed form clients try first. A 401 names that document in {@code WWW-Authenticate}.
 */
final class McpRoutes {

    static final String PATH = "/api/v1/mcp";
    static final String METADATA = "/.well-known/oauth-protected-resource";

    private final McpEndpoint endpoint;
    private final Authenticator authenticator;
    private final String issuer;

    McpRoutes(McpEndpoint endpoint, Authenticator authenticator, String issuer) {
        this.endpoint = endpoint;
        this.authenticator = authenticator;
        this.issuer = issuer;
    }

    Router.Builder addTo(Router.Builder routes) {
        return routes.post(PATH, this::post)
                .get(PATH, request -> {
                    throw ApiProblem.methodNotAllowed("GET", List.of("POST"));
                })
                .delete(PATH, request -> {
                    throw ApiProblem.methodNotAllowed("DELETE", List.of("POST"));
                })
                .get(METADATA, this::metadata)
                .get(METADATA + PATH, this::metadata);
    }

    private HttpResponse post(HttpRequest request) {
        Principal principal;
        try {
            principal = authenticator.authenticate(request);
        } catch (ApiProblem refused) {
            if (refused.status() != 401) {
                throw refused;
            }
            Map<String, String> headers = new LinkedHashMap<>(refused.headers());
            headers.put(
                    "www-authenticate",
                    refused.headers().getOrDefault("www-authenticate", "Bearer realm=\"devskyy\"")
                            + ", resource_metadata=\"" + issuer + METADATA + PATH + "\"");
            throw new ApiProblem(401, refused.slug(), "Unauthorized", refused.detail(), List.of(), Map.copyOf(headers));
        }
        return endpoint.handle(request, principal);
    }

    private HttpResponse metadata(HttpRequest request) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("resource", issuer + PATH);
        document.put("authorization_servers", List.of(issuer));
        document.put("bearer_methods_supported", List.of("header"));
        document.put("resource_name", "DevSkyy agents (MCP)");
        document.put("resource_documentation", issuer + "/docs");
        return HttpResponse.ok(document).withHeader("cache-control", "public, max-age=3600");
    }
}
