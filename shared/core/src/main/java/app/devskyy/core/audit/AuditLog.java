package app.devskyy.core.audit;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.Values;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.Paging;
import app.devskyy.core.privacy.Category;
import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;

/**
 * The security audit trail ({@code AUDIT_TABLE}): who did what, to what, from where, with which
 * outcome. Events of an account live under {@code USER#<id>}, events of a workspace under
 * {@code WS#<id>}, newest last; they expire after the retention period. Never a secret or a
 * password; the IP address and user agent are encrypted like all personal data. Every family that
 * acts on accounts or workspaces writes here (auth, the billing effects of webhooks).
 */
public final class AuditLog {

    /** The system scope of failed logins, which the security scan reads for credential stuffing and lockout spikes. */
    public static final String LOGINS = "logins";

    /**
     * The personal items of the audit table: an account's own trail goes with the account; a
     * workspace's trail stays (it is the workspace's security record) without naming the person.
     */
    public static final List<PersonalItems> PERSONAL_DATA = List.of(
            PersonalItems.deleted(
                            "AuditTable",
                            "account event",
                            Set.of(Category.NETWORK, Category.ACTIVITY),
                            Finder.partition(AuditItems.account("{userId}"), null))
                    .decrypting(Map.of("ipCipher", "audit:{pk}:{sk}:ip", "agentCipher", "audit:{pk}:{sk}:agent")),
            PersonalItems.deleted(
                    "AuditTable",
                    "own workspace event",
                    Set.of(Category.NETWORK, Category.ACTIVITY),
                    Finder.partition(AuditItems.workspace("{ownWorkspaceId}"), null)),
            PersonalItems.pseudonymised(
                    "AuditTable",
                    "workspace event naming them",
                    Set.of(Category.NETWORK, Category.ACTIVITY),
                    Finder.scan(Map.of("actorId", "{userId}", "targetId", "{userId}")),
                    List.of("actorId", "targetId", "ipCipher", "agentCipher"),
                    "a workspace's security trail is kept for its members (legitimate interest, GDPR Art. 6(1)(f))"),
            PersonalItems.deleted(
                    "AuditTable",
                    "failed login",
                    Set.of(Category.NETWORK, Category.ACTIVITY),
                    Finder.partition(AuditItems.system(LOGINS), null).where(Map.of("targetId", "{emailIndex}"))));

    /** Where a request came from; for machine actors (a payment provider's webhook) the provider's address. */
    public record Origin(String ip, String userAgent) {

        /** Where an HTTP request came from: its source address and user agent. */
        public static Origin of(HttpRequest request) {
            return new Origin(
                    request.sourceIp() == null ? "" : request.sourceIp(),
                    request.header("user-agent").orElse(""));
        }
    }

    public record View(
            String action, String outcome, String actorId, String targetId, String ip, String userAgent, Instant at) {}

    public record PageView(List<View> events, String nextCursor) {}

    private final DynamoDbTable<AuditItems.Event> events;
    private final PersonalDataCipher pii;
    private final Duration retention;
    private final Clock clock;

    public AuditLog(DynamoTables tables, String table, PersonalDataCipher pii, Duration retention, Clock clock) {
        this.events = tables.table(table, AuditItems.Event.SCHEMA);
        this.pii = pii;
        this.retention = retention;
        this.clock = clock;
    }

    /** The log every family writes: {@code AUDIT_TABLE}, entries kept {@code AUDIT_RETENTION_DAYS} (365). */
    public static AuditLog fromConfig(Config config, DynamoTables tables, PersonalDataCipher pii, Clock clock) {
        return new AuditLog(
                tables,
                config.required("AUDIT_TABLE", "AuditTable"),
                pii,
                Duration.ofDays(config.integer("AUDIT_RETENTION_DAYS", 365)),
                clock);
    }

    public void account(String userId, String action, String outcome, String actorId, Origin origin) {
        write(AuditItems.account(userId), action, outcome, actorId, userId, origin);
    }

    public void workspace(String workspaceId, String action, String actorId, String targetId, Origin origin) {
        workspace(workspaceId, action, "success", actorId, targetId, origin);
    }

    /** A workspace event whose outcome is not simply success (an agent's tool call that failed, say). */
    public void workspace(
            String workspaceId, String action, String outcome, String actorId, String targetId, Origin origin) {
        write(AuditItems.workspace(workspaceId), action, outcome, actorId, targetId, origin);
    }

    /** Events of no account or workspace (a webhook that failed verification), under {@code SYSTEM#<scope>}. */
    public void system(String scope, String action, String outcome, String actorId, Origin origin) {
        write(AuditItems.system(scope), action, outcome, actorId, scope, origin);
    }

