package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Lockout;
import app.devskyy.auth.AuthItems.User;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.http.FieldError;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The second factor: a TOTP authenticator (RFC 6238), its ten recovery codes, and the challenge
 * that completes a login when the account has one. Enrolling or removing the factor ends the
 * user's other sessions.
 */
final class SecondFactors {

    static final int RECOVERY_CODES = 10;

    private final AccountStore accountStore;
    private final FactorStore factorStore;
    private final SessionStore sessionStore;
    private final PersonalDataCipher pii;
    private final AuditLog audit;
    private final Clock clock;

    SecondFactors(
            AccountStore accountStore,
            FactorStore factorStore,
            SessionStore sessionStore,
            PersonalDataCipher pii,
            AuditLog audit,
            Clock clock) {
        this.accountStore = accountStore;
        this.factorStore = factorStore;
        this.sessionStore = sessionStore;
        this.pii = pii;
        this.audit = audit;
        this.clock = clock;
    }

    AuthModels.Enrollment enrollTotp(Principal principal, Origin origin) {
        User user = accountStore.user(principal.userId()).orElseThrow(() -> ApiProblem.notFound("No such user."));
        for (AuthItems.MfaFactor factor : factorStore.factorsOf(user.userId())) {
            if (factor.verified()) {
                throw ApiProblem.of(
                        409,
                        "mfa-already-enrolled",
                        "Conflict",
                        "A TOTP factor is already active; remove it before enrolling another.");
            }
            factorStore.deleteFactor(factor);
        }
        byte[] secret = Totp.newSecret();
        String factorId = "mfa_" + UUID.randomUUID().toString().replace("-", "");
        factorStore.saveFactor(AuthItems.MfaFactor.of(
                user.userId(),
                factorId,
                pii.encryptFor(user.userId(), Base64.getEncoder().encodeToString(secret), factorContext(factorId)),
                clock.millis()));
        String uri = Totp.uri("DevSkyy", pii.decrypt(user.emailCipher(), Profiles.emailContext(user.userId())), secret);
        audit.account(user.userId(), "mfa_enrolment_started", "success", user.userId(), origin);
        return new AuthModels.Enrollment(
                factorId, Totp.base32(secret), uri, Base64.getEncoder().encodeToString(QrPng.of(uri)));
    }

    /** Activates a factor with its first code; answers the recovery codes, once; ends the other sessions. */
    AuthModels.RecoveryCodes verifyTotp(Principal principal, String factorId, String code, Origin origin) {
        AuthItems.MfaFactor factor = factor(principal, factorId);
        if (factor.verified()) {
            throw ApiProblem.of(409, "mfa-already-verified", "Conflict", "This factor is already active.");
        }
        if (!acceptCode(factor, code, true)) {
            throw wrongFactorCode();
        }
        AuthModels.RecoveryCodes codes = newRecoveryCodes(principal.userId());
        sessionStore.revokeSessionsOf(principal.userId(), principal.sessionId(), clock.millis());
        audit.account(principal.userId(), "mfa_enrolled", "success", principal.userId(), origin);
        return codes;
    }

    /** Removes the factor; needs a fresh code from it; ends the other sessions. */
    void deleteTotp(Principal principal, String factorId, String code, Origin origin) {
        AuthItems.MfaFactor factor = factor(principal, factorId);
        if (!acceptCode(factor, code, false)) {
            throw wrongFactorCode();
        }
        factorStore.deleteFactor(factor);
        factorStore.replaceRecoveryCodes(principal.userId(), List.of());
        sessionStore.revokeSessionsOf(principal.userId(), principal.sessionId(), clock.millis());
        audit.account(principal.userId(), "mfa_removed", "success", principal.userId(), origin);
    }

    AuthModels.RecoveryCodes regenerateRecoveryCodes(Principal principal, Origin origin) {
        Authenticator.requireSecondFactor(principal);
        if (factorStore.factorsOf(principal.userId()).stream().noneMatch(AuthItems.MfaFactor::verified)) {
            throw ApiProblem.notFound("No active second factor.");
        }
        audit.account(principal.userId(), "recovery_codes_regenerated", "success", principal.userId(), origin);
        return newRecoveryCodes(principal.userId());
    }

