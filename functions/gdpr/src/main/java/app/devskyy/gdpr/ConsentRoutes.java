package app.devskyy.gdpr;

import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.FieldError;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import app.devskyy.core.privacy.ConsentItems;
import app.devskyy.core.privacy.Purposes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consent ({@code /api/v1/gdpr}): the purposes, public; and for the person signed in, their
 * current decisions, a decision per purpose (a grant or, as easily, a withdrawal), their history
 * and the proof of it. Consent is the person's own: an API key cannot give or withdraw it.
 */
final class ConsentRoutes {

    private static final BodySchema DECISION = BodySchema.load(ConsentRoutes.class, "consent-decision");

    record DecisionBody(Boolean granted, String noticeVersion, String method) {}

    record NoticeView(String version, String text) {}

    record PurposeView(String id, String title, String legalBasis, boolean consentRequired, NoticeView notice) {}

    record PurposeList(String version, List<PurposeView> purposes) {}

    /** A purpose's current decision; {@code granted} false and the rest null when the person never decided. */
    record ConsentView(
            String purpose,
            String title,
            boolean granted,
            String noticeVersion,
            String currentNoticeVersion,
            String method,
            Instant decidedAt) {}

    record ConsentList(List<ConsentView> consents) {}

    record RecordView(String purpose, boolean granted, String noticeVersion, String method, Instant decidedAt) {}

    record RecordPage(List<RecordView> records, String nextCursor) {}

    record ProvenRecord(
            String purpose,
            boolean granted,
            String noticeVersion,
            String method,
            Instant decidedAt,
            String ipHash,
            String userAgentHash) {}

    record Proof(
            String subject,
            Instant generatedAt,
            String purposesVersion,
            List<ProvenRecord> records,
            List<PurposeNotice> notices) {}

    record PurposeNotice(String purpose, String version, String text) {}

    private final ConsentStore store;
    private final Purposes purposes;
    private final PersonalDataCipher pii;
    private final Authenticator authenticator;
    private final Clock clock;

