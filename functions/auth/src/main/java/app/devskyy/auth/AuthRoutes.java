package app.devskyy.auth;

import app.devskyy.core.Json;
import app.devskyy.core.audit.AuditLog.Origin;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.Principal;
import app.devskyy.core.http.BodySchema;
import app.devskyy.core.http.HttpRequest;
import app.devskyy.core.http.HttpResponse;
import app.devskyy.core.http.Paging;
import app.devskyy.core.http.Router;
import app.devskyy.core.ratelimit.Limit;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.ratelimit.RateLimits.FailurePolicy;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The auth family's routes under {@code /api/v1/auth}, and the JWKS.
 *
 * <p>Rate limits and their failure policies: login 10/min per IP and per account, fail open (the
 * lockout, kept in the auth table, still holds when the limiter's store is down); signup 5/min per
 * IP, fail closed (nothing else slows down mass account creation); refresh 30/min per session,
 * fail open (a refresh needs a valid token anyway).
 */
final class AuthRoutes {

    static final String BASE = "/api/v1/auth";

    static final Limit LOGIN_PER_IP = Limit.perMinute("login-ip", 10);
    static final Limit LOGIN_PER_ACCOUNT = Limit.perMinute("login-account", 10);
    static final Limit SIGNUP_PER_IP = Limit.perMinute("signup-ip", 5);
    static final Limit REFRESH_PER_SESSION = Limit.perMinute("refresh-session", 30);
    static final Limit MFA_PER_USER = Limit.perMinute("mfa-user", 15);
    static final Limit RESEND_PER_MINUTE = new Limit("verify-resend-min", 1, Duration.ofMinutes(1));
    static final Limit RESEND_PER_HOUR = new Limit("verify-resend-hour", 5, Duration.ofHours(1));
    static final Limit FORGOT_PER_IP = Limit.perMinute("forgot-ip", 5);
    static final Limit FORGOT_PER_EMAIL = new Limit("forgot-email", 3, Duration.ofHours(1));

    private static final BodySchema SIGNUP = BodySchema.load(AuthRoutes.class, "signup");
    private static final BodySchema LOGIN = BodySchema.load(AuthRoutes.class, "login");
    private static final BodySchema REFRESH = BodySchema.load(AuthRoutes.class, "refresh");
    private static final BodySchema LOGOUT = BodySchema.load(AuthRoutes.class, "logout");
    private static final BodySchema UPDATE_ME = BodySchema.load(AuthRoutes.class, "update-me");
    private static final BodySchema CHANGE_PASSWORD = BodySchema.load(AuthRoutes.class, "change-password");
    private static final BodySchema WORKSPACE = BodySchema.load(AuthRoutes.class, "workspace");
    private static final BodySchema ADD_MEMBER = BodySchema.load(AuthRoutes.class, "add-member");
    private static final BodySchema MEMBER_ROLE = BodySchema.load(AuthRoutes.class, "member-role");
    private static final BodySchema ADMINISTER = BodySchema.load(AuthRoutes.class, "administer-user");
    private static final BodySchema CREATE_API_KEY = BodySchema.load(AuthRoutes.class, "create-api-key");
    private static final BodySchema EMAIL_TOKEN = BodySchema.load(AuthRoutes.class, "email-token");
    private static final BodySchema FORGOT_PASSWORD = BodySchema.load(AuthRoutes.class, "forgot-password");
    private static final BodySchema RESET_PASSWORD = BodySchema.load(AuthRoutes.class, "reset-password");
    private static final BodySchema MFA_CODE = BodySchema.load(AuthRoutes.class, "mfa-code");
    private static final BodySchema MFA_CHALLENGE = BodySchema.load(AuthRoutes.class, "mfa-challenge");

    private final Accounts accounts;
    private final Sessions sessions;
    private final EmailLinks emailLinks;
    private final Workspaces workspaces;
    private final SecondFactors secondFactors;
    private final Authenticator authenticator;
    private final RateLimits limits;
    private final RefreshCookies cookies;
    private final Supplier<JWKSet> keys;
    private final String metadata;

    AuthRoutes(
            Accounts accounts,
            Sessions sessions,
            EmailLinks emailLinks,
            Workspaces workspaces,
            SecondFactors secondFactors,
            Authenticator authenticator,
            RateLimits limits,
            RefreshCookies cookies,
            Supplier<JWKSet> keys,
            String issuer) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.emailLinks = emailLinks;
        this.workspaces = workspaces;
        this.secondFactors = secondFactors;
        this.authenticator = authenticator;
        this.limits = limits;
        this.cookies = cookies;
        this.keys = keys;
        this.metadata = Json.write(AuthModels.ServerMetadata.of(issuer));
    }

    Router router() {
        return Router.builder()
                .post(BASE + "/signup", this::signup)
                .post(BASE + "/login", this::login)
                .post(BASE + "/refresh", this::refresh)
                .post(BASE + "/logout", this::logout)
                .get(BASE + "/me", request -> HttpResponse.ok(accounts.me(authenticator.authenticate(request))))
                .patch(BASE + "/me", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(accounts.updateMe(
                            principal,
                            request.jsonBody(UPDATE_ME, AuthModels.UpdateMeRequest.class),
                            Origin.of(request)));
                })
                .post(BASE + "/password/change", request -> {
                    Principal principal = authenticator.authenticate(request);
                    accounts.changePassword(
                            principal,
                            request.jsonBody(CHANGE_PASSWORD, AuthModels.ChangePasswordRequest.class),
                            Origin.of(request));
                    return HttpResponse.noContent();
                })
                .get(
                        BASE + "/sessions",
                        request -> HttpResponse.ok(
                                Map.of("sessions", sessions.sessions(authenticator.authenticate(request)))))
                .delete(BASE + "/sessions/{sessionId}", request -> {
                    sessions.deleteSession(authenticator.authenticate(request), request.pathId("sessionId"));
                    return HttpResponse.noContent();
                })
                .post(BASE + "/workspaces", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.json(
                            201,
                            workspaces.createWorkspace(
                                    principal,
                                    request.jsonBody(WORKSPACE, AuthModels.WorkspaceRequest.class),
                                    Origin.of(request)));
                })
                .get(
                        BASE + "/workspaces",
                        request -> HttpResponse.ok(
                                Map.of("workspaces", workspaces.workspaces(authenticator.authenticate(request)))))
                .get(
                        BASE + "/workspaces/{workspaceId}",
                        request -> HttpResponse.ok(workspaces.workspace(
                                authenticator.authenticate(request), request.pathId("workspaceId"))))
                .patch(BASE + "/workspaces/{workspaceId}", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(workspaces.renameWorkspace(
                            principal,
                            request.pathId("workspaceId"),
                            request.jsonBody(WORKSPACE, AuthModels.WorkspaceRequest.class),
                            Origin.of(request)));
                })
                .get(
                        BASE + "/workspaces/{workspaceId}/members",
                        request -> HttpResponse.ok(Map.of(
                                "members",
                                workspaces.members(
                                        authenticator.authenticate(request), request.pathId("workspaceId")))))
                .post(BASE + "/workspaces/{workspaceId}/members", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.json(
                            201,
                            workspaces.addMember(
                                    principal,
                                    request.pathId("workspaceId"),
                                    request.jsonBody(ADD_MEMBER, AuthModels.AddMemberRequest.class),
                                    Origin.of(request)));
                })
                .patch(BASE + "/workspaces/{workspaceId}/members/{userId}", request -> {
                    Principal principal = authenticator.authenticate(request);
                    workspaces.changeMemberRole(
                            principal,
                            request.pathId("workspaceId"),
                            request.pathId("userId"),
                            request.jsonBody(MEMBER_ROLE, AuthModels.RoleRequest.class),
                            Origin.of(request));
                    return HttpResponse.noContent();
                })
                .delete(BASE + "/workspaces/{workspaceId}/members/{userId}", request -> {
                    workspaces.removeMember(
                            authenticator.authenticate(request),
                            request.pathId("workspaceId"),
                            request.pathId("userId"),
                            Origin.of(request));
                    return HttpResponse.noContent();
                })
                .get(BASE + "/workspaces/{workspaceId}/audit", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(workspaces.workspaceAudit(
                            principal, request.pathId("workspaceId"), Paging.limit(request), Paging.after(request)));
                })
                .get(BASE + "/users", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(accounts.users(
                            principal,
                            Paging.limit(request),
                            Paging.after(request),
                            request.query("email").orElse(null)));
                })
                .patch(BASE + "/users/{userId}", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(accounts.administer(
                            principal,
                            request.pathId("userId"),
                            request.jsonBody(ADMINISTER, AuthModels.AdministerRequest.class),
                            Origin.of(request)));
                })
                .post(
                        BASE + "/email/verify",
                        request -> HttpResponse.ok(
                                emailLinks.verifyEmail(request.jsonBody(EMAIL_TOKEN, AuthModels.TokenRequest.class)
                                        .token())))
                .post(BASE + "/email/verify/resend", request -> {
                    Principal principal = authenticator.authenticate(request);
                    limits.enforce(RESEND_PER_MINUTE, principal.userId(), FailurePolicy.CLOSED);
                    limits.enforce(RESEND_PER_HOUR, principal.userId(), FailurePolicy.CLOSED);
                    emailLinks.resendVerification(principal);
                    return HttpResponse.json(202, Map.of("status", "sent"));
                })
                .post(BASE + "/password/forgot", request -> {
                    String email = request.jsonBody(FORGOT_PASSWORD, AuthModels.ForgotPasswordRequest.class)
                            .email();
                    limits.enforce(FORGOT_PER_IP, request.sourceIp(), FailurePolicy.CLOSED);
                    // Limited or not, known or not: the same answer, so nothing about the account is revealed.
                    if (limits.allows(FORGOT_PER_EMAIL, sessions.emailIndex(email), FailurePolicy.CLOSED)) {
                        emailLinks.forgotPassword(email);
                    }
                    return HttpResponse.json(
                            202, Map.of("status", "If an account has this email, a reset link is on its way."));
                })
                .post(BASE + "/password/reset", request -> {
                    emailLinks.resetPassword(
                            request.jsonBody(RESET_PASSWORD, AuthModels.ResetPasswordRequest.class),
                            Origin.of(request));
                    return HttpResponse.noContent();
                })
                .post(BASE + "/mfa/totp", request -> {
                    Principal principal = authenticator.authenticate(request);
                    limits.enforce(MFA_PER_USER, principal.userId(), FailurePolicy.OPEN);
                    return HttpResponse.json(201, secondFactors.enrollTotp(principal, Origin.of(request)));
                })
                .post(BASE + "/mfa/totp/{factorId}/verify", request -> {
                    Principal principal = authenticator.authenticate(request);
                    String code = request.jsonBody(MFA_CODE, AuthModels.CodeRequest.class)
                            .code();
                    limits.enforce(MFA_PER_USER, principal.userId(), FailurePolicy.OPEN);
                    return HttpResponse.ok(
                            secondFactors.verifyTotp(principal, request.pathId("factorId"), code, Origin.of(request)));
                })
                .delete(BASE + "/mfa/totp/{factorId}", request -> {
                    Principal principal = authenticator.authenticate(request);
                    String code = request.jsonBody(MFA_CODE, AuthModels.CodeRequest.class)
                            .code();
                    limits.enforce(MFA_PER_USER, principal.userId(), FailurePolicy.OPEN);
                    secondFactors.deleteTotp(principal, request.pathId("factorId"), code, Origin.of(request));
                    return HttpResponse.noContent();
                })
                .post(BASE + "/mfa/challenge", request -> {
                    AuthModels.ChallengeRequest body =
                            request.jsonBody(MFA_CHALLENGE, AuthModels.ChallengeRequest.class);
                    secondFactors
                            .challengeUser(body.challengeId())
                            .ifPresent(user -> limits.enforce(MFA_PER_USER, user, FailurePolicy.OPEN));
                    return cookies.deliver(
                            sessions.secondFactorSession(
                                    secondFactors.completeChallenge(body, Origin.of(request)), Origin.of(request)),
                            body.inCookie());
                })
                .post(
                        BASE + "/mfa/recovery-codes",
                        request -> HttpResponse.ok(secondFactors.regenerateRecoveryCodes(
                                authenticator.authenticate(request), Origin.of(request))))
                .post(BASE + "/workspaces/{workspaceId}/api-keys", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.json(
                            201,
                            workspaces.createApiKey(
                                    principal,
                                    request.pathId("workspaceId"),
                                    request.jsonBody(CREATE_API_KEY, AuthModels.CreateApiKeyRequest.class),
                                    Origin.of(request)));
                })
                .get(BASE + "/workspaces/{workspaceId}/api-keys", request -> {
                    Principal principal = authenticator.authenticate(request);
                    return HttpResponse.ok(
                            Map.of("apiKeys", workspaces.apiKeys(principal, request.pathId("workspaceId"))));
                })
                .delete(BASE + "/workspaces/{workspaceId}/api-keys/{keyId}", request -> {
                    Principal principal = authenticator.authenticate(request);
                    workspaces.revokeApiKey(
                            principal, request.pathId("workspaceId"), request.pathId("keyId"), Origin.of(request));
                    return HttpResponse.noContent();
                })
                .get(
                        "/.well-known/oauth-authorization-server",
                        request -> HttpResponse.text(200, "application/json", metadata)
                                .withHeader("cache-control", "public, max-age=3600"))
                .get(
                        "/.well-known/jwks.json",
                        request -> HttpResponse.text(
                                        200,
                                        "application/jwk-set+json",
                                        keys.get().toString())
                                .withHeader("cache-control", "public, max-age=300"))
                .build();
    }

    private HttpResponse signup(HttpRequest request) {
        limits.enforce(SIGNUP_PER_IP, request.sourceIp(), FailurePolicy.CLOSED);
        return HttpResponse.json(201, accounts.signup(request.jsonBody(SIGNUP, AuthModels.SignupRequest.class)));
    }

    private HttpResponse login(HttpRequest request) {
        AuthModels.LoginRequest body = request.jsonBody(LOGIN, AuthModels.LoginRequest.class);
        limits.enforce(LOGIN_PER_IP, request.sourceIp(), FailurePolicy.OPEN);
        limits.enforce(LOGIN_PER_ACCOUNT, sessions.emailIndex(body.email()), FailurePolicy.OPEN);
        AuthModels.LoginAnswer answer = sessions.login(body, Origin.of(request));
        return answer instanceof AuthModels.Tokens tokens
                ? cookies.deliver(tokens, body.inCookie())
                : HttpResponse.ok(answer);
    }

    /**
     * JSON with {@code refresh_token} (apps and SDKs); JSON without it, or no body, for the browser
     * mode (the cookie's token, after the CSRF checks); or OAuth's form-encoded refresh_token grant.
     */
    private HttpResponse refresh(HttpRequest request) {
        boolean form = request.header("content-type")
                .filter(type -> type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
                .isPresent();
        String fromBody = form
                ? OAuthForm.refreshToken(request.body())
                : request.body().length == 0
                        ? null
                        : request.jsonBody(REFRESH, AuthModels.RefreshRequest.class)
                                .refreshToken();
        String token = fromBody != null ? fromBody : cookies.fromCookie(request);
        sessions.sessionOfRefreshToken(token)
                .ifPresent(session -> limits.enforce(REFRESH_PER_SESSION, session, FailurePolicy.OPEN));
        return cookies.deliver(sessions.refresh(token, Origin.of(request)), fromBody == null);
    }

    private HttpResponse logout(HttpRequest request) {
        Principal principal = authenticator.authenticate(request);
        String scope = request.body().length == 0
                ? "local"
                : Optional.ofNullable(request.jsonBody(LOGOUT, AuthModels.LogoutRequest.class)
                                .scope())
                        .orElse("local");
        sessions.logout(principal, scope, Origin.of(request));
        // The cookie's path is the refresh route, so it is not sent here; the browser is told to drop it anyway.
        return HttpResponse.noContent().withCookie(RefreshCookies.cleared());
    }
}
