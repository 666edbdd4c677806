package app.devskyy.gdpr;

import static app.devskyy.core.privacy.Category.ACTIVITY;
import static app.devskyy.core.privacy.Category.NETWORK;

import app.devskyy.core.privacy.ConsentItems;
import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which items of the GDPR table hold personal data: a person's consent decisions, current and
 * past, which go with the person (once erased, nothing is processed for them that needs proof;
 * the record's network fields are keyed hashes, never the IP address or user agent); and their
 * data subject requests, kept without naming them, as the record that each was answered.
 */
public final class GdprPersonalData {

    static final String TABLE = "GdprTable";
    private static final String PERSON = ConsentItems.person("{userId}");

    public static final List<PersonalItems> ITEMS = List.of(
            PersonalItems.deleted(
                    TABLE, "consent decision", Set.of(ACTIVITY), Finder.partition(PERSON, ConsentItems.CURRENT)),
            PersonalItems.deleted(
                    TABLE, "consent record", Set.of(ACTIVITY, NETWORK), Finder.partition(PERSON, ConsentItems.RECORDS)),
            PersonalItems.deleted(
                    TABLE, "restriction or objection", Set.of(ACTIVITY), Finder.partition(PERSON, ConsentItems.FLAGS)),
            PersonalItems.pseudonymised(
                            TABLE,
                            "data subject request",
                            Set.of(ACTIVITY),
                            Finder.index(GdprItems.BY_PERSON, PERSON, GdprItems.REQUESTS),
                            List.of("userId", "detailsCipher", "gsi1pk", "gsi1sk"),
                            "the controller must be able to show that each request was answered (GDPR Art. 5(2))")
                    .decrypting(Map.of("detailsCipher", "request:{requestId}:details")));

    private GdprPersonalData() {}
}
