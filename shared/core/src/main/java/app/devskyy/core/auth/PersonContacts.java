package app.devskyy.core.auth;

import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.crypto.PersonalDataCipher;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;

/**
 * How other families reach a person: the email address of their profile, which the auth family
 * keeps encrypted ({@link CredentialItems.Contact}). Empty for an account that is gone.
 */
public final class PersonContacts {

    private final DynamoDbTable<CredentialItems.Contact> profiles;
    private final PersonalDataCipher pii;

    public PersonContacts(DynamoTables tables, String authTable, PersonalDataCipher pii) {
        this.profiles = tables.table(authTable, CredentialItems.Contact.SCHEMA);
        this.pii = pii;
    }

    public Optional<String> email(String userId) {
        return Optional.ofNullable(
                        profiles.getItem(CredentialItems.profile(userId).key()))
                .map(CredentialItems.Contact::emailCipher)
                .filter(cipher -> cipher != null && !cipher.isEmpty())
                .map(cipher -> pii.decrypt(cipher, CredentialItems.emailContext(userId)));
    }
}
