package app.devskyy.agents;

import static app.devskyy.core.privacy.Category.ACTIVITY;

import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which items of the runs table hold personal data: the runs a person started (their goal, inputs
 * and results are what the person asked for), those runs' steps and timelines (found by
 * {@code startedBy}, which each carries), and everything of a workspace that was theirs alone; in
 * a shared workspace, the knowledge documents and integrations a person added stay the workspace's,
 * with the person's name removed. (A document's vectors live outside the table: erasing one goes
 * through {@code KnowledgeBase.delete}, which removes them too.)
 */
public final class AgentPersonalData {

    static final String TABLE = "AgentsTable";

    /** Why a shared workspace keeps what a member added to it. */
    static final String SHARED_WORKSPACE = "a shared workspace's knowledge base and integrations belong to the"
            + " workspace and outlive the member who added them (legitimate interest, GDPR Art. 6(1)(f))";

    public static final List<PersonalItems> ITEMS = List.of(
            PersonalItems.deleted(
                    TABLE,
                    "agent run",
                    Set.of(ACTIVITY),
                    Finder.partition(AgentItems.workspace("{workspaceId}"), AgentItems.RUNS)
                            .where(Map.of("startedBy", "user:{userId}"))),
            PersonalItems.deleted(
                    TABLE,
                    "agent run step or event",
                    Set.of(ACTIVITY),
                    Finder.scan(Map.of("startedBy", "user:{userId}"))),
            PersonalItems.deleted(
                    TABLE,
                    "own workspace's runs",
                    Set.of(ACTIVITY),
                    Finder.partition(AgentItems.workspace("{ownWorkspaceId}"), null)),
            PersonalItems.deleted(
                    TABLE,
                    "own workspace's knowledge passages",
                    Set.of(ACTIVITY),
                    Finder.partition("KB#{ownWorkspaceId}", null)),
            PersonalItems.pseudonymised(
                    TABLE,
                    "knowledge document or passage added",
                    Set.of(ACTIVITY),
                    Finder.scan(Map.of("createdBy", "user:{userId}")),
                    List.of("createdBy"),
                    SHARED_WORKSPACE),
            PersonalItems.pseudonymised(
                    TABLE,
                    "integration configured",
                    Set.of(ACTIVITY),
                    Finder.partition(AgentItems.workspace("{workspaceId}"), "INTEGRATION#")
                            .where(Map.of("configuredBy", "user:{userId}")),
                    List.of("configuredBy"),
                    SHARED_WORKSPACE));

    private AgentPersonalData() {}
}
