package app.devskyy.auth;

import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.RecordSchema;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;

/**
 * The items of the auth table (one table for the bounded context: {@code pk}, {@code sk}, and
 * the {@code gsi1} index on {@code gsi1pk}/{@code gsi1sk}); docs/data-model.md lists their access
 * patterns. Personal fields ({@code *Cipher}) are encrypted with their record as context.
 */
final class AuthItems {

    static final String GSI1 = CredentialItems.GSI1;

    /** The index partition of every user, for administrators' listing. */
    static final String USERS = CredentialItems.USERS;

    static final String FACTORS = CredentialItems.FACTORS;
    static final String RECOVERY_CODES = "RECOVERY#";
    static final String MEMBERS = CredentialItems.MEMBERS;
    static final String MEMBERSHIPS = CredentialItems.MEMBERSHIPS;

    static ItemKey user(String userId) {
        return CredentialItems.profile(userId);
    }

    static ItemKey email(String emailIndex) {
        return CredentialItems.emailClaim(emailIndex);
    }

    static ItemKey lockout(String emailIndex) {
        return ItemKey.of("LOCKOUT#" + emailIndex, "LOCKOUT");
    }

    /** The one item saying the platform's first super admin was named: the bootstrap happens once. */
    static final ItemKey PLATFORM_BOOTSTRAP = ItemKey.of("PLATFORM", "BOOTSTRAP");

    static ItemKey emailToken(String tokenHash) {
        return ItemKey.of("EMAILTOKEN#" + tokenHash, "EMAILTOKEN");
    }

    static ItemKey refresh(String tokenHash) {
        return ItemKey.of("REFRESH#" + tokenHash, "REFRESH");
    }

    static ItemKey factor(String userId, String factorId) {
        return ItemKey.of(CredentialItems.user(userId), FACTORS + factorId);
    }

    static ItemKey recoveryCode(String userId, String codeHash) {
        return ItemKey.of(CredentialItems.user(userId), RECOVERY_CODES + codeHash);
    }

    static ItemKey challenge(String challengeId) {
        return ItemKey.of("CHALLENGE#" + challengeId, "CHALLENGE");
    }

    static ItemKey workspace(String workspaceId) {
        return ItemKey.of(CredentialItems.workspace(workspaceId), CredentialItems.WORKSPACE_META);
    }

    static ItemKey member(String workspaceId, String userId) {
        return ItemKey.of(CredentialItems.workspace(workspaceId), MEMBERS + userId);
    }

    private AuthItems() {}

