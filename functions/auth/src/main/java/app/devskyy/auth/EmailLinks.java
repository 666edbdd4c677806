package app.devskyy.auth;

import app.devskyy.auth.AuthItems.User;
import app.devskyy.auth.AuthModels.UserView;
import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.core.mail.Mailer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Emailed single-use links: verifying the address, resetting the password. */
final class EmailLinks {

    private final AccountStore accountStore;
    private final Sessions sessions;
    private final Profiles profiles;
    private final Passwords passwords;
    private final PersonalDataCipher pii;
    private final RefreshTokens refreshTokens;
    private final AuditLog audit;
    private final Mailer mailer;
    private final FrontendLinks links;
    private final Clock clock;

    EmailLinks(
            AccountStore accountStore,
            Sessions sessions,
            Profiles profiles,
            Passwords passwords,
            PersonalDataCipher pii,
            RefreshTokens refreshTokens,
            AuditLog audit,
            Mailer mailer,
            FrontendLinks links,
            Clock clock) {
        this.accountStore = accountStore;
        this.sessions = sessions;
        this.profiles = profiles;
        this.passwords = passwords;
        this.pii = pii;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.mailer = mailer;
        this.links = links;
        this.clock = clock;
    }

    static final Duration VERIFY_LIFETIME = Duration.ofHours(24);
    static final Duration RESET_LIFETIME = Duration.ofHours(1);

    /** Mails a single-use link: {@code verify} (24 hours) or {@code reset} (1 hour). */
    void sendEmailToken(User user, String email, String purpose) {
        String token = refreshTokens.first();
        Duration lifetime = purpose.equals("verify") ? VERIFY_LIFETIME : RESET_LIFETIME;
        accountStore.saveEmailToken(AuthItems.EmailToken.of(
                RefreshTokens.hash(token), purpose, user.userId(), (clock.millis() + lifetime.toMillis()) / 1000));
        String template = purpose.equals("verify") ? "verify-email" : "reset-password";
        String link = purpose.equals("verify") ? links.verifyEmail(token) : links.resetPassword(token);
        mailer.send(
                email,
                purpose.equals("verify") ? "Confirm your email address" : "Reset your DevSkyy password",
                Mailer.template(template, link, false),
                Mailer.template(template, link, true));
    }

    /** The user of a valid, unused, unexpired token of this purpose; the token is used up. */
    private User consumeEmailToken(String token, String purpose) {
        long now = clock.millis();
        return Optional.ofNullable(token)
                .filter(RefreshTokens::wellFormed)
                .flatMap(t -> accountStore.consumeEmailToken(RefreshTokens.hash(t)))
                .filter(t -> t.purpose().equals(purpose) && t.expiresAt() * 1000 > now)
                .flatMap(t -> accountStore.user(t.userId()))
                .orElseThrow(() -> ApiProblem.of(
                        400,
                        "invalid-email-token",
                        "Bad Request",
                        "The link is invalid, expired or already used; ask for a new one."));
    }

    UserView verifyEmail(String token) {
        User user = consumeEmailToken(token, "verify").verified();
        accountStore.saveUser(user);
        return profiles.view(user);
    }

    void resendVerification(Principal principal) {
        User user = profiles.account(principal);
        if (user.emailVerified()) {
            throw ApiProblem.of(409, "already-verified", "Conflict", "The email address is already verified.");
        }
        sendEmailToken(user, pii.decrypt(user.emailCipher(), Profiles.emailContext(user.userId())), "verify");
    }

    /** Mails a reset link when the account exists; the caller answers 202 whatever happens here. */
    void forgotPassword(String email) {
        accountStore
                .userByEmailIndex(profiles.emailIndex(email))
                .filter(u -> !u.disabled())
                .ifPresent(user -> sendEmailToken(user, Profiles.normalizeEmail(email), "reset"));
    }

    /** Sets the new password, ends every session, lifts any lockout. */
    void resetPassword(AuthModels.ResetPasswordRequest request, Origin origin) {
        passwords.checkPolicy(request.newPassword(), "/newPassword");
        User user = consumeEmailToken(request.token(), "reset");
        accountStore.saveUser(user.withPasswordHash(passwords.hash(request.newPassword())));
        sessions.revokeSessions(new Principal(user.userId(), "", Map.of(), Optional.empty()), "global");
        accountStore.clearLockout(user.emailIndex());
        audit.account(user.userId(), "password_reset", "success", user.userId(), origin);
    }
}
