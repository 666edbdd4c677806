package app.devskyy.gdpr;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.auth.Role;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import app.devskyy.core.ratelimit.Limit;
import app.devskyy.core.ratelimit.RateLimits;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Data subject requests ({@code /api/v1/gdpr/requests}): the person signed in makes, follows,
 * verifies and cancels their own; a person who cannot sign in asks by email and confirms by the
 * link sent to it, and downloads the archive of an access or portability request; privacy admins
 * (platform role {@code admin}) see the open ones by due date and approve, deny or extend them, and
 * read the processing record (Art. 30). The archive's JSON schema is public.
 */
final class RequestRoutes {

    private static final BodySchema REQUEST = BodySchema.load(RequestRoutes.class, "gdpr-request");
    private static final BodySchema DENY = BodySchema.load(RequestRoutes.class, "gdpr-deny");
    private static final BodySchema EXTEND = BodySchema.load(RequestRoutes.class, "gdpr-extend");
    private static final BodySchema BY_EMAIL = BodySchema.load(RequestRoutes.class, "gdpr-request-by-email");
    private static final BodySchema CONFIRM = BodySchema.load(RequestRoutes.class, "gdpr-confirm");

    /** Requests by email are limited per address of origin, and per email address, so that none floods a mailbox. */
    static final Limit BY_EMAIL_PER_IP = Limit.perMinute("gdpr-email-ip", 5);

    static final Limit BY_EMAIL_PER_ADDRESS = new Limit("gdpr-email-address", 3, Duration.ofHours(1));

    record RequestBody(String type, String details) {}

    record DenyBody(String reason) {}

    record ExtendBody(int months, String reason) {}

    record ByEmailBody(String email, String type) {}

    record ConfirmBody(String token) {}

    private final Requests requests;
    private final PrivacyFacts facts;
    private final Authenticator authenticator;
    private final RateLimits limits;

    RequestRoutes(Requests requests, PrivacyFacts facts, Authenticator authenticator, RateLimits limits) {
        this.requests = requests;
        this.facts = facts;
        this.authenticator = authenticator;
        this.limits = limits;
    }

    Router.Builder addTo(Router.Builder router) {
        String one = "/api/v1/gdpr/requests/{requestId}";
        return router.post("/api/v1/gdpr/requests", this::create)
                .post("/api/v1/gdpr/requests/by-email", this::byEmail)
                .post("/api/v1/gdpr/requests/confirm", this::confirm)
                .get("/api/v1/gdpr/requests", this::mine)
                .get(one, this::read)
                .post(
                        one + "/verify",
                        r -> HttpResponse.ok(requests.verify(person(r), r.pathId("requestId"), AuditLog.Origin.of(r))))
                .post(
                        one + "/cancel",
                        r -> HttpResponse.ok(requests.cancel(person(r), r.pathId("requestId"), AuditLog.Origin.of(r))))
                .post(
                        one + "/approve",
                        r -> HttpResponse.ok(requests.approve(admin(r), r.pathId("requestId"), AuditLog.Origin.of(r))))
                .post(one + "/deny", this::deny)
                .post(
                        one + "/lift",
                        r -> HttpResponse.ok(requests.lift(admin(r), r.pathId("requestId"), AuditLog.Origin.of(r))))
                .post(one + "/extend", this::extend)
                .get(
                        one + "/archive",
                        r -> HttpResponse.ok(requests.archive(person(r), r.pathId("requestId"), AuditLog.Origin.of(r))))
                .get("/api/v1/gdpr/admin/requests", this::queue)
                .get("/api/v1/gdpr/admin/processing-record", r -> {
                    admin(r);
                    return HttpResponse.ok(facts.processingRecord());
                })
                .get(
                        "/api/v1/gdpr/export-schema",
                        r -> HttpResponse.publicDocument(r, facts.version(), facts::exportSchema));
    }

    /** A request is the person's own: an API key cannot make or follow one. */
    private Principal person(HttpRequest request) {
        return Authenticator.requirePerson(authenticator.authenticate(request), "A data subject request");
    }

    private Principal admin(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        Authenticator.requirePlatformRole(principal, Role.ADMIN);
        return principal;
    }

    private HttpResponse create(HttpRequest request) {
        Principal person = person(request);
        RequestBody body = request.jsonBody(REQUEST, RequestBody.class);
        Requests.View created =
                requests.create(person, body.type(), Optional.ofNullable(body.details()), AuditLog.Origin.of(request));
        return HttpResponse.json(201, created).withHeader("location", "/api/v1/gdpr/requests/" + created.id());
    }

    /** 202 whatever the address: whether it has an account is not told (nor that it was limited). */
    private HttpResponse byEmail(HttpRequest request) {
        ByEmailBody body = request.jsonBody(BY_EMAIL, ByEmailBody.class);
        String address = Digests.sha256(body.email().strip().toLowerCase(Locale.ROOT));
        if (limits.allows(BY_EMAIL_PER_IP, request.sourceIp(), RateLimits.FailurePolicy.CLOSED)
                && limits.allows(BY_EMAIL_PER_ADDRESS, address, RateLimits.FailurePolicy.CLOSED)) {
            requests.byEmail(body.email(), body.type(), AuditLog.Origin.of(request));
        }
        return HttpResponse.json(202, Map.of("received", true));
    }

    private HttpResponse confirm(HttpRequest request) {
        ConfirmBody body = request.jsonBody(CONFIRM, ConfirmBody.class);
        return HttpResponse.ok(requests.confirm(body.token(), AuditLog.Origin.of(request)));
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
                requests.deny(admin, request.pathId("requestId"), body.reason().strip(), AuditLog.Origin.of(request)));
    }

    private HttpResponse extend(HttpRequest request) {
        Principal admin = admin(request);
        ExtendBody body = request.jsonBody(EXTEND, ExtendBody.class);
        return HttpResponse.ok(requests.extend(
                admin, request.pathId("requestId"), body.months(), body.reason().strip(), AuditLog.Origin.of(request)));
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
