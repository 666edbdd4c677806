package app.devskyy.llmproxy;

import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.Identifiers;
import java.util.Optional;

/**
 * Who is calling the proxy and for which workspace: an API key's own workspace, a token holder's
 * only workspace, or the one named in {@code x-workspace-id} (needed when the token holds several).
 * Usage is attributed to {@code id}: {@code key:<id>} for API keys, {@code user:<id>} otherwise.
 */
record Caller(String workspaceId, String id, Optional<String> apiKeyId, Role role) {

    static final String WORKSPACE_HEADER = "x-workspace-id";

    static Caller of(Principal principal, HttpRequest request, Role required) {
        Optional<String> named =
                request.header(WORKSPACE_HEADER).map(String::strip).filter(s -> !s.isEmpty());
        String workspace;
        if (named.isPresent()) {
            workspace = named.get();
        } else if (principal.memberships().size() == 1) {
            workspace = principal.memberships().keySet().iterator().next();
        } else {
            throw ApiProblem.badRequest("Name the workspace in the " + WORKSPACE_HEADER + " header.");
        }
        if (!Identifiers.isId(workspace)) {
            throw ApiProblem.badRequest("The " + WORKSPACE_HEADER + " header is not a workspace id.");
        }
        // 403, not auth's 404: OpenAI clients expect PermissionDenied for a workspace they cannot use.
        Role role = principal
                .roleIn(workspace)
                .orElseThrow(() ->
                        ApiProblem.of(403, "forbidden", "Forbidden", "The caller is not a member of this workspace."));
        if (!role.atLeast(required)) {
            throw ApiProblem.of(
                    403, "forbidden", "Forbidden", "This operation needs the role " + required.wire() + ".");
        }
        boolean isKey = principal.userId().startsWith("key:");
        return new Caller(
                workspace,
                isKey ? principal.userId() : "user:" + principal.userId(),
                isKey ? Optional.of(principal.userId().substring(4)) : Optional.empty(),
                role);
    }
}
