package app.devskyy.llm.metering;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.Identifiers;
import java.util.Optional;

/**
 * Who is calling the proxy and for which workspace. The routes of our own (usage, budgets, round
 * table) name it in their path, as every workspace-scoped route of the API does; the
 * OpenAI-compatible ones (chat, embeddings, models) cannot, since OpenAI SDKs set headers, not
 * paths: there it is an API key's own workspace, a token holder's only one, or the one named in
 * {@code x-workspace-id}. A workspace the caller is not a member of is not found (404), as
 * everywhere in the API. Usage is attributed to {@code id}: {@code key:<id>} for API keys,
 * {@code user:<id>} otherwise.
 */
public record Caller(String workspaceId, String id, Optional<String> apiKeyId, Role role) {

    public static final String WORKSPACE_HEADER = "x-workspace-id";

    /** For the OpenAI-compatible routes: the workspace from the credential or the header. */
    public static Caller of(Principal principal, HttpRequest request, Role required) {
        return named(
                principal,
                request.header(WORKSPACE_HEADER).map(String::strip).filter(s -> !s.isEmpty()),
                "the " + WORKSPACE_HEADER + " header",
                required);
    }

    /**
     * The workspace {@code named} (by {@code where}: a header, an argument), or the credential's only
     * one; a caller of several workspaces must name one.
     */
    public static Caller named(Principal principal, Optional<String> named, String where, Role required) {
        String workspace;
        if (named.isPresent()) {
            workspace = named.get();
        } else if (principal.memberships().size() == 1) {
            workspace = principal.memberships().keySet().iterator().next();
        } else {
            throw ApiProblem.badRequest("Name the workspace in " + where + ".");
        }
        if (!Identifiers.isId(workspace)) {
            throw ApiProblem.badRequest("The workspace in " + where + " is not a workspace id.");
        }
        return in(principal, workspace, required);
    }

    /** For the routes under {@code /workspaces/{workspaceId}}. */
    public static Caller inPath(Principal principal, HttpRequest request, Role required) {
        return in(principal, request.pathId("workspaceId"), required);
    }

    private static Caller in(Principal principal, String workspace, Role required) {
        Role role = Authenticator.requireRole(principal, workspace, required);
        return attributed(
                workspace,
                principal.userId().startsWith("key:") ? principal.userId() : "user:" + principal.userId(),
                role);
    }

    /** A caller named by its attribution ({@code key:<id>} or {@code user:<id>}), as work done later for it (an agent run) names it. */
    public static Caller attributed(String workspace, String id, Role role) {
        return new Caller(workspace, id, id.startsWith("key:") ? Optional.of(id.substring(4)) : Optional.empty(), role);
    }
}
