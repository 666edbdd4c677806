package app.devskyy.gdpr;

import java.util.List;
import java.util.Set;

/**
 * The statuses of a data subject request, after ethyca/fides: received unverified or pending,
 * approved by a privacy admin, processed, then complete, denied (with a reason), canceled by the
 * person, or in error.
 */
final class RequestStatus {

    static final String IDENTITY_UNVERIFIED = "identity_unverified";
    static final String PENDING = "pending";
    static final String APPROVED = "approved";
    static final String IN_PROCESSING = "in_processing";
    static final String COMPLETE = "complete";
    static final String DENIED = "denied";
    static final String CANCELED = "canceled";
    static final String ERROR = "error";

    static final List<String> ALL =
            List.of(IDENTITY_UNVERIFIED, PENDING, APPROVED, IN_PROCESSING, COMPLETE, DENIED, CANCELED, ERROR);

    /** Statuses a request leaves the open queue in. */
    static final Set<String> CLOSED = Set.of(COMPLETE, DENIED, CANCELED);

    /** The kinds of request (GDPR Art. 15 to 21). */
    static final List<String> TYPES =
            List.of("access", "portability", "erasure", "rectification", "restriction", "objection");

    private RequestStatus() {}
}