    /** {@code USER#<id>/PROFILE}; listed for administrators under {@code gsi1pk = USERS}. */
    record User(
            String pk,
            String sk,
            String userId,
            String emailCipher,
            String emailIndex,
            String nameCipher,
            String passwordHash,
            boolean disabled,
            String platformRole,
            long createdAt,
            boolean emailVerified,
            String gsi1pk,
            String gsi1sk) {

        static User of(
                String userId,
                String emailCipher,
                String emailIndex,
                String nameCipher,
                String passwordHash,
                long createdAt) {
            return new User(
                    user(userId).pk(),
                    user(userId).sk(),
                    userId,
                    emailCipher,
                    emailIndex,
                    nameCipher,
                    passwordHash,
                    false,
                    null,
                    createdAt,
                    false,
                    USERS,
                    createdAt + "#" + userId);
        }

        User withPasswordHash(String hash) {
            return new User(
                    pk,
                    sk,
                    userId,
                    emailCipher,
                    emailIndex,
                    nameCipher,
                    hash,
                    disabled,
                    platformRole,
                    createdAt,
                    emailVerified,
                    gsi1pk,
                    gsi1sk);
        }

        User withNameCipher(String cipher) {
            return new User(
                    pk,
                    sk,
                    userId,
                    emailCipher,
                    emailIndex,
                    cipher,
                    passwordHash,
                    disabled,
                    platformRole,
                    createdAt,
                    emailVerified,
                    gsi1pk,
                    gsi1sk);
        }

        User withAdministration(boolean disabled, String platformRole) {
            return new User(
                    pk,
                    sk,
                    userId,
                    emailCipher,
                    emailIndex,
                    nameCipher,
                    passwordHash,
                    disabled,
                    platformRole,
                    createdAt,
                    emailVerified,
                    gsi1pk,
                    gsi1sk);
        }

        User verified() {
            return new User(
                    pk,
                    sk,
                    userId,
                    emailCipher,
                    emailIndex,
                    nameCipher,
                    passwordHash,
                    disabled,
                    platformRole,
                    createdAt,
                    true,
                    gsi1pk,
                    gsi1sk);
        }

        static final TableSchema<User> SCHEMA = RecordSchema.of(
                        User.class,
                        f -> new User(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("userId"),
                                f.string("emailCipher"),
                                f.string("emailIndex"),
                                f.string("nameCipher"),
                                f.string("passwordHash"),
                                f.bool("disabled"),
                                f.string("platformRole"),
                                f.number("createdAt", 0),
                                f.bool("emailVerified"),
                                f.string("gsi1pk"),
                                f.string("gsi1sk")))
                .partitionKey("pk", User::pk)
                .sortKey("sk", User::sk)
                .string("userId", User::userId)
                .string("emailCipher", User::emailCipher)
                .string("emailIndex", User::emailIndex)
                .string("nameCipher", User::nameCipher)
                .string("passwordHash", User::passwordHash)
                .bool("disabled", User::disabled)
                .string("platformRole", User::platformRole)
                .number("createdAt", User::createdAt)
                .bool("emailVerified", User::emailVerified)
                .string("gsi1pk", User::gsi1pk, StaticAttributeTags.secondaryPartitionKey(GSI1))
                .string("gsi1sk", User::gsi1sk, StaticAttributeTags.secondarySortKey(GSI1))
                .build();
    }

    /**
     * {@code EMAILTOKEN#<SHA-256 of the token>/EMAILTOKEN}: a single-use token sent by email, to
     * verify the address or to reset the password.
     */
    record EmailToken(String pk, String sk, String purpose, String userId, long expiresAt) {

        static EmailToken of(String tokenHash, String purpose, String userId, long expiresAt) {
            return new EmailToken(
                    emailToken(tokenHash).pk(), emailToken(tokenHash).sk(), purpose, userId, expiresAt);
        }