    ConsentRoutes(
            ConsentStore store, Purposes purposes, PersonalDataCipher pii, Authenticator authenticator, Clock clock) {
        this.store = store;
        this.purposes = purposes;
        this.pii = pii;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    Router.Builder addTo(Router.Builder router) {
        return router.get("/api/v1/gdpr/purposes", this::purposes)
                .get("/api/v1/gdpr/consents", this::consents)
                .get("/api/v1/gdpr/consents/history", this::history)
                .get("/api/v1/gdpr/consents/proof", this::proof)
                .put("/api/v1/gdpr/consents/{purpose}", this::decide);
    }

    private HttpResponse purposes(HttpRequest request) {
        return HttpResponse.publicDocument(
                request,
                purposes.version(),
                () -> new PurposeList(
                        purposes.version(),
                        purposes.all().stream()
                                .map(p -> new PurposeView(
                                        p.id(),
                                        p.title(),
                                        p.legalBasis(),
                                        p.consentRequired(),
                                        new NoticeView(
                                                p.current().version(),
                                                p.current().text())))
                                .toList()));
    }

    /** The person signed in: consent is given and withdrawn by the person, never by a key. */
    private String person(HttpRequest request) {
        return Authenticator.requirePerson(authenticator.authenticate(request), "Consent")
                .userId();
    }

    private HttpResponse consents(HttpRequest request) {
        String userId = person(request);
        Map<String, ConsentItems.Current> decided = new LinkedHashMap<>();
        store.current(userId).forEach(c -> decided.put(c.purpose(), c));
        List<ConsentView> views = new ArrayList<>();
        for (Purposes.Purpose purpose : purposes.all()) {
            if (purpose.consentRequired()) {
                views.add(view(purpose, Optional.ofNullable(decided.get(purpose.id()))));
            }
        }
        return HttpResponse.ok(new ConsentList(views));
    }

    private static ConsentView view(Purposes.Purpose purpose, Optional<ConsentItems.Current> decision) {
        return new ConsentView(
                purpose.id(),
                purpose.title(),
                decision.map(ConsentItems.Current::granted).orElse(false),
                decision.map(ConsentItems.Current::noticeVersion).orElse(null),
                purpose.current().version(),
                decision.map(ConsentItems.Current::method).orElse(null),
                decision.map(d -> Instant.ofEpochMilli(d.decidedAt())).orElse(null));
    }

    /**
     * A decision: a grant must name the notice the person was shown, which must be the current
     * one (consent is informed); a withdrawal needs only {@code granted: false}.
     */
    private HttpResponse decide(HttpRequest request) {
        String userId = person(request);
        Purposes.Purpose purpose = purposes.purpose(request.pathParameter("purpose"))
                .orElseThrow(() -> ApiProblem.notFound("No such purpose (GET /api/v1/gdpr/purposes)."));
        DecisionBody body = request.jsonBody(DECISION, DecisionBody.class);
        if (!purpose.consentRequired()) {
            throw ApiProblem.validation(List.of(new FieldError(
                    "/granted",
                    "not-consent-based",
                    "This purpose's legal basis is " + purpose.legalBasis()
                            + ", not consent: there is nothing to grant or withdraw.")));
        }
        boolean granted = body.granted();
        String version = body.noticeVersion();
        if (granted && !purpose.current().version().equals(version)) {
            throw ApiProblem.validation(List.of(new FieldError(
                    "/noticeVersion",
                    "not-current-notice",
                    "A grant names the current notice, " + purpose.current().version()
                            + ", which the person was shown.")));
        }
        if (version != null && purpose.notice(version).isEmpty()) {
            throw ApiProblem.validation(
                    List.of(new FieldError("/noticeVersion", "unknown-notice", "This purpose has no such notice.")));
        }
        String noticeVersion = version == null ? purpose.current().version() : version;
        String method = body.method() == null ? "api" : body.method();
        String ipHash = pii.blindIndex("ip:" + request.sourceIp());
        String agentHash = pii.blindIndex("ua:" + request.header("user-agent").orElse(""));
        long decidedAt = clock.millis();
        // Two decisions of one purpose in one millisecond are both kept: the later one a millisecond on.
        while (!store.record(
                userId,
                new ConsentItems.Record(
                        null, null, purpose.id(), granted, noticeVersion, method, decidedAt, ipHash, agentHash))) {
            decidedAt++;
        }
        return HttpResponse.ok(view(
                purpose,
                Optional.of(new ConsentItems.Current(
                        null, null, purpose.id(), granted, noticeVersion, method, decidedAt))));
    }

    private HttpResponse history(HttpRequest request) {
        String userId = person(request);
        Optional<String> after = Paging.after(request);
        if (after.isPresent() && !after.get().startsWith(ConsentItems.RECORDS)) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
        ConsentStore.RecordPage page = store.history(userId, Paging.limit(request), after);
        return HttpResponse.ok(new RecordPage(
                page.records().stream()
                        .map(r -> new RecordView(
                                r.purpose(),
                                r.granted(),
                                r.noticeVersion(),
                                r.method(),
                                Instant.ofEpochMilli(r.decidedAt())))
                        .toList(),
                page.nextCursor()));
    }

    /**
     * The proof of consent (Art. 7(1)): every decision the person made, oldest first, with how and
     * when, keyed hashes of where it came from, and the text of every notice version it names.
     */
    private HttpResponse proof(HttpRequest request) {
        String userId = person(request);
        List<ConsentItems.Record> records = store.allRecords(userId);
        Map<String, PurposeNotice> notices = new LinkedHashMap<>();
        for (ConsentItems.Record r : records) {
            purposes.purpose(r.purpose())
                    .flatMap(p -> p.notice(r.noticeVersion()))
                    .ifPresent(n -> notices.putIfAbsent(
                            r.purpose() + "\n" + n.version(), new PurposeNotice(r.purpose(), n.version(), n.text())));
        }
        return HttpResponse.ok(new Proof(
                        userId,
                        clock.instant(),
                        purposes.version(),
                        records.stream()
                                .map(r -> new ProvenRecord(
                                        r.purpose(),
                                        r.granted(),
                                        r.noticeVersion(),
                                        r.method(),
                                        Instant.ofEpochMilli(r.decidedAt()),
                                        r.ipHash(),
                                        r.userAgentHash()))
                                .toList(),
                        List.copyOf(notices.values())))
                .withHeader("content-disposition", "attachment; filename=\"consent-proof.json\"")
                .withHeader("cache-control", "no-store");
    }
}
