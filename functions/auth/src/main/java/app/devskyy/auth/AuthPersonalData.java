package app.devskyy.auth;

import static app.devskyy.core.privacy.Category.ACTIVITY;
import static app.devskyy.core.privacy.Category.CONTACT;
import static app.devskyy.core.privacy.Category.CREDENTIALS;
import static app.devskyy.core.privacy.Category.IDENTITY;
import static app.devskyy.core.privacy.Category.NETWORK;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.privacy.PersonalItems;
import app.devskyy.core.privacy.PersonalItems.Finder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which items of the auth table hold personal data, how each is found by person, and how it is erased. */
public final class AuthPersonalData {

    static final String TABLE = "AuthTable";
    private static final String USER = "{userId}";
    private static final String EMAIL_INDEX = "{emailIndex}";
    private static final String OWN_WORKSPACE = "{ownWorkspaceId}";

    public static final List<PersonalItems> ITEMS = List.of(
            PersonalItems.deleted(
                            TABLE,
                            "user",
                            Set.of(CONTACT, IDENTITY, CREDENTIALS),
                            Finder.partition(
                                    AuthItems.user(USER).pk(),
                                    AuthItems.user(USER).sk()))
                    .decrypting(Map.of("emailCipher", "user:{userId}:email", "nameCipher", "user:{userId}:displayName"))
                    .withholding(Set.of("passwordHash")),
            PersonalItems.deleted(
                            TABLE,
                            "second factor",
                            Set.of(CREDENTIALS),
                            Finder.partition(CredentialItems.user(USER), AuthItems.FACTORS))
                    .decrypting(Map.of("secretCipher", "mfa:{factorId}:secret"))
                    .withholding(Set.of("secretCipher")),
            PersonalItems.deleted(
                    TABLE,
                    "recovery code",
                    Set.of(CREDENTIALS),
                    Finder.partition(CredentialItems.user(USER), AuthItems.RECOVERY_CODES)),
            PersonalItems.deleted(
                    TABLE,
                    "email claim",
                    Set.of(CONTACT),
                    Finder.partition(AuthItems.email(EMAIL_INDEX).pk(), null)),
            PersonalItems.deleted(
                    TABLE,
                    "login lockout",
                    Set.of(CONTACT, ACTIVITY),
                    Finder.partition(AuthItems.lockout(EMAIL_INDEX).pk(), null)),
            PersonalItems.deleted(
                            TABLE,
                            "session",
                            Set.of(NETWORK, ACTIVITY),
                            Finder.index(AuthItems.GSI1, CredentialItems.user(USER), CredentialItems.SESSIONS))
                    .decrypting(
                            Map.of("ipCipher", "session:{sessionId}:ip", "agentCipher", "session:{sessionId}:agent")),
            PersonalItems.deleted(
                    TABLE,
                    "membership",
                    Set.of(ACTIVITY),
                    Finder.index(AuthItems.GSI1, CredentialItems.user(USER), AuthItems.MEMBERSHIPS)),
            // Refresh tokens, email tokens and MFA challenges are keyed by hashes and ids, not by person.
            PersonalItems.deleted(
                    TABLE, "token or challenge", Set.of(CREDENTIALS), Finder.scan(Map.of("userId", "{userId}"))),
            PersonalItems.deleted(
                    TABLE,
                    "own workspace",
                    Set.of(ACTIVITY),
                    Finder.partition(CredentialItems.workspace(OWN_WORKSPACE), null)),
            // A key is its maker's credential: erasing them revokes it (a shared workspace's admins make another).
            PersonalItems.deleted(
                    TABLE,
                    "API key made",
                    Set.of(CREDENTIALS, ACTIVITY),
                    Finder.index(AuthItems.GSI1, CredentialItems.workspace("{workspaceId}"), CredentialItems.API_KEYS)
                            .where(Map.of("createdBy", USER))),
            PersonalItems.pseudonymised(
                    TABLE,
                    "created by",
                    Set.of(ACTIVITY),
                    Finder.scan(Map.of("createdBy", "{userId}")),
                    List.of("createdBy"),
                    "a shared workspace and its API keys outlive the person who created them"));

    private AuthPersonalData() {}
}
