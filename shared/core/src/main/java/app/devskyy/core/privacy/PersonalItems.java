package app.devskyy.core.privacy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One kind of item that holds personal data, as its store declares it: in which table, of which
 * categories, how to find a person's items, and how to erase them. Declarations are data, so that
 * one registry can export and erase across every family without depending on any of them.
 *
 * <p>Templates name the subject with {@code {userId}}, {@code {emailIndex}}, {@code {dataKeyId}}, {@code {workspaceId}}
 * (each workspace the person is a member of) and {@code {ownWorkspaceId}} (each of theirs alone).
 *
 * @param table      the table's logical id in template.yaml
 * @param kind       what the item is, for the export ({@code user}, {@code session})
 * @param finder     how to find the subject's items
 * @param erasure    delete them, or pseudonymise and restrict them
 * @param personal   under pseudonymisation, the attributes removed (what names or describes the person)
 * @param encrypted  attributes encrypted with {@code PersonalDataCipher}, with their context template
 *                   ({@code {pk}}, {@code {sk}} and the subject's placeholders), decrypted for the export
 * @param basis      for items kept pseudonymised: the legal basis that requires keeping them
 * @param withheld   attributes an export leaves out: secrets that would be a risk in a downloaded
 *                   file and mean nothing to the person (a password hash, an MFA seed)
 */
public record PersonalItems(
        String table,
        String kind,
        Set<Category> categories,
        Finder finder,
        Erasure erasure,
        List<String> personal,
        Map<String, String> encrypted,
        String basis,
        Set<String> withheld) {

    public enum Erasure {
        DELETE,
        PSEUDONYMISE
    }

    /**
     * A query on the table or an index ({@code index} null for the table) by partition key and an
     * optional sort key prefix; or a scan ({@code partition} null) of items whose attribute equals a
     * value. {@code matching}, when not empty, keeps only items where one of these attributes equals
     * its value template (OR), as a filter.
     */
    public record Finder(String index, String partition, String sortPrefix, Map<String, String> matching) {

        public static Finder partition(String partition, String sortPrefix) {
            return new Finder(null, partition, sortPrefix, Map.of());
        }

        public static Finder index(String index, String partition, String sortPrefix) {
            return new Finder(index, partition, sortPrefix, Map.of());
        }

        /** Items of no findable key: a scan, which erasure (rare, and asynchronous to the person) can afford. */
        public static Finder scan(Map<String, String> matching) {
            return new Finder(null, null, null, Map.copyOf(matching));
        }

        public Finder where(Map<String, String> attributes) {
            return new Finder(index, partition, sortPrefix, Map.copyOf(attributes));
        }
    }

    public static PersonalItems deleted(String table, String kind, Set<Category> categories, Finder finder) {
        return new PersonalItems(table, kind, categories, finder, Erasure.DELETE, List.of(), Map.of(), null, Set.of());
    }

    public PersonalItems decrypting(Map<String, String> encryptedAttributes) {
        return new PersonalItems(
                table, kind, categories, finder, erasure, personal, Map.copyOf(encryptedAttributes), basis, withheld);
    }

    public PersonalItems withholding(Set<String> secrets) {
        return new PersonalItems(
                table, kind, categories, finder, erasure, personal, encrypted, basis, Set.copyOf(secrets));
    }

    /** Kept for a stated legal basis: the personal attributes are removed and the item is marked restricted. */
    public static PersonalItems pseudonymised(
            String table, String kind, Set<Category> categories, Finder finder, List<String> personal, String basis) {
        return new PersonalItems(
                table,
                kind,
                categories,
                finder,
                Erasure.PSEUDONYMISE,
                List.copyOf(personal),
                Map.of(),
                basis,
                Set.of());
    }
}
