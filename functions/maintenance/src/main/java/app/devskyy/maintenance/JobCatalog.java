package app.devskyy.maintenance;

import app.devskyy.core.events.ScheduleExpression;
import java.util.List;
import java.util.Optional;

/**
 * The family's jobs, with the schedule each runs on (template.yaml's {@code ScheduleV2} events say
 * the same; {@code TemplateTest} checks it) and what it looks for: what the jobs route shows.
 */
final class JobCatalog {

    record Job(String name, String function, String schedule, String description) {

        ScheduleExpression expression() {
            return ScheduleExpression.parse(schedule);
        }
    }

    static final List<Job> JOBS = List.of(
            new Job(
                    SecurityScanJob.NAME,
                    "SecurityScanJobFunction",
                    "cron(15 3 * * ? *)",
                    "Admins without a verified second factor; API keys unused for 90 days or without an expiry;"
                            + " workspaces mostly of admins; forged webhooks, credential stuffing and lockout spikes of the"
                            + " day; an old signing key or webhook secrets; browser origins wider than a frontend needs."),
            new Job(
                    SpendAnomalyJob.NAME,
                    "SpendAnomalyJobFunction",
                    "cron(30 0 * * ? *)",
                    "Each workspace's LLM spend of the day just ended against its own trailing 28 days (median and"
                            + " MAD); budgets at 80 % and 100 %."),
            new Job(
                    DsrDeadlineJob.NAME,
                    "DsrDeadlineJobFunction",
                    "rate(1 hour)",
                    "Data subject requests within 7 days and 1 day of their deadline, and past it."),
            new Job(
                    DeadLetterJob.NAME,
                    "DeadLetterJobFunction",
                    "rate(1 hour)",
                    "Messages waiting in the dead-letter queues (webhook events that failed processing five times),"
                            + " and for how long."),
            new Job(
                    RetentionJob.NAME,
                    "RetentionJobFunction",
                    "cron(45 2 * * ? *)",
                    "Audit entries past their retention and export archives past their period deleted to the day;"
                            + " LLM usage records past 90 days no longer name their caller; parked billing events near"
                            + " their expiry."),
            new Job(
                    BillingReconciliationJob.NAME,
                    "BillingReconciliationJobFunction",
                    "cron(0 6 * * ? *)",
                    "Subscriptions still paying whose period ended two days ago with no renewal arriving; parked"
                            + " billing events whose customer is linked now, applied."),
            new Job(
                    AgentRunsJob.NAME,
                    "AgentRunsJobFunction",
                    "rate(15 minutes)",
                    "Agent runs past their wall time stopped; approvals expiring within the hour told to the"
                            + " workspace's admins."),
            new Job(
                    KeyRotationJob.NAME,
                    "KeyRotationJobFunction",
                    "rate(1 hour)",
                    "The token signing key replaced every 90 days: the new key published 15 minutes before it"
                            + " signs, the old one retired once no token it signed can still be current."));

    static Optional<Job> job(String name) {
        return JOBS.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    private JobCatalog() {}
}
