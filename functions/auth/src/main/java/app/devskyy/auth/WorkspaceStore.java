package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Member;
import app.devskyy.auth.AuthItems.Workspace;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Workspaces and their members. The workspace counts its admins in the same transactions that
 * change roles, so that the last admin can never be removed or demoted, even concurrently.
 */
final class WorkspaceStore {

    /** Outcome of a membership change. */
    enum Change {
        DONE,
        CONFLICT,
        LAST_ADMIN
    }

    private final DynamoDbClient dynamoDb;
    private final DynamoTables tables;
    private final String table;
    private final DynamoDbTable<Workspace> workspaces;
    private final DynamoDbTable<Member> members;

    WorkspaceStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.table = table;
        this.workspaces = tables.table(table, Workspace.SCHEMA);
        this.members = tables.table(table, Member.SCHEMA);
    }

    /** Creates a workspace with its creator as first admin. */
    void createWorkspace(Workspace workspace, Member creator) {
        Writes.transaction(
                tables,
                t -> t.addPutItem(
                                workspaces,
                                TransactPutItemEnhancedRequest.builder(Workspace.class)
                                        .item(workspace)
                                        .conditionExpression(Writes.NEW_ITEM)
                                        .build())
                        .addPutItem(members, creator));
    }

    Optional<Workspace> workspace(String workspaceId) {
        return Optional.ofNullable(workspaces.getItem(
                r -> r.key(AuthItems.workspace(workspaceId).key()).consistentRead(true)));
    }

    void renameWorkspace(String workspaceId, String name) {
        ItemUpdate.of(table, AuthItems.workspace(workspaceId))
                .set("name", name)
                .condition("attribute_exists(#pk)")
                .apply(dynamoDb);
    }

    Optional<Member> member(String workspaceId, String userId) {
        return Optional.ofNullable(members.getItem(
                r -> r.key(AuthItems.member(workspaceId, userId).key()).consistentRead(true)));
    }

    List<Member> membersOf(String workspaceId) {
        return members
                .query(r -> r.consistentRead(true)
                        .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                                .partitionValue(CredentialItems.workspace(workspaceId))
                                .sortValue(AuthItems.MEMBERS)
                                .build())))
                .items()
                .stream()
                .toList();
    }

    /** A user's memberships, through the index (token claims, {@code GET /workspaces}). */
    List<Member> membershipsOf(String userId) {
        return members
                .index(AuthItems.GSI1)
                .query(r -> r.queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(CredentialItems.user(userId))
                        .sortValue(AuthItems.MEMBERSHIPS)
                        .build())))
                .stream()
                .flatMap(page -> page.items().stream())
                .toList();
    }

    /** Adds a member; the workspace's admin count follows. CONFLICT when already a member. */
    Change addMember(Member member) {
        TransactWriteItem put = TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(table)
                        .item(Member.SCHEMA.itemToMap(member, true))
                        .conditionExpression(Writes.NEW_ITEM.expression())
                        .build())
                .build();
        return membership(put, adminCount(member.workspaceId(), isAdmin(member.role()) ? 1 : 0));
    }

    /** Changes a member's role; LAST_ADMIN when it would leave the workspace without an admin. */
    Change changeRole(Member current, String role) {
        Member changed = new Member(
                current.pk(),
                current.sk(),
                current.workspaceId(),
                current.userId(),
                role,
                current.joinedAt(),
                current.gsi1pk(),
                current.gsi1sk());
        TransactWriteItem put = TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(table)
                        .item(Member.SCHEMA.itemToMap(changed, true))
                        .conditionExpression("#role = :expected")
                        .expressionAttributeNames(Map.of("#role", "role"))
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(current.role())))
                        .build())
                .build();
        return membership(
                put, adminCount(current.workspaceId(), (isAdmin(role) ? 1 : 0) - (isAdmin(current.role()) ? 1 : 0)));
    }

    /** Removes a member; LAST_ADMIN when it is the last admin. */
    Change removeMember(Member current) {
        TransactWriteItem delete = TransactWriteItem.builder()
                .delete(Delete.builder()
                        .tableName(table)
                        .key(ItemKey.of(current.pk(), current.sk()).attributes())
                        .conditionExpression("#role = :expected")
                        .expressionAttributeNames(Map.of("#role", "role"))
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(current.role())))
                        .build())
                .build();
        return membership(delete, adminCount(current.workspaceId(), isAdmin(current.role()) ? -1 : 0));
    }

    private static boolean isAdmin(String role) {
        return role.equals("admin");
    }

    /** Adjusts the admin count; when it decreases, only while another admin remains. */
    private TransactWriteItem adminCount(String workspaceId, int delta) {
        ItemUpdate update =
                ItemUpdate.of(table, AuthItems.workspace(workspaceId)).add("admins", delta);
        return (delta < 0
                        ? update.condition("attribute_exists(#pk) AND #admins > :one", Map.of(":one", Values.number(1)))
                        : update.condition("attribute_exists(#pk)"))
                .inTransaction();
    }

    private Change membership(TransactWriteItem change, TransactWriteItem adminCount) {
        OptionalInt failed = Writes.transaction(dynamoDb, List.of(change, adminCount));
        if (failed.isEmpty()) {
            return Change.DONE;
        }
        // Items in order: the membership first, the admin count second.
        return failed.getAsInt() == 1 ? Change.LAST_ADMIN : Change.CONFLICT;
    }
}
