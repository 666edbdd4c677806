package app.devskyy.gdpr;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.crypto.Digests;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.mail.Mailer;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.core.privacy.Subjects;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of data subject requests before their processing: received from the person signed in
 * (identity verified by a fresh login, whose second factor the login required where it is on;
 * otherwise {@code identity_unverified} until the person signs in again and verifies), due one
 * month after receipt (Art. 12(3)), extended once by up to two months with a reason told to the
 * person within the first month, approved or denied (with the reason, and the person's remedies)
 * by a privacy admin, canceled by the person while nothing runs. Every change is in the person's
 * audit log; receipt, extension and denial are emailed.
 */
final class Requests {

    record View(
            String id,
            String userId,
            String type,
            String status,
            Instant receivedAt,
            Instant dueAt,
            Instant extendedTo,
            String extensionReason,
            String denialReason,
            String verifiedVia,
            boolean overdue,
            Instant archiveExpiresAt,
            String errorReason,
            List<Subjects.Blocker> prerequisites) {}

    /** A download of an archive: a presigned link that lives minutes, to an archive that lives days. */
    record ArchiveLink(URI url, Instant expiresAt, Instant archiveExpiresAt) {}

    record PageView(List<View> requests, String nextCursor) {}

    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CONFIRMATION_LIFETIME = Duration.ofDays(1);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH);

    private final RequestStore store;
    private final Function<String, Optional<Instant>> sessionStarts;
    private final PersonContacts contacts;
    private final Mailer mailer;
    private final PersonalDataCipher pii;
    private final AuditLog audit;
    private final String requestsPage;
    private final String confirmPage;
    private final Duration freshLogin;
    private final Subjects subjects;
    private final BiConsumer<String, String> startProcessing;
    private final RequestFiles files;
    private final Duration linkLifetime;
    private final Clock clock;

    Requests(
            RequestStore store,
            Function<String, Optional<Instant>> sessionStarts,
            PersonContacts contacts,
            Mailer mailer,
            PersonalDataCipher pii,
            AuditLog audit,
            String requestsPage,
            String confirmPage,
            Duration freshLogin,
            Subjects subjects,
            BiConsumer<String, String> startProcessing,
            RequestFiles files,
            Duration linkLifetime,
            Clock clock) {
        this.confirmPage = confirmPage;
        this.subjects = subjects;
        this.startProcessing = startProcessing;
        this.files = files;
        this.linkLifetime = linkLifetime;
        this.store = store;
        this.sessionStarts = sessionStarts;
        this.contacts = contacts;
        this.mailer = mailer;
        this.pii = pii;
        this.audit = audit;
        this.requestsPage = requestsPage;
        this.freshLogin = freshLogin;
        this.clock = clock;
    }

    /** Whether the person's session began with a login within {@code freshLogin}. */
    private Optional<String> verification(Principal person) {
        Instant now = clock.instant();
        return sessionStarts
                .apply(person.sessionId())
                .filter(start -> !start.isBefore(now.minus(freshLogin)))
                .map(start -> Principal.AAL2.equals(person.assurance()) ? "fresh-login-mfa" : "fresh-login");
    }

    private boolean hasOpen(String userId, String type) {
        return store.ofPerson(userId, 100, Optional.empty()).requests().stream()
                .anyMatch(r -> r.type().equals(type) && !RequestStatus.CLOSED.contains(r.status()));
    }

    View create(Principal person, String type, Optional<String> details, AuditLog.Origin origin) {
        String userId = person.userId();
        if (hasOpen(userId, type)) {
            throw ApiProblem.of(
                    409,
                    "request-open",
                    "Request open",
                    "A " + type + " request of yours is open; follow or cancel it.");
        }
        GdprItems.Request request = receive(userId, type, details, verification(person), origin);
        notify(
                request,
                "gdpr-received",
                "We received your " + type + " request",
                Instant.ofEpochMilli(request.dueAt()),
                null);
        return view(request);
    }

    /**
     * A request by email, for a person who cannot sign in: if the address is an account's, the
     * request is received unverified and a link that verifies it (once, within a day) is emailed to
     * that address. The caller learns nothing either way: whether the address has an account, or
     * a request of the kind is open, is not told.
     */
    void byEmail(String email, String type, AuditLog.Origin origin) {
        Optional<String> userId = contacts.userByEmail(email);
        if (userId.isEmpty() || hasOpen(userId.get(), type)) {
            return;
        }
        GdprItems.Request request = receive(userId.get(), type, Optional.empty(), Optional.empty(), origin);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        store.putConfirmation(
                Digests.sha256(token),
                request.requestId(),
                clock.instant().plus(CONFIRMATION_LIFETIME).getEpochSecond());
        mailer.notice(
                CredentialItems.normalizeEmail(email),
                "Confirm your " + type + " request",
                "gdpr-confirm",
                Map.of("type", type, "link", confirmPage + token));
    }

    /** The link of a request by email verifies it, once. */
    View confirm(String token, AuditLog.Origin origin) {
        String requestId = store.takeConfirmation(
                        Digests.sha256(token), clock.instant().getEpochSecond())
                .orElseThrow(() -> ApiProblem.of(
                        400,
                        "invalid-token",
                        "Invalid link",
                        "This confirmation link is not valid, was used, or expired."));
        GdprItems.Request request = store.request(requestId).orElseThrow(() -> ApiProblem.notFound("No such request."));
        View pending = move(
                request,
                Set.of(RequestStatus.IDENTITY_UNVERIFIED),
                RequestStatus.PENDING,
                Map.of("verifiedVia", "email-link"),
                request.userId(),
                origin);
        notify(
                request,
                "gdpr-received",
                "We received your " + request.type() + " request",
                Instant.ofEpochMilli(request.dueAt()),
                null);
        return pending;
    }

    private GdprItems.Request receive(
            String userId, String type, Optional<String> details, Optional<String> verified, AuditLog.Origin origin) {
        long now = clock.millis();
        String requestId = "dsr_" + String.format("%012x", now)
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        long dueAt = Instant.ofEpochMilli(now)
                .atZone(ZoneOffset.UTC)
                .plusMonths(1)
                .toInstant()
                .toEpochMilli();
        GdprItems.Request request = new GdprItems.Request(
                GdprItems.request(requestId).pk(),
                GdprItems.request(requestId).sk(),
                requestId,
                userId,
                type,
                verified.isPresent() ? RequestStatus.PENDING : RequestStatus.IDENTITY_UNVERIFIED,
                now,
                dueAt,
                0,
                null,
                null,
                details.map(d -> pii.encryptFor(userId, d, detailsContext(requestId)))
                        .orElse(null),
                verified.orElse(null),
                now,
                0,
                null,
                GdprItems.person(userId),
                GdprItems.personSk(now, requestId),
                GdprItems.OPEN,
                GdprItems.queueKey(dueAt, requestId));
        store.create(request);
        audit.account(userId, "gdpr.request.received:" + type, "success", userId, origin);
        return request;
    }

    static String detailsContext(String requestId) {
        return "request:" + requestId + ":details";
    }

    /** The request, to its person or a privacy admin; 404 to anyone else (its existence is not told). */
    GdprItems.Request visible(Principal caller, String requestId, boolean admin) {
        return store.request(requestId)
                .filter(r -> admin || r.userId().equals(caller.userId()))
                .orElseThrow(() -> ApiProblem.notFound("No such request."));
    }

    View verify(Principal person, String requestId, AuditLog.Origin origin) {
        GdprItems.Request request = visible(person, requestId, false);
        String via = verification(person)
                .orElseThrow(() -> ApiProblem.of(
                        403,
                        "fresh-login-required",
                        "Sign in again",
                        "Verifying a request takes a login within the last " + freshLogin.toMinutes() + " minutes."));
        return move(
                request,
                Set.of(RequestStatus.IDENTITY_UNVERIFIED),
                RequestStatus.PENDING,
                Map.of("verifiedVia", via),
                person.userId(),
                origin);
    }

    View cancel(Principal person, String requestId, AuditLog.Origin origin) {
        GdprItems.Request request = visible(person, requestId, false);
        return move(
                request,
                Set.of(RequestStatus.IDENTITY_UNVERIFIED, RequestStatus.PENDING),
                RequestStatus.CANCELED,
                Map.of(),
                person.userId(),
                origin);
    }

    /**
     * Approves a pending request (or one in error, to run it again). Access, portability and
     * erasure start their execution of the data subject request state machine, named by the
     * request and the approval's time (a request in error gets a new one). An erasure
     * that would leave a shared workspace without an admin is refused until that is settled.
     * Restriction and objection are carried out at once: the person's flag is set, which every
     * family's {@code Consents} honours within its cache time. Rectification is answered by the
     * approval: the person corrects their profile through its routes (each change audited), and
     * the privacy admin what the person cannot reach.
     */
    View approve(Principal admin, String requestId, AuditLog.Origin origin) {
        GdprItems.Request request = visible(admin, requestId, true);
        if (request.type().equals("erasure")) {
            List<Subjects.Blocker> blockers = subjects.erasureBlockers(request.userId());
            if (!blockers.isEmpty()) {
                throw ApiProblem.of(
                        409,
                        "erasure-blocked",
                        "Erasure must wait",
                        "The person is the only admin of workspaces with other members ("
                                + String.join(
                                        ", ",
                                        blockers.stream()
                                                .map(Subjects.Blocker::workspaceId)
                                                .toList())
                                + "): " + blockers.getFirst().action());
            }
        }
        Set<String> from = Set.of(RequestStatus.PENDING, RequestStatus.ERROR);
        View approved = move(request, from, RequestStatus.APPROVED, Map.of(), admin.userId(), origin);
        if (PROCESSED.contains(request.type())) {
            try {
                startProcessing.accept(requestId + "-" + clock.millis(), Json.write(Map.of("requestId", requestId)));
            } catch (RuntimeException notStarted) {
                // Back to where it was, so that the approval can be given again.
                store.transition(requestId, Set.of(RequestStatus.APPROVED), request.status(), Map.of(), clock.millis());
                throw notStarted;
            }
            return approved;
        }
        String flag = switch (request.type()) {
            case "restriction" -> "restricted";
            case "objection" -> "objected";
            default -> null;
        };
        if (flag != null) {
            store.setFlag(request.userId(), flag, true, clock.millis());
        }
        View complete =
                move(request, Set.of(RequestStatus.APPROVED), RequestStatus.COMPLETE, Map.of(), admin.userId(), origin);
        notify(request, "gdpr-complete", "Your " + request.type() + " request is carried out", null, null);
        return complete;
    }

    /** What must happen before an erasure still waiting for approval can run (nothing, for other requests). */
    private List<Subjects.Blocker> prerequisites(GdprItems.Request r) {
        return r.type().equals("erasure") && AWAITING_APPROVAL.contains(r.status())
                ? subjects.erasureBlockers(r.userId())
                : List.of();
    }

    private static final Set<String> AWAITING_APPROVAL =
            Set.of(RequestStatus.IDENTITY_UNVERIFIED, RequestStatus.PENDING, RequestStatus.ERROR);

    /** Request types the state machine carries out. */
    static final Set<String> PROCESSED = Set.of("access", "portability", "erasure");

    /**
     * A fresh link to the archive of the person's access or portability request. A presigned
     * link is made when asked for, not emailed: it could not outlive the credentials that signed
     * it, and one in a mailbox is a copy of everything about the person.
     */
    ArchiveLink archive(Principal person, String requestId, AuditLog.Origin origin) {
        GdprItems.Request request = visible(person, requestId, false);
        if (request.archiveExpiresAt() == 0) {
            throw ApiProblem.notFound("This request has no archive (yet).");
        }
        if (clock.millis() >= request.archiveExpiresAt()) {
            throw ApiProblem.of(410, "archive-expired", "Archive expired", "Make a new request for a new archive.");
        }
        if (verification(person).isEmpty()) {
            throw ApiProblem.of(
                    403,
                    "fresh-login-required",
                    "Sign in again",
                    "Downloading your data takes a login within the last " + freshLogin.toMinutes() + " minutes.");
        }
        audit.account(person.userId(), "gdpr.archive.downloaded", "success", person.userId(), origin);
        Instant expires = clock.instant().plus(linkLifetime);
        return new ArchiveLink(
                files.link(RequestFiles.archive(requestId), linkLifetime, "devskyy-" + requestId + ".json"),
                expires,
                Instant.ofEpochMilli(request.archiveExpiresAt()));
    }

    /** Lifts a restriction (Art. 18(3)): the person's data is processed again; audited and emailed. */
    View lift(Principal admin, String requestId, AuditLog.Origin origin) {
        GdprItems.Request request = visible(admin, requestId, true);
        if (!request.type().equals("restriction") || !request.status().equals(RequestStatus.COMPLETE)) {
            throw ApiProblem.of(
                    409, "not-restricting", "Nothing to lift", "Only a carried-out restriction request can be lifted.");
        }
        store.setFlag(request.userId(), "restricted", false, clock.millis());
        audit.account(request.userId(), "gdpr.restriction.lifted", "success", admin.userId(), origin);
        notify(request, "gdpr-lifted", "The restriction of your data is lifted", null, null);
        return view(request);
    }

    View deny(Principal admin, String requestId, String reason, AuditLog.Origin origin) {
        GdprItems.Request request = visible(admin, requestId, true);
        View denied = move(
                request,
                Set.of(RequestStatus.IDENTITY_UNVERIFIED, RequestStatus.PENDING, RequestStatus.APPROVED),
                RequestStatus.DENIED,
                Map.of("denialReason", reason),
                admin.userId(),
                origin);
        notify(request, "gdpr-denied", "Your " + request.type() + " request", null, reason);
        return denied;
    }

    /** Up to two more months, once, decided and told within the first month (Art. 12(3)). */
    View extend(Principal admin, String requestId, int months, String reason, AuditLog.Origin origin) {
        GdprItems.Request request = visible(admin, requestId, true);
        long extendedTo = Instant.ofEpochMilli(request.dueAt())
                .atZone(ZoneOffset.UTC)
                .plusMonths(months)
                .toInstant()
                .toEpochMilli();
        if (!store.extend(requestId, extendedTo, reason, clock.millis())) {
            throw ApiProblem.of(
                    409,
                    "cannot-extend",
                    "Cannot extend",
                    "A request is extended once, while open, and before its first deadline.");
        }
        audit.account(request.userId(), "gdpr.request.extended:" + request.type(), "success", admin.userId(), origin);
        notify(
                request,
                "gdpr-extended",
                "More time for your " + request.type() + " request",
                Instant.ofEpochMilli(extendedTo),
                reason);
        return view(store.request(requestId).orElseThrow());
    }

    View move(
            GdprItems.Request request,
            Set<String> from,
            String to,
            Map<String, String> values,
            String actorId,
            AuditLog.Origin origin) {
        if (!store.transition(request.requestId(), from, to, values, clock.millis())) {
            throw ApiProblem.of(
                    409,
                    "invalid-transition",
                    "Not in that state",
                    "The request is "
                            + store.request(request.requestId())
                                    .map(GdprItems.Request::status)
                                    .orElse("gone") + "; it cannot become " + to + ".");
        }
        audit(request, to, actorId, origin);
        return view(store.request(request.requestId()).orElseThrow());
    }

    /** A request's move to {@code to}, in the person's audit log. */
    void audit(GdprItems.Request request, String to, String actorId, AuditLog.Origin origin) {
        audit.account(request.userId(), "gdpr.request." + to + ":" + request.type(), "success", actorId, origin);
    }

    PageView ofPerson(Principal person, int limit, Optional<String> after) {
        RequestStore.Page page = store.ofPerson(person.userId(), limit, after);
        return new PageView(page.requests().stream().map(this::view).toList(), page.nextCursor());
    }

    PageView open(int limit, Optional<String> after) {
        RequestStore.Page page = store.open(limit, after);
        return new PageView(page.requests().stream().map(this::view).toList(), page.nextCursor());
    }

    View view(GdprItems.Request r) {
        return new View(
                r.requestId(),
                r.userId(),
                r.type(),
                r.status(),
                Instant.ofEpochMilli(r.receivedAt()),
                Instant.ofEpochMilli(r.dueAt()),
                r.extendedTo() > 0 ? Instant.ofEpochMilli(r.extendedTo()) : null,
                r.extensionReason(),
                r.denialReason(),
                r.verifiedVia(),
                !RequestStatus.CLOSED.contains(r.status()) && clock.millis() > r.deadline(),
                r.archiveExpiresAt() > 0 ? Instant.ofEpochMilli(r.archiveExpiresAt()) : null,
                r.errorReason(),
                prerequisites(r));
    }

    /** An email to the person's address on their account, if it still has one. */
    void notify(GdprItems.Request request, String template, String subject, Instant dueAt, String reason) {
        Optional<String> to;
        try {
            to = contacts.email(request.userId());
        } catch (RuntimeException failed) {
            LOG.warn(
                    "the {} email of request {} found no address ({})",
                    template,
                    request.requestId(),
                    failed.getClass().getSimpleName());
            return;
        }
        to.ifPresent(address -> mail(address, request, template, subject, dueAt, reason));
    }

    /** An email about a request; a mail outage does not undo the change (Mailer.notice logs it). */
    void mail(String to, GdprItems.Request request, String template, String subject, Instant dueAt, String reason) {
        Map<String, String> values = Map.of(
                "type",
                request.type(),
                "dueAt",
                dueAt == null ? "" : DAY.format(dueAt.atZone(ZoneOffset.UTC)),
                "reason",
                reason == null ? "" : reason,
                "link",
                requestsPage + request.requestId());
        mailer.notice(to, subject, template, values);
    }
}