    /**
     * A login that failed, whether or not the address has an account, under {@code SYSTEM#logins}:
     * the actor is the network it came from (a keyed hash of its /24 or /48, {@link #networkOf}),
     * the target the blind index of the address tried. What the security scan counts many
     * accounts failing from one network by, and lockouts by, without an address or IP in clear.
     */
    public void failedLogin(String emailIndex, boolean locked, Origin origin) {
        write(
                AuditItems.system(LOGINS),
                "login",
                locked ? "failure_locked" : "failure",
                networkOf(origin.ip()),
                emailIndex,
                origin);
    }

    /**
     * The network an address belongs to, named without the address: {@code net_} and a keyed hash
     * of its /24 (IPv4) or /48 (IPv6), the ranges one operator usually holds.
     */
    public String networkOf(String ip) {
        byte[] address;
        try {
            address = InetAddress.ofLiteral(ip).getAddress();
        } catch (IllegalArgumentException | NullPointerException notAnAddress) {
            return "net_unknown";
        }
        byte[] prefix = Arrays.copyOf(address, address.length == 4 ? 3 : 6);
        return "net_"
                + pii.blindIndex("network:" + HexFormat.of().formatHex(prefix)).substring(0, 22);
    }

    /** What the scan reads of a system event. */
    public record SystemEvent(String action, String outcome, String actorId, String targetId) {}

    /** The events of a system scope from {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
    public List<SystemEvent> systemEvents(String scope, Instant from, Instant to) {
        return events
                .query(r -> r.queryConditional(QueryConditional.sortBetween(
                        Key.builder()
                                .partitionValue(AuditItems.system(scope))
                                .sortValue(AuditItems.timeBound(from.toEpochMilli()))
                                .build(),
                        Key.builder()
                                .partitionValue(AuditItems.system(scope))
                                .sortValue(AuditItems.timeBound(to.toEpochMilli()))
                                .build())))
                .items()
                .stream()
                .map(e -> new SystemEvent(e.action(), e.outcome(), e.actorId(), e.targetId()))
                .toList();
    }

    private void write(String pk, String action, String outcome, String actorId, String targetId, Origin origin) {
        long now = clock.millis();
        String sk = AuditItems.eventSortKey(now);
        events.putItem(new AuditItems.Event(
                pk,
                sk,
                action,
                outcome,
                actorId,
                targetId,
                seal(actorId, origin.ip(), context(pk, sk, "ip")),
                seal(actorId, origin.userAgent(), context(pk, sk, "agent")),
                now,
                (now + retention.toMillis()) / 1000));
    }

    /**
     * Where a request came from is the actor's: under their own key when the actor is a person (so
     * that erasing them shreds it in every copy), under the service key for a machine (an API key,
     * a provider's webhook, the state machine).
     */
    private String seal(String actorId, String value, String context) {
        return actorId != null && actorId.startsWith(CredentialItems.USER_ID_PREFIX)
                ? pii.encryptFor(actorId, value, context)
                : pii.encrypt(value, context);
    }

    /**
     * How many events of each action a system scope recorded from {@code from} (inclusive) to
     * {@code to} (exclusive): what the security scan counts forged webhook deliveries by.
     */
    public Map<String, Long> systemActions(String scope, Instant from, Instant to) {
        Map<String, Long> counts = new TreeMap<>();
        systemEvents(scope, from, to).forEach(e -> counts.merge(e.action(), 1L, Long::sum));
        return counts;
    }

    /** A page of a workspace's events, oldest first, after the sort key {@code after} when there is one. */
    public PageView workspaceEvents(String workspaceId, int limit, Optional<String> after) {
        String pk = AuditItems.workspace(workspaceId);
        Page<AuditItems.Event> page = events.query(r -> {
                    r.queryConditional(QueryConditional.keyEqualTo(
                                    Key.builder().partitionValue(pk).build()))
                            .limit(limit);
                    after.ifPresent(sk -> r.exclusiveStartKey(ItemKey.of(pk, sk).attributes()));
                })
                .iterator()
                .next();
        List<View> views = page.items().stream()
                .map(e -> new View(
                        e.action(),
                        e.outcome(),
                        e.actorId(),
                        e.targetId(),
                        readable(e.ipCipher(), context(e.pk(), e.sk(), "ip")),
                        readable(e.agentCipher(), context(e.pk(), e.sk(), "agent")),
                        Instant.ofEpochMilli(e.at())))
                .toList();
        return new PageView(views, Paging.nextCursor(Values.string(page.lastEvaluatedKey(), "sk")));
    }

    /** An origin, or null where none is left: removed from a kept entry, or its actor's key destroyed by their erasure. */
    private String readable(String cipher, String context) {
        if (cipher == null) {
            return null;
        }
        try {
            return pii.decrypt(cipher, context);
        } catch (IllegalArgumentException shredded) {
            return null;
        }
    }

    private static String context(String pk, String sk, String field) {
        return "audit:" + pk + ":" + sk + ":" + field;
    }
}
