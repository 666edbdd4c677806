package app.devskyy.local;

import static app.devskyy.local.ApiClient.unique;
import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.local.ApiClient.Answer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workspaces, members, roles, the audit log and platform administration, through the local API. */
class WorkspacesTest extends UsingLocalApi {

    private static final String PASSWORD = "correct horse battery";

    /** A signed-up user with a token, calling from an address of its own. */
    record Caller(ApiClient client, String email, String userId, String token) {}

    private static Caller caller(String name) throws IOException {
        ApiClient client = new ApiClient(api.port());
        String email = unique(name);
        Answer tokens = client.account(email, PASSWORD);
        String token = tokens.field("access_token");
        return new Caller(client, email, client.get("/api/v1/auth/me", token).field("id"), token);
    }

    private static String workspace(Caller owner, String name) throws IOException {
        Answer created = owner.client().post("/api/v1/auth/workspaces", "{\"name\":\"" + name + "\"}", owner.token());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.field("role")).isEqualTo("admin");
        return created.field("id");
    }

    private static void add(Caller admin, String workspaceId, Caller member, String role) throws IOException {
        Answer added = admin.client()
                .post(
                        "/api/v1/auth/workspaces/" + workspaceId + "/members",
                        "{\"email\":\"" + member.email() + "\",\"role\":\"" + role + "\"}",
                        admin.token());
        assertThat(added.status()).as(added.raw()).isEqualTo(201);
    }

    private static String path(String workspaceId, String rest) {
        return "/api/v1/auth/workspaces/" + workspaceId + rest;
    }

    @Test
    void createListRenameAndRead() throws Exception {
        Caller owner = caller("Owner");
        String id = workspace(owner, "Autumn collection");
        assertThat(owner.client()
                        .get("/api/v1/auth/workspaces", owner.token())
                        .body()
                        .path("workspaces"))
                .extracting(w -> w.path("name").asString())
                .contains("Personal", "Autumn collection");
        assertThat(owner.client()
                        .patch(path(id, ""), "{\"name\":\"Winter collection\"}", owner.token())
                        .field("name"))
                .isEqualTo("Winter collection");
        assertThat(owner.client().get(path(id, ""), owner.token()).field("name"))
                .isEqualTo("Winter collection");
        assertThat(owner.client()
                        .patch(path(id, ""), "{\"name\":\"\"}", owner.token())
                        .status())
                .isEqualTo(422);
    }

    @Test
    void membersAndTheirRoles() throws Exception {
        Caller owner = caller("Owner");
        Caller dev = caller("Dev");
        String id = workspace(owner, "Team");
        add(owner, id, dev, "developer");
        Answer members = owner.client().get(path(id, "/members"), owner.token());
        assertThat(members.body().path("members"))
                .extracting(m -> m.path("role").asString())
                .containsExactlyInAnyOrder("admin", "developer");
        assertThat(members.raw()).contains(dev.email().toLowerCase());
        assertThat(dev.client().get(path(id, ""), dev.token()).field("role")).isEqualTo("developer");
        assertThat(owner.client()
                        .post(
                                path(id, "/members"),
                                "{\"email\":\"" + dev.email() + "\",\"role\":\"read_only\"}",
                                owner.token())
                        .status())
                .isEqualTo(409);
        assertThat(owner.client()
                        .post(
                                path(id, "/members"),
                                "{\"email\":\"" + unique("nobody") + "\",\"role\":\"read_only\"}",
                                owner.token())
                        .status())
                .isEqualTo(404);
        assertThat(owner.client()
                        .post(
                                path(id, "/members"),
                                "{\"email\":\"" + dev.email() + "\",\"role\":\"super_admin\"}",
                                owner.token())
                        .status())
                .isEqualTo(422);
        assertThat(owner.client()
                        .patch(path(id, "/members/" + dev.userId()), "{\"role\":\"read_only\"}", owner.token())
                        .status())
                .isEqualTo(204);
        assertThat(dev.client().get(path(id, ""), dev.token()).field("role")).isEqualTo("read_only");
        // A member may leave.
        assertThat(dev.client()
                        .delete(path(id, "/members/" + dev.userId()), dev.token())
                        .status())
                .isEqualTo(204);
        assertThat(dev.client().get(path(id, ""), dev.token()).status()).isEqualTo(404);
    }

    @Test
    void theLastAdminCannotBeDemotedOrRemoved() throws Exception {
        Caller owner = caller("Solo");
        Caller other = caller("Next");
        String id = workspace(owner, "Solo");
        assertThat(owner.client()
                        .patch(path(id, "/members/" + owner.userId()), "{\"role\":\"developer\"}", owner.token())
                        .status())
                .isEqualTo(409);
        assertThat(owner.client()
                        .delete(path(id, "/members/" + owner.userId()), owner.token())
                        .status())
                .isEqualTo(409);
        add(owner, id, other, "admin");
        assertThat(owner.client()
                        .patch(path(id, "/members/" + owner.userId()), "{\"role\":\"developer\"}", owner.token())
                        .status())
                .isEqualTo(204);
        assertThat(other.client()
                        .delete(path(id, "/members/" + other.userId()), other.token())
                        .status())
                .isEqualTo(409);
        assertThat(other.client()
                        .get(path(id, "/members"), other.token())
                        .body()
                        .path("members"))
                .extracting(m -> m.path("role").asString())
                .containsExactlyInAnyOrder("admin", "developer");
    }

    @Test
    void tenantIsolationMatrix() throws Exception {
        Caller owner = caller("Owner");
        String id = workspace(owner, "Guarded");
        // Five members: more than the free plan's three seats.
        subscribe(api, id, "team");
        Caller victim = caller("Victim");
        add(owner, id, victim, "read_only");
        Caller outsider = caller("Outsider");
        workspace(outsider, "Elsewhere");
        Map<String, Caller> callers = new LinkedHashMap<>();
        callers.put("outsider", outsider);
        for (String role : List.of("read_only", "api_user", "developer")) {
            Caller member = caller(role);
            add(owner, id, member, role);
            callers.put(role, member);
        }
        record Call(String method, String path, String body, boolean membersMayRead) {}
        List<Call> calls = List.of(
                new Call("GET", path(id, ""), null, true),
                new Call("PATCH", path(id, ""), "{\"name\":\"Taken over\"}", false),
                new Call("GET", path(id, "/members"), null, false),
                new Call(
                        "POST",
                        path(id, "/members"),
                        "{\"email\":\"" + outsider.email() + "\",\"role\":\"admin\"}",
                        false),
                new Call("PATCH", path(id, "/members/" + victim.userId()), "{\"role\":\"admin\"}", false),
                new Call("DELETE", path(id, "/members/" + victim.userId()), null, false),
                new Call("GET", path(id, "/audit"), null, false));
        List<String> violations = new ArrayList<>();
        for (var entry : callers.entrySet()) {
            for (Call call : calls) {
                Answer answer = entry.getValue()
                        .client()
                        .send(
                                call.method(),
                                call.path(),
                                call.body(),
                                entry.getValue().token(),
                                "application/json");
                int expected = entry.getKey().equals("outsider") ? 404 : call.membersMayRead() ? 200 : 403;
                if (answer.status() != expected) {
                    violations.add(entry.getKey() + " " + call.method() + " " + call.path() + " -> " + answer.status());
                }
            }
        }
        assertThat(violations).isEmpty();
        // Nothing was read or changed by any of it.
        assertThat(owner.client().get(path(id, ""), owner.token()).field("name"))
                .isEqualTo("Guarded");
        Answer members = owner.client().get(path(id, "/members"), owner.token());
        assertThat(members.body().path("members")).hasSize(5);
        assertThat(members.raw()).doesNotContain(outsider.email().toLowerCase());
        assertThat(victim.client().get(path(id, ""), victim.token()).field("role"))
                .isEqualTo("read_only");
    }

    @Test
    void badInputOnWorkspaceRoutesIsA4xxProblemAndChangesNothing() throws Exception {
        Caller owner = caller("Strict");
        Caller dev = caller("Dev");
        String id = workspace(owner, "Strict");
        add(owner, id, dev, "developer");
        String[][] attempts = {
            {"POST", "/api/v1/auth/workspaces", "{\"name\":", "400"},
            {"POST", "/api/v1/auth/workspaces", "{\"name\":\"" + "x".repeat(81) + "\"}", "422"},
            {"POST", "/api/v1/auth/workspaces", "[]", "422"},
            {"PATCH", path(id, ""), "{\"name\":\"ok\",\"personal\":true}", "422"},
            {"PATCH", path(id, ""), "{\"name\":42}", "422"},
            {"POST", path(id, "/members"), "{\"email\":\"" + dev.email() + "\",\"role\":\"owner\"}", "422"},
            {"POST", path(id, "/members"), "{\"email\":\"" + dev.email() + "\"}", "422"},
            {"PATCH", path(id, "/members/" + dev.userId()), "{\"role\":\"super_admin\"}", "422"},
            {"PATCH", path(id, "/members/" + dev.userId()), "{\"role\":", "400"},
            {"PATCH", path(id, "/members/usr_nobody"), "{\"role\":\"admin\"}", "404"},
            {"DELETE", path(id, "/members/usr_nobody"), null, "404"},
            {"GET", path("ws_does_not_exist", ""), null, "404"},
            {"PATCH", "/api/v1/auth/users/" + dev.userId(), "{\"disabled\":\"yes\"}", "422"}
        };
        for (String[] attempt : attempts) {
            Answer answer = owner.client().send(attempt[0], attempt[1], attempt[2], owner.token(), "application/json");
            assertThat(answer.status())
                    .as(attempt[0] + " " + attempt[1] + " " + attempt[2])
                    .isEqualTo(Integer.parseInt(attempt[3]));
            assertThat(answer.headers().get("content-type")).isEqualTo("application/problem+json");
        }
        assertThat(owner.client().get(path(id, ""), owner.token()).field("name"))
                .isEqualTo("Strict");
        assertThat(owner.client()
                        .get(path(id, "/members"), owner.token())
                        .body()
                        .path("members"))
                .extracting(m -> m.path("role").asString())
                .containsExactlyInAnyOrder("admin", "developer");
        assertThat(owner.client()
                        .get("/api/v1/auth/workspaces", owner.token())
                        .body()
                        .path("workspaces"))
                .hasSize(2);
    }

    @Test
    void workspaceAdminsReadTheAuditLogPageByPage() throws Exception {
        Caller owner = caller("Audited");
        Caller dev = caller("Dev");
        String id = workspace(owner, "Audited");
        add(owner, id, dev, "developer");
        owner.client().patch(path(id, ""), "{\"name\":\"Audited 2\"}", owner.token());
        Answer first = owner.client().get(path(id, "/audit?limit=2"), owner.token());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("events")).hasSize(2);
        assertThat(first.body().path("events").get(0).path("action").asString()).isEqualTo("workspace_created");
        assertThat(first.body().path("events").get(1).path("action").asString()).isEqualTo("member_added:developer");
        assertThat(first.body().path("events").get(1).path("ip").asString()).isEqualTo(owner.client().ip);
        assertThat(first.body().path("events").get(1).path("targetId").asString())
                .isEqualTo(dev.userId());
        Answer second =
                owner.client().get(path(id, "/audit?limit=2&cursor=" + first.field("nextCursor")), owner.token());
        assertThat(second.body().path("events").get(0).path("action").asString())
                .isEqualTo("workspace_renamed");
        assertThat(owner.client()
                        .get(path(id, "/audit?cursor=%25%25"), owner.token())
                        .status())
                .isEqualTo(400);
        assertThat(owner.client().get(path(id, "/audit?limit=0"), owner.token()).status())
                .isEqualTo(400);
        assertThat(owner.client()
                        .get(path("ws_not_a_member", "/audit"), owner.token())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void platformAdministrators() throws Exception {
        Caller operator = caller("Operator");
        Caller user = caller("Member");
        // Arrange: a super admin, as an operator would grant the first one directly in the table.
        grantPlatformRole(operator.userId(), "super_admin");
        assertThat(user.client().get("/api/v1/auth/users", user.token()).status())
                .isEqualTo(403);
        // Health details, in another function, through the Authenticator every function shares.
        assertThat(user.client().get("/health/detailed", user.token()).status()).isEqualTo(403);
        assertThat(user.client().get("/health/detailed", null).status()).isEqualTo(401);
        String operatorToken = operator.client()
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + operator.email() + "\",\"password\":\"" + PASSWORD + "\"}",
                        null)
                .field("access_token");
        Answer details = operator.client().get("/health/detailed", operatorToken);
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.body()
                        .at("/checks/dynamodb:idempotency:responseTime/0/componentId")
                        .asString())
                .isEqualTo("IdempotencyTable");
        assertThat(operator.client().get("/health", null).raw())
                .doesNotContain("componentId")
                .doesNotContain("IdempotencyTable");
        // A revoked session is refused by the other functions too (within a minute; this one was never cached).
        String endedToken = operator.client()
                .post(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + operator.email() + "\",\"password\":\"" + PASSWORD + "\"}",
                        null)
                .field("access_token");
        assertThat(operator.client()
                        .post("/api/v1/auth/logout", null, endedToken)
                        .status())
                .isEqualTo(204);
        assertThat(operator.client().get("/health/detailed", endedToken).status())
                .isEqualTo(401);
        Answer page = operator.client().get("/api/v1/auth/users?limit=1", operator.token());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().path("users")).hasSize(1);
        Answer next = operator.client()
                .get("/api/v1/auth/users?limit=1&cursor=" + page.field("nextCursor"), operator.token());
        assertThat(next.body().path("users").get(0).path("id").asString())
                .isNotEqualTo(page.body().path("users").get(0).path("id").asString());
        assertThat(operator.client()
                        .get(
                                "/api/v1/auth/users?cursor="
                                        + Base64.getUrlEncoder()
                                                .withoutPadding()
                                                .encodeToString("forged".getBytes()),
                                operator.token())
                        .status())
                .isEqualTo(400);
        Answer found = operator.client()
                .get("/api/v1/auth/users?email=" + user.email().toUpperCase().replace("+", "%2B"), operator.token());
        assertThat(found.body().path("users"))
                .extracting(u -> u.path("id").asString())
                .containsExactly(user.userId());
        // Disabling ends the user's sessions and blocks sign-in.
        Answer disabled =
                operator.client().patch("/api/v1/auth/users/" + user.userId(), "{\"disabled\":true}", operator.token());
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.body().path("disabled").asBoolean()).isTrue();
        assertThat(user.client().get("/api/v1/auth/me", user.token()).status()).isEqualTo(401);
        assertThat(user.client()
                        .post(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + user.email() + "\",\"password\":\"" + PASSWORD + "\"}",
                                null)
                        .status())
                .isEqualTo(403);
        assertThat(operator.client()
                        .patch("/api/v1/auth/users/" + operator.userId(), "{\"disabled\":true}", operator.token())
                        .status())
                .isEqualTo(403);
        assertThat(operator.client()
                        .patch("/api/v1/auth/users/" + user.userId(), "{}", operator.token())
                        .status())
                .isEqualTo(422);
        assertThat(operator.client()
                        .patch("/api/v1/auth/users/usr_0", "{\"disabled\":false}", operator.token())
                        .status())
                .isEqualTo(404);
    }
}
