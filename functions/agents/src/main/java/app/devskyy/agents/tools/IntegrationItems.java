package app.devskyy.agents.tools;

import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;

/** The integrations' items in the agents table, in each workspace's partition beside its runs. */
final class IntegrationItems {

    private IntegrationItems() {}

    static final String INTEGRATIONS = "INTEGRATION#";

    static String workspace(String workspaceId) {
        return "WS#" + workspaceId;
    }

    static ItemKey integration(String workspaceId, String kind) {
        return ItemKey.of(workspace(workspaceId), INTEGRATIONS + kind);
    }

    /** {@code WS#<workspace>/INTEGRATION#<kind>}. */
    record Integration(
            String pk,
            String sk,
            String kind,
            String baseUrl,
            String secret,
            String keyHint,
            String configuredBy,
            long updatedAt) {
        static final TableSchema<Integration> SCHEMA = RecordSchema.of(
                        Integration.class,
                        f -> new Integration(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("kind"),
                                f.string("baseUrl"),
                                f.string("secret"),
                                f.string("keyHint"),
                                f.string("configuredBy"),
                                f.number("updatedAt", 0)))
                .partitionKey("pk", Integration::pk)
                .sortKey("sk", Integration::sk)
                .string("kind", Integration::kind)
                .string("baseUrl", Integration::baseUrl)
                .string("secret", Integration::secret)
                .string("keyHint", Integration::keyHint)
                .string("configuredBy", Integration::configuredBy)
                .number("updatedAt", Integration::updatedAt)
                .build();
    }
}
