package app.devskyy.llm.metering;

import static app.devskyy.core.privacy.Category.ACTIVITY;

import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which items of the LLM table hold personal data: a person's usage records and counters (they
 * name the caller) in every workspace, and everything of a workspace that was theirs alone. The
 * response cache holds answers, not people, keyed by a hash; it expires within
 * {@code LLM_CACHE_TTL_SECONDS}.
 */
public final class LlmPersonalData {

    public static final String TABLE = "LlmTable";

    public static final List<PersonalItems> ITEMS = List.of(
            // First: an item of a workspace that was theirs alone is deleted, whatever else would keep it.
            PersonalItems.deleted(
                    TABLE,
                    "own workspace's budgets and spend",
                    Set.of(ACTIVITY),
                    Finder.partition(LlmItems.workspace("{ownWorkspaceId}"), null)),
            // De-identified, not deleted: a shared workspace's spend must still add up.
            PersonalItems.pseudonymised(
                    TABLE,
                    "usage record",
                    Set.of(ACTIVITY),
                    Finder.partition(LlmItems.workspace("{workspaceId}"), LlmItems.REQUESTS)
                            .where(Map.of("caller", "user:{userId}")),
                    List.of("caller"),
                    "a workspace's metered spend is its account of what it was charged (contract, GDPR Art. 6(1)(b))"),
            PersonalItems.deleted(
                    TABLE,
                    "usage counter",
                    Set.of(ACTIVITY),
                    Finder.partition(LlmItems.workspace("{workspaceId}"), LlmItems.USAGE)
                            .where(Map.of("caller", "user:{userId}"))),
            PersonalItems.deleted(
                    TABLE,
                    "budget setting",
                    Set.of(ACTIVITY),
                    Finder.partition(LlmItems.workspace("{workspaceId}"), LlmItems.BUDGET)
                            .where(Map.of("updatedBy", "user:{userId}"))));

    private LlmPersonalData() {}
}
