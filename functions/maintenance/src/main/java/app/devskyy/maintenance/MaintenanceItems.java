package app.devskyy.maintenance;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import app.devskyy.core.crypto.Digests;
import java.time.Instant;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/**
 * The maintenance table's items (docs/data-model.md): findings, one per rule and subject, found
 * again across runs rather than added; and job runs, one per job and scheduled time, which is what
 * makes a job idempotent on its slot and lets a cut-short run resume from its cursor.
 */
final class MaintenanceItems {

    private MaintenanceItems() {}

    /** Findings by rule and state ({@code gsi1pk = RULE#<rule>}, {@code gsi1sk = <state>#<lastSeen>#<id>}). */
    static final String BY_RULE = "gsi1";

    /** Every finding, last seen first ({@code gsi2pk = FINDINGS}, {@code gsi2sk = <lastSeen>#<id>}). */
    static final String BY_TIME = "gsi2";

    static final String FINDINGS = "FINDINGS";

    /** The id of the finding of a rule about a subject: the same on every run that finds it again. */
    static String findingId(String rule, String subject) {
        return "fnd_" + Digests.sha256Hex(rule + "\n" + subject).substring(0, 28);
    }

    static ItemKey finding(String findingId) {
        return ItemKey.of("FINDING#" + findingId, "FINDING");
    }

    static String rulePartition(String rule) {
        return "RULE#" + rule;
    }

    static String ruleSort(String state, long lastSeenAt, String findingId) {
        return state + "#" + String.format("%013d", lastSeenAt) + "#" + findingId;
    }

    static String timeSort(long lastSeenAt, String findingId) {
        return String.format("%013d", lastSeenAt) + "#" + findingId;
    }

    static ItemKey run(String job, Instant slot) {
        return ItemKey.of("JOB#" + job, "RUN#" + slot);
    }

    static String job(String job) {
        return "JOB#" + job;
    }

    /**
     * {@code FINDING#<id>/FINDING}: what a rule found about a subject (a user id, a key id, a
     * workspace, a request), first and last seen (the scheduled times of the runs, epoch ms),
     * {@code open}, {@code acknowledged} by a platform admin, or {@code resolved} when a complete run
     * no longer finds it (a later run that finds it again opens it again).
     */
    record Finding(
            String pk,
            String sk,
            String findingId,
            String rule,
            String severity,
            String subject,
            String summary,
            String state,
            long firstSeenAt,
            long lastSeenAt,
            long resolvedAt,
            String acknowledgedBy,
            long acknowledgedAt) {

        static final TableSchema<Finding> SCHEMA = RecordSchema.of(
                        Finding.class,
                        f -> new Finding(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("findingId"),
                                f.string("rule"),
                                f.string("severity"),
                                f.string("subject"),
                                f.string("summary"),
                                f.string("state"),
                                f.number("firstSeenAt", 0),
                                f.number("lastSeenAt", 0),
                                f.number("resolvedAt", 0),
                                f.string("acknowledgedBy"),
                                f.number("acknowledgedAt", 0)))
                .partitionKey("pk", Finding::pk)
                .sortKey("sk", Finding::sk)
                .string("findingId", Finding::findingId)
                .string("rule", Finding::rule)
                .string("severity", Finding::severity)
                .string("subject", Finding::subject)
                .string("summary", Finding::summary)
                .string("state", Finding::state)
                .number("firstSeenAt", Finding::firstSeenAt)
                .number("lastSeenAt", Finding::lastSeenAt)
                .number("resolvedAt", Finding::resolvedAt)
                .string("acknowledgedBy", Finding::acknowledgedBy)
                .number("acknowledgedAt", Finding::acknowledgedAt)
                .build();
    }

    /**
     * {@code JOB#<job>/RUN#<scheduled time>}: one run of a job for its slot: {@code running} (with
     * the cursor of the next page and a lease, so that a concurrent delivery of the same slot waits
     * its turn) or {@code complete}, with what it saw, changed and found.
     */
    record Run(
            String pk,
            String sk,
            String job,
            String slot,
            String status,
            String cursor,
            long leaseUntil,
            long startedAt,
            long endedAt,
            long seen,
            long changed,
            long findings,
            String requestedBy) {

        static final TableSchema<Run> SCHEMA = RecordSchema.of(
                        Run.class,
                        f -> new Run(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("job"),
                                f.string("slot"),
                                f.string("status"),
                                f.string("cursor"),
                                f.number("leaseUntil", 0),
                                f.number("startedAt", 0),
                                f.number("endedAt", 0),
                                f.number("seen", 0),
                                f.number("changed", 0),
                                f.number("findings", 0),
                                f.string("requestedBy")))
                .partitionKey("pk", Run::pk)
                .sortKey("sk", Run::sk)
                .string("job", Run::job)
                .string("slot", Run::slot)
                .string("status", Run::status)
                .string("cursor", Run::cursor)
                .number("leaseUntil", Run::leaseUntil)
                .number("startedAt", Run::startedAt)
                .number("endedAt", Run::endedAt)
                .number("seen", Run::seen)
                .number("changed", Run::changed)
                .number("findings", Run::findings)
                .string("requestedBy", Run::requestedBy)
                .build();
    }
}
