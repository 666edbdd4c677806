package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Challenge;
import app.devskyy.auth.AuthItems.MfaFactor;
import app.devskyy.auth.AuthItems.RecoveryCode;
import app.devskyy.core.auth.CredentialItems;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.aws.ItemKey;
import app.devskyy.core.aws.ItemUpdate;
import app.devskyy.core.aws.Values;
import app.devskyy.core.aws.Writes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Second factors: TOTP factors, recovery codes, and the challenges of logins that await one. */
final class FactorStore {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbTable<MfaFactor> factors;
    private final DynamoDbTable<RecoveryCode> recoveryCodes;
    private final DynamoDbTable<Challenge> challenges;

    FactorStore(DynamoDbClient dynamoDb, DynamoTables tables, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.factors = tables.table(table, MfaFactor.SCHEMA);
        this.recoveryCodes = tables.table(table, RecoveryCode.SCHEMA);
        this.challenges = tables.table(table, Challenge.SCHEMA);
    }

    private static QueryConditional ofUser(String userId, String prefix) {
        return QueryConditional.sortBeginsWith(Key.builder()
                .partitionValue(CredentialItems.user(userId))
                .sortValue(prefix)
                .build());
    }

    List<MfaFactor> factorsOf(String userId) {
        return factors
                .query(r -> r.consistentRead(true).queryConditional(ofUser(userId, AuthItems.FACTORS)))
                .items()
                .stream()
                .toList();
    }

    void saveFactor(MfaFactor factor) {
        factors.putItem(factor);
    }

    void deleteFactor(MfaFactor factor) {
        factors.deleteItem(ItemKey.of(factor.pk(), factor.sk()).key());
    }

    /**
     * Accepts a code's time step once: succeeds only when the step is later than every step
     * accepted before, so a replayed code (or an older one) fails even under concurrency.
     */
    boolean acceptStep(MfaFactor factor, long step, boolean markVerified) {
        ItemUpdate update =
                ItemUpdate.of(table, ItemKey.of(factor.pk(), factor.sk())).set("lastStep", step);
        if (markVerified) {
            update.set("verified", Values.bool(true));
        }
        return update.condition(
                        "attribute_exists(#pk) AND (attribute_not_exists(#lastStep) OR #lastStep < :step)",
                        Map.of(":step", Values.number(step)))
                .applyIf(dynamoDb);
    }

    /** Replaces a user's recovery codes with new ones (given as hashes). */
    void replaceRecoveryCodes(String userId, List<String> hashes) {
        recoveryCodes
                .query(r -> r.queryConditional(ofUser(userId, AuthItems.RECOVERY_CODES)))
                .items()
                .forEach(recoveryCodes::deleteItem);
        for (String hash : hashes) {
            recoveryCodes.putItem(RecoveryCode.of(userId, hash));
        }
    }

    /** Uses up a recovery code: true once per code, even under concurrency. */
    boolean useRecoveryCode(String userId, String hash) {
        return Writes.ifHolds(() -> recoveryCodes.deleteItem(r ->
                        r.key(AuthItems.recoveryCode(userId, hash).key()).conditionExpression(Writes.EXISTING_ITEM)))
                .isPresent();
    }

    void saveChallenge(Challenge challenge) {
        challenges.putItem(challenge);
    }

    Optional<Challenge> challenge(String challengeId) {
        return Optional.ofNullable(challenges.getItem(
                r -> r.key(AuthItems.challenge(challengeId).key()).consistentRead(true)));
    }

    /** Ends a challenge; true only for the one request that ends it. */
    boolean consumeChallenge(Challenge challenge) {
        return Writes.ifHolds(() -> challenges.deleteItem(
                        r -> r.key(ItemKey.of(challenge.pk(), challenge.sk()).key())
                                .conditionExpression(Writes.EXISTING_ITEM)))
                .isPresent();
    }
}
