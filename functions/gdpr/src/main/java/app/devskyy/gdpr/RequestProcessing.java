package app.devskyy.gdpr;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.events.PermanentFailure;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.privacy.RequestFiles;
import app.devskyy.core.privacy.Subject;
import app.devskyy.core.privacy.Subjects;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The GDPR family's own steps of the data subject request state machine, around the families'
 * privacy tasks: {@link #begin} marks the request in processing and says whom it is about (for
 * an erasure, it also holds the address the completion goes to, which the erasure removes);
 * {@link #finish} makes the archive of an access or portability request from the families'
 * parts, completes the request and tells the person; {@link #fail} records why it stopped.
 */
final class RequestProcessing {

    /** The execution's state: ids and counts only, never what the families found. */
    record State(
            String requestId,
            String type,
            String action,
            Subject subject,
            Map<String, PrivacyTask.Done> done,
            Map<String, String> error) {}

    private static final Duration HOLD_ADDRESS = Duration.ofDays(7);

    private final RequestStore store;
    private final Requests requests;
    private final Subjects subjects;
    private final PersonContacts contacts;
    private final PersonalDataCipher pii;
    private final RequestFiles files;
    private final PrivacyFacts facts;
    private final Duration archiveLifetime;
    private final Clock clock;

    RequestProcessing(
            RequestStore store,
            Requests requests,
            Subjects subjects,
            PersonContacts contacts,
            PersonalDataCipher pii,
            RequestFiles files,
            PrivacyFacts facts,
            Duration archiveLifetime,
            Clock clock) {
        this.store = store;
        this.requests = requests;
        this.subjects = subjects;
        this.contacts = contacts;
        this.pii = pii;
        this.files = files;
        this.facts = facts;
        this.archiveLifetime = archiveLifetime;
        this.clock = clock;
    }

    State begin(String requestId) {
        GdprItems.Request request = request(requestId);
        if (!Requests.PROCESSED.contains(request.type())) {
            throw new PermanentFailure("NotProcessed", "the request's type is not carried out by the state machine");
        }
        if (request.status().equals(RequestStatus.APPROVED)) {
            requests.move(
                    request, Set.of(RequestStatus.APPROVED), RequestStatus.IN_PROCESSING, Map.of(), "system", ORIGIN);
        } else if (!request.status().equals(RequestStatus.IN_PROCESSING)) {
            throw new PermanentFailure("NotApproved", "the request is " + request.status());
        }
        Subject subject = subjects.of(request.userId())
                .orElseThrow(() -> new PermanentFailure("PersonGone", "no account has the request's user id"));
        boolean erasure = request.type().equals("erasure");
        if (erasure) {
            if (!subjects.erasureBlockers(request.userId()).isEmpty()) {
                throw new PermanentFailure("ErasureBlocked", "the person became the only admin of a shared workspace");
            }
            contacts.email(request.userId())
                    .ifPresent(email -> store.holdAddress(
                            requestId,
                            pii.encrypt(email, GdprItems.heldAddressContext(requestId)),
                            clock.instant().plus(HOLD_ADDRESS).getEpochSecond()));
        }
        return new State(
                requestId, request.type(), erasure ? PrivacyTask.ERASE : PrivacyTask.EXPORT, subject, Map.of(), null);
    }

    /** Completes the request: an archive for an export; for an erasure, the email to the held address. */
    String finish(State state) {
        GdprItems.Request request = request(state.requestId());
        if (request.status().equals(RequestStatus.COMPLETE)) {
            return RequestStatus.COMPLETE;
        }
        if (PrivacyTask.EXPORT.equals(state.action())) {
            List<PrivacyTask.Part> parts = new ArrayList<>();
            for (String family : state.done().keySet()) {
                byte[] part = files.get(RequestFiles.part(state.requestId(), family))
                        .orElseThrow(
                                () -> new PermanentFailure("PartMissing", "a family's part of the export is missing"));
                parts.add(Json.convert(Json.tree(part), PrivacyTask.Part.class));
            }
            files.put(
                    RequestFiles.archive(state.requestId()),
                    Json.writeBytes(facts.archive(request, parts, clock.instant())));
            state.done().keySet().forEach(family -> files.delete(RequestFiles.part(state.requestId(), family)));
            complete(request, clock.millis() + archiveLifetime.toMillis());
            requests.notify(request, "gdpr-complete", "Your " + request.type() + " request is carried out", null, null);
            return RequestStatus.COMPLETE;
        }
        complete(request, 0);
        store.heldAddress(state.requestId()).ifPresent(cipher -> {
            requests.mail(
                    pii.decrypt(cipher, GdprItems.heldAddressContext(state.requestId())),
                    request,
                    "gdpr-erased",
                    "Your erasure request is carried out",
                    null,
                    null);
            store.forgetAddress(state.requestId());
        });
        return RequestStatus.COMPLETE;
    }

    /** Records why the execution stopped: the failed task's error name, never its message. */
    String fail(State state) {
        String reason = Optional.ofNullable(state.error())
                .map(e -> e.get("Error"))
                .filter(e -> e.matches("[A-Za-z0-9._-]{1,80}"))
                .orElse("Unknown");
        // A request that is gone (or never was) has nothing to record; the execution still ends failed.
        store.request(state.requestId())
                .filter(r -> Set.of(RequestStatus.APPROVED, RequestStatus.IN_PROCESSING)
                        .contains(r.status()))
                .ifPresent(request -> requests.move(
                        request,
                        Set.of(RequestStatus.APPROVED, RequestStatus.IN_PROCESSING),
                        RequestStatus.ERROR,
                        Map.of("errorReason", reason),
                        "system",
                        ORIGIN));
        return RequestStatus.ERROR;
    }

    private void complete(GdprItems.Request request, long archiveExpiresAt) {
        if (store.complete(request.requestId(), archiveExpiresAt, clock.millis())) {
            // The request's record is audited under its own user id, which an erasure has made a pseudonym.
            requests.audit(request, RequestStatus.COMPLETE, "system", ORIGIN);
        }
    }

    private GdprItems.Request request(String requestId) {
        return store.request(requestId)
                .orElseThrow(() -> new PermanentFailure("RequestNotFound", "the request does not exist"));
    }

    /** The state machine acts for the privacy admin who approved; no address or agent is its own. */
    private static final AuditLog.Origin ORIGIN = new AuditLog.Origin("", "");
}
