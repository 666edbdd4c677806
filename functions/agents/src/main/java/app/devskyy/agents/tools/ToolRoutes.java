package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Router;
import app.devskyy.llm.metering.Caller;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tool registry ({@code GET .../tools}) and a workspace's integrations ({@code PUT}, {@code
 * GET}, {@code DELETE .../integrations/{kind}}) under {@code /api/v1/agents/workspaces/{workspaceId}}.
 * Members read the registry; admins set and remove integrations and developers list them, which
 * never shows a credential.
 */
public final class ToolRoutes {

    static final String BASE = "/api/v1/agents/workspaces/{workspaceId}";
    private static final BodySchema INTEGRATION = BodySchema.load(ToolRoutes.class, "integration");

    /** The fields each kind needs, and the one whose last characters are its hint. */
    private static final Map<String, List<String>> CREDENTIALS = Map.of(
            "woocommerce", List.of("consumerKey", "consumerSecret"),
            "wordpress", List.of("username", "applicationPassword"));

    record ToolList(List<ToolRegistry.Spec> tools) {}

    record IntegrationList(List<IntegrationStore.View> integrations) {}

    private final ToolRegistry registry;
    private final IntegrationStore integrations;
    private final SafeHttp http;
    private final Authenticator authenticator;

    public ToolRoutes(
            ToolRegistry registry, IntegrationStore integrations, SafeHttp http, Authenticator authenticator) {
        this.registry = registry;
        this.integrations = integrations;
        this.http = http;
        this.authenticator = authenticator;
    }

    public Router.Builder addTo(Router.Builder routes) {
        return routes.get(BASE + "/tools", this::tools)
                .get(BASE + "/integrations", this::list)
                .put(BASE + "/integrations/{kind}", this::put)
                .delete(BASE + "/integrations/{kind}", this::delete);
    }

    private Caller caller(HttpRequest request, Role required) {
        return Caller.inPath(authenticator.authenticate(request), request, required);
    }

    private HttpResponse tools(HttpRequest request) {
        caller(request, Role.READ_ONLY);
        return HttpResponse.ok(new ToolList(registry.all()));
    }

    private HttpResponse list(HttpRequest request) {
        Caller caller = caller(request, Role.DEVELOPER);
        return HttpResponse.ok(new IntegrationList(integrations.list(caller.workspaceId())));
    }

    private static String kind(HttpRequest request) {
        String kind = request.pathParameter("kind");
        if (!IntegrationStore.KINDS.contains(kind)) {
            throw ApiProblem.notFound("There is no such integration; the kinds are " + IntegrationStore.KINDS + ".");
        }
        return kind;
    }

    private HttpResponse put(HttpRequest request) {
        Caller caller = caller(request, Role.ADMIN);
        String kind = kind(request);
        JsonNode body = request.jsonBody(INTEGRATION, JsonNode.class);
        List<String> fields = CREDENTIALS.get(kind);
        List<FieldError> errors = fields.stream()
                .filter(f -> !body.has(f))
                .map(f -> new FieldError("/" + f, "required", "is required for " + kind))
                .toList();
        List<FieldError> foreign = CREDENTIALS.values().stream()
                .flatMap(List::stream)
                .filter(f -> !fields.contains(f) && body.has(f))
                .map(f -> new FieldError("/" + f, "not-allowed", "is not a " + kind + " credential"))
                .toList();
        if (!errors.isEmpty() || !foreign.isEmpty()) {
            throw ApiProblem.validation(
                    Stream.concat(errors.stream(), foreign.stream()).toList());
        }
        String baseUrl = body.get("baseUrl").asString();
        HttpUrl url = HttpUrl.parse(baseUrl);
        try {
            // Plain HTTP only to the pairs SafeHttp lets through (the local server's mock shops).
            if (url == null || (!url.isHttps() && !http.isAllowed(url))) {
                throw new ToolFailure("refused", "https only", false);
            }
            http.check(url);
        } catch (ToolFailure refused) {
            throw ApiProblem.validation(
                    List.of(new FieldError("/baseUrl", "not-allowed", "must be a public https address")));
        }
        ObjectNode credentials = Json.MAPPER.createObjectNode();
        fields.forEach(f -> credentials.put(f, body.get(f).asString()));
        return HttpResponse.ok(integrations.put(
                caller.workspaceId(), kind, url.toString(), credentials, fields.getFirst(), caller.id()));
    }

    private HttpResponse delete(HttpRequest request) {
        Caller caller = caller(request, Role.ADMIN);
        if (!integrations.delete(caller.workspaceId(), kind(request))) {
            throw ApiProblem.notFound("The workspace has no such integration.");
        }
        return HttpResponse.noContent();
    }
}