    /** The user a pending challenge belongs to, for rate limiting before any other work. */
    Optional<String> challengeUser(String challengeId) {
        return challengeId == null || !challengeId.matches("chl_[0-9a-f]{32}")
                ? Optional.empty()
                : factorStore.challenge(challengeId).map(AuthItems.Challenge::userId);
    }

    /**
     * Completes a login with a TOTP code or a recovery code: the user, for the session to open.
     * Failures count in the email's lockout.
     */
    User completeChallenge(AuthModels.ChallengeRequest request, Origin origin) {
        long now = clock.millis();
        AuthItems.Challenge challenge = (request.challengeId().matches("chl_[0-9a-f]{32}")
                        ? factorStore.challenge(request.challengeId())
                        : Optional.<AuthItems.Challenge>empty())
                .filter(c -> c.expiresAt() * 1000 > now)
                .orElseThrow(() -> ApiProblem.of(
                        401,
                        "invalid-challenge",
                        "Unauthorized",
                        "The challenge is unknown, used or expired; sign in again."));
        Optional<Lockout> lockout = Lockouts.refuseIfLocked(accountStore, challenge.emailIndex(), now);
        User user = accountStore.user(challenge.userId()).orElseThrow(SecondFactors::invalidCode);
        if (user.disabled()) {
            throw ApiProblem.of(403, "account-disabled", "Forbidden", "This account is disabled.");
        }
        boolean valid = request.code() != null
                ? factorStore.factorsOf(user.userId()).stream()
                        .filter(AuthItems.MfaFactor::verified)
                        .findFirst()
                        .map(f -> acceptCode(f, request.code(), false))
                        .orElse(false)
                : factorStore.useRecoveryCode(user.userId(), recoveryHash(request.recoveryCode()));
        if (!valid) {
            Lockouts.recordFailure(accountStore, challenge.emailIndex(), now);
            audit.account(user.userId(), "login", "second_factor_failure", user.userId(), origin);
            throw invalidCode();
        }
        if (!factorStore.consumeChallenge(challenge)) {
            throw ApiProblem.of(
                    401, "invalid-challenge", "Unauthorized", "The challenge was already used; sign in again.");
        }
        lockout.ifPresent(l -> accountStore.clearLockout(challenge.emailIndex()));
        audit.account(
                user.userId(),
                "login",
                request.code() != null ? "success_totp" : "success_recovery_code",
                user.userId(),
                origin);
        return user;
    }

    private AuthItems.MfaFactor factor(Principal principal, String factorId) {
        return factorStore.factorsOf(principal.userId()).stream()
                .filter(f -> f.factorId().equals(factorId))
                .findFirst()
                .orElseThrow(() -> ApiProblem.notFound("No such factor."));
    }

    /** A code of the factor, for a time step later than any accepted before (no replay). */
    private boolean acceptCode(AuthItems.MfaFactor factor, String code, boolean activate) {
        byte[] secret =
                Base64.getDecoder().decode(pii.decrypt(factor.secretCipher(), factorContext(factor.factorId())));
        OptionalLong step = Totp.match(secret, code, clock.instant().getEpochSecond());
        return step.isPresent() && factorStore.acceptStep(factor, step.getAsLong(), activate);
    }

    private AuthModels.RecoveryCodes newRecoveryCodes(String userId) {
        List<String> codes = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            byte[] bytes = new byte[10];
            random.nextBytes(bytes);
            String code = Totp.base32(bytes);
            codes.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8, 12) + "-"
                    + code.substring(12, 16));
        }
        factorStore.replaceRecoveryCodes(
                userId, codes.stream().map(SecondFactors::recoveryHash).toList());
        return new AuthModels.RecoveryCodes(codes);
    }

    /** Codes are compared without dashes, spaces or case, the way people type them back. */
    private static String recoveryHash(String code) {
        return RefreshTokens.hash(code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT));
    }

    /** Managing a factor with a wrong (or replayed) code: the body is wrong, the session is fine. */
    private static ApiProblem wrongFactorCode() {
        return ApiProblem.validation(List.of(
                new FieldError("/code", "invalid-code", "is not a current code of this factor, or was used already")));
    }

    private static ApiProblem invalidCode() {
        return ApiProblem.of(401, "invalid-code", "Unauthorized", "The code is not valid.");
    }

    private static String factorContext(String factorId) {
        return "mfa:" + factorId + ":secret";
    }
}
