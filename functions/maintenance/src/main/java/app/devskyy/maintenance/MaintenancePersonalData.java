package app.devskyy.maintenance;

import static app.devskyy.core.privacy.Category.ACTIVITY;

import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which items of the maintenance table hold personal data: findings about a person (an admin
 * without a second factor is found by user id), deleted with them. Other findings are about keys,
 * workspaces and requests; job runs name no one.
 */
public final class MaintenancePersonalData {

    public static final List<PersonalItems> ITEMS = List.of(PersonalItems.deleted(
            "MaintenanceTable", "finding about them", Set.of(ACTIVITY), Finder.scan(Map.of("subject", "{userId}"))));

    private MaintenancePersonalData() {}
}
