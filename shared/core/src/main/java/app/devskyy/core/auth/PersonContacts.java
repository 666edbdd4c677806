package app.devskyy.core.auth;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.crypto.PersonalDataCipher;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;

/**
 * How other families reach a person: the email address of their profile, which the auth family
 * keeps encrypted ({@link CredentialItems.Contact}), and the account an address belongs to.
 * Empty for an account that is gone.
 */
public final class PersonContacts {

    private final DynamoDbTable<CredentialItems.Contact> profiles;
    private final DynamoDbTable<CredentialItems.EmailOwner> owners;
    private final PersonalDataCipher pii;

    public PersonContacts(DynamoTables tables, String authTable, PersonalDataCipher pii) {
        this.profiles = tables.table(authTable, CredentialItems.Contact.SCHEMA);
        this.owners = tables.table(authTable, CredentialItems.EmailOwner.SCHEMA);
        this.pii = pii;
    }

    /** The person an email address belongs to, found by its blind index (the address is not stored). */
    public Optional<String> userByEmail(String email) {
        return Optional.ofNullable(owners.getItem(
                        r -> r.key(CredentialItems.emailClaim(pii.blindIndex(CredentialItems.normalizeEmail(email)))
                                        .key())
                                .consistentRead(true)))
                .map(CredentialItems.EmailOwner::userId);
    }

    public Optional<String> email(String userId) {
        return Optional.ofNullable(
                        profiles.getItem(CredentialItems.profile(userId).key()))
                .map(CredentialItems.Contact::emailCipher)
                .filter(cipher -> cipher != null && !cipher.isEmpty())
                .map(cipher -> pii.decrypt(cipher, CredentialItems.emailContext(userId)));
    }
}
