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
 * {@code startedBy}, which each carries), and everything of a workspace that was theirs alone.
 */
public final class AgentPersonalData {

    static final String TABLE = "AgentsTable";

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
                    Finder.partition(AgentItems.workspace("{ownWorkspaceId}"), null)));

    private AgentPersonalData() {}
}
