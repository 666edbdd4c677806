package app.devskyy.agents;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import app.devskyy.llm.metering.Caller;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The agents' routes under {@code /api/v1/agents/workspaces/{workspaceId}}: the catalogue, and
 * runs (start, list, detail with {@code ETag} and long polling, timeline, cancel, approval,
 * retry). Roles: reading for every member, starting and stopping from {@code api_user}, approving
 * as the run's approval policy says.
 */
final class AgentRoutes {

    static final String BASE = "/api/v1/agents/workspaces/{workspaceId}";
    static final int MAX_WAIT_SECONDS = 20;
    private static final long POLL_MILLIS = 250;

    private static final BodySchema START = BodySchema.load(AgentRoutes.class, "start-run");
    private static final BodySchema APPROVAL = BodySchema.load(AgentRoutes.class, "approval");

    record Catalogue(List<AgentView> agents) {}

    record AgentView(
            String name,
            String title,
            String purpose,
            List<String> techniques,
            List<AgentCatalogue.Tool> tools,
            String defaultModel,
            JsonNode outputSchema) {}

    record RunPage(List<RunViews.Summary> runs, String nextCursor) {}

    record EventPage(List<RunViews.Event> events, String nextCursor) {}

    private final AgentCatalogue catalogue;
    private final Runs runs;
    private final RunStore store;
    private final Authenticator authenticator;
    private final Clock clock;

    AgentRoutes(AgentCatalogue catalogue, Runs runs, RunStore store, Authenticator authenticator, Clock clock) {
        this.catalogue = catalogue;
        this.runs = runs;
        this.store = store;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    Router.Builder addTo(Router.Builder routes) {
        return routes.get(BASE + "/agents", this::agents)
                .post(BASE + "/runs", this::start)
                .get(BASE + "/runs", this::list)
                .get(BASE + "/runs/{runId}", this::run)
                .get(BASE + "/runs/{runId}/events", this::events)
                .post(BASE + "/runs/{runId}/cancel", this::cancel)
                .post(BASE + "/runs/{runId}/approval", this::approval)
                .post(BASE + "/runs/{runId}/retry", this::retry);
    }

    private Caller caller(HttpRequest request, Role required) {
        return Caller.inPath(authenticator.authenticate(request), request, required);
    }

    private HttpResponse agents(HttpRequest request) {
        caller(request, Role.READ_ONLY);
        return HttpResponse.ok(new Catalogue(catalogue.all().stream()
                .map(a -> new AgentView(
                        a.name(),
                        a.title(),
                        a.purpose(),
                        a.techniques(),
                        a.tools(),
                        a.defaultModel(),
                        a.outputSchema()))
                .toList()));
    }

    private HttpResponse start(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        JsonNode body = request.jsonBody(START, JsonNode.class);
        Optional<String> key = request.idempotencyKey();
        RunStore.Created created = runs.start(caller, body, request.body(), key);
        AgentItems.Run run = created.run();
        return HttpResponse.json(202, RunViews.of(run, List.of()))
                .withHeader("location", location(run))
                .withHeader("etag", RunViews.etag(run))
                .withHeader("idempotent-replayed", Boolean.toString(!created.isNew()));
    }

    private HttpResponse list(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        Optional<String> status = request.query("status");
        if (status.isPresent() && !RunStatus.ALL.contains(status.get())) {
            throw ApiProblem.badRequest("The query parameter status takes one of "
                    + RunStatus.ALL.stream().sorted().toList() + ".");
        }
        Optional<String> agent = request.query("agent");
        if (agent.isPresent() && catalogue.agent(agent.get()).isEmpty()) {
            throw ApiProblem.badRequest("The query parameter agent names no agent of the catalogue.");
        }
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().startsWith(AgentItems.RUNS)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        RunStore.Listing<AgentItems.Run> page =
                store.list(caller.workspaceId(), status, agent, Paging.limit(request), after);
        return HttpResponse.ok(
                new RunPage(page.items().stream().map(RunViews::summary).toList(), page.nextCursor()));
    }

    /**
     * A run in full. With {@code If-None-Match} naming its current version the answer is 304; with
     * {@code ?wait=N} as well, the answer waits up to N seconds (at most 20) for a newer version.
     */
    private HttpResponse run(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        String runId = request.pathId("runId");
        int waitSeconds = waitSeconds(request);
        Optional<String> known = request.header("if-none-match").map(String::strip);
        long deadline = clock.millis() + waitSeconds * 1000L;
        AgentItems.Run run = runs.require(caller.workspaceId(), runId);
        while (known.isPresent() && known.get().equals(RunViews.etag(run)) && clock.millis() < deadline) {
            pause();
            run = runs.require(caller.workspaceId(), runId);
        }
        if (known.isPresent() && known.get().equals(RunViews.etag(run))) {
            return HttpResponse.notModified(RunViews.etag(run));
        }
        return HttpResponse.ok(RunViews.of(run, store.steps(runId))).withHeader("etag", RunViews.etag(run));
    }

    private static int waitSeconds(HttpRequest request) {
        Optional<String> wait = request.query("wait");
        if (wait.isEmpty()) {
            return 0;
        }
        if (!wait.get().matches("\\d{1,2}") || Integer.parseInt(wait.get()) > MAX_WAIT_SECONDS) {
            throw ApiProblem.badRequest("The query parameter wait takes seconds from 0 to " + MAX_WAIT_SECONDS + ".");
        }
        return Integer.parseInt(wait.get());
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse events(HttpRequest request) {
        Caller caller = caller(request, Role.READ_ONLY);
        String runId = request.pathId("runId");
        runs.require(caller.workspaceId(), runId);
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().startsWith(AgentItems.EVENTS)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        RunStore.Listing<AgentItems.Event> page = store.events(runId, Paging.limit(request), after);
        return HttpResponse.ok(
                new EventPage(page.items().stream().map(RunViews::event).toList(), page.nextCursor()));
    }

    private HttpResponse cancel(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        AgentItems.Run run = runs.cancel(caller, request.pathId("runId"));
        return HttpResponse.ok(RunViews.of(run, store.steps(run.runId()))).withHeader("etag", RunViews.etag(run));
    }

    private HttpResponse approval(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        JsonNode decision = request.jsonBody(APPROVAL, JsonNode.class);
        AgentItems.Run run = runs.decide(caller, request.pathId("runId"), decision);
        return HttpResponse.ok(RunViews.of(run, store.steps(run.runId()))).withHeader("etag", RunViews.etag(run));
    }

    private HttpResponse retry(HttpRequest request) {
        Caller caller = caller(request, Role.API_USER);
        AgentItems.Run run = runs.retry(caller, request.pathId("runId"));
        return HttpResponse.json(202, RunViews.of(run, store.steps(run.runId())))
                .withHeader("location", location(run))
                .withHeader("etag", RunViews.etag(run));
    }

    private static String location(AgentItems.Run run) {
        return "/api/v1/agents/workspaces/" + run.workspaceId() + "/runs/" + run.runId();
    }
}
