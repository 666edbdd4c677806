package app.devskyy.maintenance;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.auth.PersonContacts;
import app.devskyy.core.auth.Role;
import app.devskyy.core.aws.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * What the jobs read of the auth table, through the core's view of its layout
 * ({@link CredentialItems}): profiles page by page, a person's admin roles and second factors,
 * API keys page by page, and who to tell: the platform's admins, a workspace's admins.
 */
final class AuthDirectory {

    /** A page of items and the cursor of the next (a DynamoDB key as JSON), null at the end. */
    record Page(List<Map<String, AttributeValue>> items, String nextCursor) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final PersonContacts contacts;

    AuthDirectory(DynamoDbClient dynamoDb, String table, PersonContacts contacts) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.contacts = contacts;
    }

    /** Every profile, a page at a time (the index that lists them for administrators). */
    Page profiles(String cursor, int limit) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(CredentialItems.GSI1)
                .keyConditionExpression("gsi1pk = :users")
                .expressionAttributeValues(Map.of(":users", AttributeValue.fromS(CredentialItems.USERS)))
                .limit(limit);
        MaintenanceJob.start(cursor).ifPresent(query::exclusiveStartKey);
        QueryResponse page = dynamoDb.query(query.build());
        return new Page(page.items(), MaintenanceJob.cursor(page.lastEvaluatedKey()));
    }

    /** Every API key that is not revoked, a page at a time. */
    Page apiKeys(String cursor, int limit) {
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(table)
                .filterExpression("begins_with(pk, :key) AND attribute_not_exists(revokedAt)")
                .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(CredentialItems.API_KEYS)))
                .limit(limit);
        MaintenanceJob.start(cursor).ifPresent(scan::exclusiveStartKey);
        ScanResponse page = dynamoDb.scan(scan.build());
        return new Page(page.items(), MaintenanceJob.cursor(page.lastEvaluatedKey()));
    }

    /** Every workspace ({@code WS#<id>/META}), a page at a time. */
    Page workspaces(String cursor, int limit) {
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(table)
                .filterExpression("begins_with(pk, :ws) AND sk = :meta")
                .expressionAttributeValues(Map.of(
                        ":ws", AttributeValue.fromS(CredentialItems.workspace("")),
                        ":meta", AttributeValue.fromS(CredentialItems.WORKSPACE_META)))
                .limit(limit);
        MaintenanceJob.start(cursor).ifPresent(scan::exclusiveStartKey);
        ScanResponse page = dynamoDb.scan(scan.build());
        return new Page(page.items(), MaintenanceJob.cursor(page.lastEvaluatedKey()));
    }

    /** How many members of a workspace hold each role. */
    Map<String, Long> memberRoles(String workspaceId) {
        Map<String, Long> roles = new TreeMap<>();
        query(null, "pk", CredentialItems.workspace(workspaceId), "sk", CredentialItems.MEMBERS)
                .forEach(member -> roles.merge(Values.string(member, "role"), 1L, Long::sum));
        return roles;
    }

    boolean hasVerifiedSecondFactor(String userId) {
        return query(null, "pk", CredentialItems.user(userId), "sk", CredentialItems.FACTORS).stream()
                .anyMatch(f -> f.containsKey("verified")
                        && Boolean.TRUE.equals(f.get("verified").bool()));
    }

    /** The addresses of the platform's admins (platform role admin or super admin). */
    List<String> platformAdmins() {
        List<String> addresses = new ArrayList<>();
        String cursor = null;
        do {
            Page page = profiles(cursor, 100);
            for (Map<String, AttributeValue> profile : page.items()) {
                Optional<Role> role = Role.fromWire(Values.string(profile, "platformRole"));
                if (role.isPresent() && role.get().atLeast(Role.ADMIN) && !isDisabled(profile)) {
                    contacts.email(profile.get("userId").s()).ifPresent(addresses::add);
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return addresses;
    }

    /** The addresses of a workspace's admins. */
    List<String> workspaceAdmins(String workspaceId) {
        List<String> addresses = new ArrayList<>();
        for (Map<String, AttributeValue> member :
                query(null, "pk", CredentialItems.workspace(workspaceId), "sk", CredentialItems.MEMBERS)) {
            if (Role.ADMIN.wire().equals(Values.string(member, "role"))) {
                contacts.email(member.get("userId").s()).ifPresent(addresses::add);
            }
        }
        return addresses;
    }

    static boolean isDisabled(Map<String, AttributeValue> profile) {
        return profile.containsKey("disabled")
                && Boolean.TRUE.equals(profile.get("disabled").bool());
    }

    private List<Map<String, AttributeValue>> query(
            String index, String partitionName, String partition, String sortName, String prefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(table)
                        .indexName(index)
                        .keyConditionExpression("#p = :p AND begins_with(#s, :prefix)")
                        .expressionAttributeNames(Map.of("#p", partitionName, "#s", sortName))
                        .expressionAttributeValues(
                                Map.of(":p", AttributeValue.fromS(partition), ":prefix", AttributeValue.fromS(prefix))))
                .items()
                .forEach(items::add);
        return items;
    }
}
