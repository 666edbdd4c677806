package app.devskyy.core.privacy;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.crypto.PersonalDataCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Who a person is to the registry ({@link Subject}), read from the auth table's layout
 * ({@link CredentialItems}): their profile's email index, their memberships, and which of those
 * workspaces are theirs alone. Also what must happen before their account can be erased: a
 * workspace they alone administer while others are members would be left without an admin.
 */
public final class Subjects {

    /** A workspace that stops an erasure, and what its sole admin must do first. */
    public record Blocker(String workspaceId, String action) {}

    private record Membership(String workspaceId, String role) {}

    private final DynamoDbClient dynamoDb;
    private final String authTable;
    private final PersonalDataCipher pii;

    public Subjects(DynamoDbClient dynamoDb, String authTable, PersonalDataCipher pii) {
        this.dynamoDb = dynamoDb;
        this.authTable = authTable;
        this.pii = pii;
    }

    /** The person, or empty when no account has that id (already erased, or never there). */
    public Optional<Subject> of(String userId) {
        Map<String, AttributeValue> profile = item(CredentialItems.profile(userId));
        if (profile.isEmpty() || !profile.containsKey("emailIndex")) {
            return Optional.empty();
        }
        List<String> memberOf = new ArrayList<>();
        List<String> own = new ArrayList<>();
        for (Membership membership : memberships(userId)) {
            memberOf.add(membership.workspaceId());
            Map<String, AttributeValue> meta = workspace(membership.workspaceId());
            boolean personal = meta.containsKey("personal")
                    && Boolean.TRUE.equals(meta.get("personal").bool());
            if (personal || members(membership.workspaceId()) <= 1) {
                own.add(membership.workspaceId());
            }
        }
        return Optional.of(new Subject(
                userId, profile.get("emailIndex").s(), pseudonym(userId), pii.personKeyId(userId), memberOf, own));
    }

    /**
     * The stable pseudonym that stands for the person in records kept after erasure (a shared
     * workspace's audit trail still shows one actor doing several things): keyed, so that it
     * cannot be computed from the user id without the data key, and never their email index.
     */
    public String pseudonym(String userId) {
        return "anon_" + pii.blindIndex("pseudonym:" + userId).substring(0, 22);
    }

    /** Workspaces the person is the only admin of while others are members: another admin is needed first. */
    public List<Blocker> erasureBlockers(String userId) {
        List<Blocker> blockers = new ArrayList<>();
        for (String workspaceId : sharedWorkspacesAdministered(userId)) {
            Map<String, AttributeValue> meta = workspace(workspaceId);
            long admins = meta.containsKey("admins")
                    ? Long.parseLong(meta.get("admins").n())
                    : 1;
            if (admins <= 1) {
                blockers.add(new Blocker(
                        workspaceId, "Make another member an admin of this workspace, or remove its other members."));
            }
        }
        return blockers;
    }

    /**
     * The workspaces the person administers that others are members of too (a personal
     * workspace's only admin holds no one else's data): what an erasure must settle first, and
     * whose admins the security scan holds to a second factor.
     */
    public List<String> sharedWorkspacesAdministered(String userId) {
        List<String> shared = new ArrayList<>();
        for (Membership membership : memberships(userId)) {
            if (Role.ADMIN.wire().equals(membership.role()) && members(membership.workspaceId()) > 1) {
                shared.add(membership.workspaceId());
            }
        }
        return shared;
    }

    private List<Membership> memberships(String userId) {
        List<Membership> memberships = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(authTable)
                        .indexName(CredentialItems.GSI1)
                        .keyConditionExpression("gsi1pk = :pk AND begins_with(gsi1sk, :ws)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(CredentialItems.user(userId)),
                                ":ws", AttributeValue.fromS(CredentialItems.MEMBERSHIPS))))
                .items()
                .forEach(item -> memberships.add(new Membership(
                        item.get("workspaceId").s(),
                        item.containsKey("role") ? item.get("role").s() : "")));
        return memberships;
    }

    private long members(String workspaceId) {
        return dynamoDb.query(r -> r.tableName(authTable)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :m)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(CredentialItems.workspace(workspaceId)),
                                ":m", AttributeValue.fromS(CredentialItems.MEMBERS)))
                        .select("COUNT")
                        .limit(2))
                .count();
    }

    private Map<String, AttributeValue> workspace(String workspaceId) {
        return item(ItemKey.of(CredentialItems.workspace(workspaceId), CredentialItems.WORKSPACE_META));
    }

    private Map<String, AttributeValue> item(ItemKey key) {
        return dynamoDb.getItem(
                        r -> r.tableName(authTable).key(key.attributes()).consistentRead(true))
                .item();
    }
}
