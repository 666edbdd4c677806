package app.devskyy.webhooks;

import static app.devskyy.core.privacy.Category.PAYMENT;

import app.devskyy.core.billing.BillingItems;
import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which items of the billing table hold personal data: the billing of a workspace that was the
 * person's alone. Payments and refunds are kept, restricted, for the retention tax law requires
 * of accounting records, as are PhonePe orders (pseudonymised: no longer naming the workspace);
 * the links to the provider's customer go. Parked unmatched events name no
 * workspace and expire after 90 days. The idempotency table holds event ids and delivery keys only.
 */
public final class BillingPersonalData {

    static final String TABLE = "BillingTable";
    private static final String OWN = BillingItems.workspace("{ownWorkspaceId}");
    static final String TAX_LAW =
            "accounting records are kept for the period tax law requires (e.g. 10 years, HGB §257, AO §147)";

    public static final List<PersonalItems> ITEMS = List.of(
            PersonalItems.pseudonymised(
                    TABLE,
                    "subscription",
                    Set.of(PAYMENT),
                    Finder.partition(OWN, BillingItems.SUBSCRIPTION),
                    List.of("customerId", "subscriptionId"),
                    TAX_LAW),
            PersonalItems.pseudonymised(
                    TABLE,
                    "payment",
                    Set.of(PAYMENT),
                    Finder.partition(OWN, BillingItems.paymentsOf(BillingItems.PAYMENT)),
                    List.of(),
                    TAX_LAW),
            PersonalItems.pseudonymised(
                    TABLE,
                    "refund",
                    Set.of(PAYMENT),
                    Finder.partition(OWN, BillingItems.paymentsOf(BillingItems.REFUND)),
                    List.of(),
                    TAX_LAW),
            PersonalItems.deleted(
                    TABLE, "provider customer", Set.of(PAYMENT), Finder.partition(OWN, BillingItems.CUSTOMERS)),
            PersonalItems.deleted(
                    TABLE,
                    "customer link",
                    Set.of(PAYMENT),
                    Finder.scan(Map.of("workspaceId", "{ownWorkspaceId}", "sk", "WORKSPACE"))),
            PersonalItems.pseudonymised(
                    TABLE,
                    "order",
                    Set.of(PAYMENT),
                    Finder.scan(Map.of("workspaceId", "{ownWorkspaceId}", "sk", "ORDER")),
                    List.of("workspaceId"),
                    TAX_LAW));

    /** Tables of this family that hold no personal data, and why. */
    public static final Map<String, String> FREE = Map.of(
            "IdempotencyTable",
            "provider event ids and delivery keys, with their processing status; nothing about a person");

    private BillingPersonalData() {}
}