        static final TableSchema<EmailToken> SCHEMA = RecordSchema.of(
                        EmailToken.class,
                        f -> new EmailToken(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("purpose"),
                                f.string("userId"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", EmailToken::pk)
                .sortKey("sk", EmailToken::sk)
                .string("purpose", EmailToken::purpose)
                .string("userId", EmailToken::userId)
                .number("expiresAt", EmailToken::expiresAt)
                .build();
    }

    /** {@code EMAIL#<blind index>/EMAIL}: makes emails unique, case-insensitively, without storing them. */
    record Email(String pk, String sk, String userId) {

        static Email of(String emailIndex, String userId) {
            return new Email(email(emailIndex).pk(), email(emailIndex).sk(), userId);
        }

        static final TableSchema<Email> SCHEMA = RecordSchema.of(
                        Email.class, f -> new Email(f.string("pk"), f.string("sk"), f.string("userId")))
                .partitionKey("pk", Email::pk)
                .sortKey("sk", Email::sk)
                .string("userId", Email::userId)
                .build();
    }

    /** {@code PLATFORM/BOOTSTRAP}: when the first super admin was named; holds nobody's data. */
    record Bootstrap(String pk, String sk, long at) {

        static Bootstrap at(long at) {
            return new Bootstrap(PLATFORM_BOOTSTRAP.pk(), PLATFORM_BOOTSTRAP.sk(), at);
        }

        static final TableSchema<Bootstrap> SCHEMA = RecordSchema.of(
                        Bootstrap.class, f -> new Bootstrap(f.string("pk"), f.string("sk"), f.number("at", 0)))
                .partitionKey("pk", Bootstrap::pk)
                .sortKey("sk", Bootstrap::sk)
                .number("at", Bootstrap::at)
                .build();
    }

    /**
     * {@code LOCKOUT#<blind index>/LOCKOUT}: consecutive login failures for an email, whether or
     * not an account has it, so that a lockout reveals nothing about existence.
     */
    record Lockout(String pk, String sk, long failures, long lockedUntil, long expiresAt) {

        static final TableSchema<Lockout> SCHEMA = RecordSchema.of(
                        Lockout.class,
                        f -> new Lockout(
                                f.string("pk"),
                                f.string("sk"),
                                f.number("failures", 0),
                                f.number("lockedUntil", 0),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Lockout::pk)
                .sortKey("sk", Lockout::sk)
                .number("failures", Lockout::failures)
                .number("lockedUntil", Lockout::lockedUntil)
                .number("expiresAt", Lockout::expiresAt)
                .build();
    }

    /**
     * {@code USER#<id>/MFA#<factorId>}: a TOTP factor. The secret is encrypted; {@code lastStep}
     * is the last time step a code was accepted for, so that no code is accepted twice.
     */
    record MfaFactor(
            String pk,
            String sk,
            String factorId,
            String userId,
            String secretCipher,
            boolean verified,
            Long lastStep,
            long createdAt) {

        static MfaFactor of(String userId, String factorId, String secretCipher, long createdAt) {
            return new MfaFactor(
                    factor(userId, factorId).pk(),
                    factor(userId, factorId).sk(),
                    factorId,
                    userId,
                    secretCipher,
                    false,
                    null,
                    createdAt);
        }

        static final TableSchema<MfaFactor> SCHEMA = RecordSchema.of(
                        MfaFactor.class,
                        f -> new MfaFactor(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("factorId"),
                                f.string("userId"),
                                f.string("secretCipher"),
                                f.bool("verified"),
                                f.number("lastStep"),
                                f.number("createdAt", 0)))
                .partitionKey("pk", MfaFactor::pk)
                .sortKey("sk", MfaFactor::sk)
                .string("factorId", MfaFactor::factorId)
                .string("userId", MfaFactor::userId)
                .string("secretCipher", MfaFactor::secretCipher)
                .bool("verified", MfaFactor::verified)
                .number("lastStep", MfaFactor::lastStep)
                .number("createdAt", MfaFactor::createdAt)
                .build();
    }

    /** {@code USER#<id>/RECOVERY#<SHA-256 of the code>}: one unused recovery code. */
    record RecoveryCode(String pk, String sk) {

        static RecoveryCode of(String userId, String codeHash) {
            ItemKey key = recoveryCode(userId, codeHash);
            return new RecoveryCode(key.pk(), key.sk());
        }

        static final TableSchema<RecoveryCode> SCHEMA = RecordSchema.of(
                        RecoveryCode.class, f -> new RecoveryCode(f.string("pk"), f.string("sk")))
                .partitionKey("pk", RecoveryCode::pk)
                .sortKey("sk", RecoveryCode::sk)
                .build();
    }

    /**
     * {@code CHALLENGE#<id>/CHALLENGE}: a login that passed the password and awaits its second
     * factor; single use, valid for five minutes.
     */
    record Challenge(String pk, String sk, String userId, String emailIndex, long expiresAt) {

        static Challenge of(String challengeId, String userId, String emailIndex, long expiresAt) {
            return new Challenge(
                    challenge(challengeId).pk(), challenge(challengeId).sk(), userId, emailIndex, expiresAt);
        }

        static final TableSchema<Challenge> SCHEMA = RecordSchema.of(
                        Challenge.class,
                        f -> new Challenge(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("userId"),
                                f.string("emailIndex"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Challenge::pk)
                .sortKey("sk", Challenge::sk)
                .string("userId", Challenge::userId)
                .string("emailIndex", Challenge::emailIndex)
                .number("expiresAt", Challenge::expiresAt)
                .build();
    }

    /**
     * {@code REFRESH#<SHA-256 of the token>/REFRESH}: one issued refresh token. Current while
     * {@code rotatedAt} is absent; rotated tokens stay until their session's expiry so that reuse
     * can be recognised.
     */
    record Refresh(String pk, String sk, String sessionId, String userId, Long rotatedAt, long expiresAt) {

        /** A current (not yet rotated) refresh token of a session. */
        static Refresh of(String tokenHash, String sessionId, String userId, long expiresAt) {
            return new Refresh(refresh(tokenHash).pk(), refresh(tokenHash).sk(), sessionId, userId, null, expiresAt);
        }

        Refresh rotated(long atMillis) {
            return new Refresh(pk, sk, sessionId, userId, atMillis, expiresAt);
        }

        static final TableSchema<Refresh> SCHEMA = RecordSchema.of(
                        Refresh.class,
                        f -> new Refresh(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("sessionId"),
                                f.string("userId"),
                                f.number("rotatedAt"),
                                f.number("expiresAt", 0)))
                .partitionKey("pk", Refresh::pk)
                .sortKey("sk", Refresh::sk)
                .string("sessionId", Refresh::sessionId)
                .string("userId", Refresh::userId)
                .number("rotatedAt", Refresh::rotatedAt)
                .number("expiresAt", Refresh::expiresAt)
                .build();
    }

    /**
     * {@code WS#<id>/META}. {@code admins} counts the members with the admin role, kept in the
     * same transactions that change roles, so that the last admin can never be removed or demoted.
     */
    record Workspace(
            String pk,
            String sk,
            String workspaceId,
            String name,
            boolean personal,
            String createdBy,
            long createdAt,
            long admins) {

        static Workspace of(String workspaceId, String name, boolean personal, String createdBy, long createdAt) {
            return new Workspace(
                    workspace(workspaceId).pk(),
                    workspace(workspaceId).sk(),
                    workspaceId,
                    name,
                    personal,
                    createdBy,
                    createdAt,
                    1);
        }

        static final TableSchema<Workspace> SCHEMA = RecordSchema.of(
                        Workspace.class,
                        f -> new Workspace(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("workspaceId"),
                                f.string("name"),
                                f.bool("personal"),
                                f.string("createdBy"),
                                f.number("createdAt", 0),
                                f.number("admins", 0)))
                .partitionKey("pk", Workspace::pk)
                .sortKey("sk", Workspace::sk)
                .string("workspaceId", Workspace::workspaceId)
                .string("name", Workspace::name)
                .bool("personal", Workspace::personal)
                .string("createdBy", Workspace::createdBy)
                .number("createdAt", Workspace::createdAt)
                .number("admins", Workspace::admins)
                .build();
    }

    /** {@code WS#<id>/MEMBER#<user>}; a user's workspaces under {@code gsi1pk = USER#<id>}. */
    record Member(
            String pk,
            String sk,
            String workspaceId,
            String userId,
            String role,
            long joinedAt,
            String gsi1pk,
            String gsi1sk) {

        static Member of(String workspaceId, String userId, String role, long joinedAt) {
            return new Member(
                    member(workspaceId, userId).pk(),
                    member(workspaceId, userId).sk(),
                    workspaceId,
                    userId,
                    role,
                    joinedAt,
                    CredentialItems.user(userId),
                    MEMBERSHIPS + workspaceId);
        }

        static final TableSchema<Member> SCHEMA = RecordSchema.of(
                        Member.class,
                        f -> new Member(
                                f.string("pk"),
                                f.string("sk"),
                                f.string("workspaceId"),
                                f.string("userId"),
                                f.string("role"),
                                f.number("joinedAt", 0),
                                f.string("gsi1pk"),
                                f.string("gsi1sk")))
                .partitionKey("pk", Member::pk)
                .sortKey("sk", Member::sk)
                .string("workspaceId", Member::workspaceId)
                .string("userId", Member::userId)
                .string("role", Member::role)
                .number("joinedAt", Member::joinedAt)
                .string("gsi1pk", Member::gsi1pk, StaticAttributeTags.secondaryPartitionKey(GSI1))
                .string("gsi1sk", Member::gsi1sk, StaticAttributeTags.secondarySortKey(GSI1))
                .build();
    }
}
