package app.devskyy.gdpr;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import java.util.Optional;

/**
 * Data subject requests ({@code /api/v1/gdpr/requests}): the person signed in makes, follows,
 * verifies and cancels their own; privacy admins (platform role {@code admin}) see the open ones
 * by due date and approve, deny or extend them.
 */
final class RequestRoutes {

    private static final BodySchema REQUEST = BodySchema.load(RequestRoutes.class, "gdpr-request");
    private static final BodySchema DENY = BodySchema.load(RequestRoutes.class, "gdpr-deny");
    private static final BodySchema EXTEND = BodySchema.load(RequestRoutes.class, "gdpr-extend");

    record RequestBody(String type, String details) {}

    record DenyBody(String reason) {}

    record ExtendBody(int months, String reason) {}

    private final Requests requests;
    private final Authenticator authenticator;

    RequestRoutes(Requests requests, Authenticator authenticator) {
        this.requests = requests;
        this.authenticator = authenticator;
    }

    Router.Builder addTo(Router.Builder router) {
        String one = "/api/v1/gdpr/requests/{requestId}";
        return router.post("/api/v1/gdpr/requests", this::create)
                .get("/api/v1/gdpr/requests", this::mine)
                .get(one, this::read)
                .post(
                        one + "/verify",
                        r -> HttpResponse.ok(requests.verify(person(r), r.pathId("requestId"), origin(r))))
                .post(
                        one + "/cancel",
                        r -> HttpResponse.ok(requests.cancel(person(r), r.pathId("requestId"), origin(r))))
                .post(
                        one + "/approve",
                        r -> HttpResponse.ok(requests.approve(admin(r), r.pathId("requestId"), origin(r))))
                .post(one + "/deny", this::deny)
                .post(one + "/extend", this::extend)
                .get("/api/v1/gdpr/admin/requests", this::queue);
    }

    /** A request is the person's own: an API key cannot make or follow one. */
    private Principal person(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        if (principal.userId().startsWith("key:")) {
            throw ApiProblem.of(
                    403,
                    "person-only",
                    "Forbidden",
                    "A data subject request is the person's own: sign in to make one.");
        }
        return principal;
    }

    private Principal admin(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        Authenticator.requirePlatformRole(principal, Role.ADMIN);
        return principal;
    }

    private static AuditLog.Origin origin(HttpRequest request) {
        return new AuditLog.Origin(
                request.sourceIp(), request.header("user-agent").orElse(""));
    }

    private HttpResponse create(HttpRequest request) {
        Principal person = person(request);
        RequestBody body = request.jsonBody(REQUEST, RequestBody.class);
        Requests.View created =
                requests.create(person, body.type(), Optional.ofNullable(body.details()), origin(request));
        return HttpResponse.json(201, created).withHeader("location", "/api/v1/gdpr/requests/" + created.id());
    }

    private HttpResponse mine(HttpRequest request) {
        Principal person = person(request);
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().startsWith(GdprItems.REQUESTS)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        return HttpResponse.ok(requests.ofPerson(person, Paging.limit(request), after));
    }

    private HttpResponse read(HttpRequest request) {
        Principal caller = authenticator.authenticate(request);
        boolean admin = caller.platformRole().filter(r -> r.atLeast(Role.ADMIN)).isPresent();
        return HttpResponse.ok(requests.view(requests.visible(caller, request.pathId("requestId"), admin)));
    }

    private HttpResponse deny(HttpRequest request) {
        Principal admin = admin(request);
        DenyBody body = request.jsonBody(DENY, DenyBody.class);
        return HttpResponse.ok(
                requests.deny(admin, request.pathId("requestId"), body.reason().strip(), origin(request)));
    }

    private HttpResponse extend(HttpRequest request) {
        Principal admin = admin(request);
        ExtendBody body = request.jsonBody(EXTEND, ExtendBody.class);
        return HttpResponse.ok(requests.extend(
                admin, request.pathId("requestId"), body.months(), body.reason().strip(), origin(request)));
    }

    private HttpResponse queue(HttpRequest request) {
        admin(request);
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().matches("\\d{13}#dsr_[0-9a-f]{28}")) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        return HttpResponse.ok(requests.open(Paging.limit(request), after));
    }
}
