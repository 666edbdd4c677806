package app.devskyy.auth;

import app.devskyy.core.audit.AuditLog;
import app.devskyy.core.auth.AccessTokens;
import app.devskyy.core.auth.Authenticator;
import app.devskyy.core.auth.PublishedKeys;
import app.devskyy.core.auth.SessionTable;
import app.devskyy.core.auth.TokenSettings;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.aws.DynamoTables;
import app.devskyy.core.billing.Entitlements;
import app.devskyy.core.config.Config;
import app.devskyy.core.crypto.DataKeys;
import app.devskyy.core.crypto.PersonKeys;
import app.devskyy.core.crypto.PersonalDataCipher;
import app.devskyy.core.events.FunctionCatalog;
import app.devskyy.core.events.FunctionFamily;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.core.mail.Mailer;
import app.devskyy.core.observability.Telemetry;
import app.devskyy.core.privacy.PrivacyTask;
import app.devskyy.core.ratelimit.RateLimits;
import app.devskyy.core.snapstart.Priming;
import app.devskyy.core.snapstart.PrimingEvents;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the auth family by hand: {@code auth}, the HTTP function, and {@code authOperations},
 * the operators' function that only IAM can invoke.
 */
public class AuthInitializer implements FunctionFamily {

    public static final String FUNCTION = "auth";

    @Override
    public FunctionCatalog catalog() {
        return FunctionCatalog.of()
                .with(FUNCTION, config -> create(config))
                .with(AuthOperations.FUNCTION, AuthInitializer::operations)
                // The person's data key last of all: it goes with the account (crypto-shredding).
                .with(
                        "authPrivacy",
                        config -> PrivacyTask.fromConfig(
                                "auth",
                                Stream.concat(AuthPersonalData.ITEMS.stream(), PersonKeys.PERSONAL_DATA.stream())
                                        .toList(),
                                config));
    }

    public static HttpApiFunction create(Config config) {
        AwsClients aws = new AwsClients(config);
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = config.required("AUTH_TABLE", "AuthTable");
        AuthSecretSource secret = AuthSecretSource.from(config, aws);
        TokenSettings tokens = TokenSettings.from(config);
        Clock clock = Clock.systemUTC();
        Passwords passwords = new Passwords(
                config.integer("AUTH_ARGON2_MEMORY_KIB", 19 * 1024),
                config.integer("AUTH_ARGON2_ITERATIONS", 2),
                config.integer("AUTH_ARGON2_PARALLELISM", 1));
        PersonalDataCipher pii = DataKeys.personalDataCipher(config, aws);
        // One Enhanced Client over the function's one DynamoDB client, shared by every store.
        DynamoTables tables = new DynamoTables(dynamoDb);
        AuditLog audit = AuditLog.fromConfig(config, tables, pii, clock);
        AccountStore accountStore = new AccountStore(dynamoDb, tables, table);
        SessionStore sessionStore = new SessionStore(dynamoDb, tables, table);
        FactorStore factorStore = new FactorStore(dynamoDb, tables, table);
        WorkspaceStore workspaceStore = new WorkspaceStore(dynamoDb, tables, table);
        ApiKeyStore apiKeyStore = new ApiKeyStore(dynamoDb, tables, table);
        RefreshTokens refreshTokens = new RefreshTokens(secret.get().refreshKey());
        PublishedKeys publishedKeys = new PublishedKeys(tables, table, clock);
        AccessTokens accessTokens = new AccessTokens(secret::signingKeys, publishedKeys::ensure, tokens, clock);
        Profiles profiles = new Profiles(accountStore, workspaceStore, pii);
        Entitlements entitlements = Entitlements.fromConfig(config, tables, clock);
        Seats seats = new Seats(workspaceStore, entitlements);
        Sessions sessions = new Sessions(
                accountStore,
                sessionStore,
                factorStore,
                workspaceStore,
                seats,
                profiles,
                passwords,
                pii,
                accessTokens,
                refreshTokens,
                audit,
                clock);
        EmailLinks emailLinks = new EmailLinks(
                accountStore,
                sessions,
                profiles,
                passwords,
                pii,
                refreshTokens,
                audit,
                Mailer.fromConfig(config, aws),
                FrontendLinks.from(config),
                clock);
        PlatformBootstrap bootstrap =
                new PlatformBootstrap(accountStore, profiles, audit, clock, PlatformBootstrap.localSuperAdmin(config));
        Accounts accounts = new Accounts(
                accountStore, factorStore, sessions, emailLinks, profiles, passwords, pii, audit, bootstrap, clock);
        // Its own routes read revocations and keys without a cache: a logout or revocation takes effect at once here.
        Authenticator authenticator = new Authenticator(
                publishedKeys.source(),
                tokens,
                SessionTable.revocations(tables, table, clock),
                SessionTable.apiKeys(dynamoDb, tables, table, entitlements, clock));
        HttpApiFunction function = new HttpApiFunction(
                new AuthRoutes(
                                accounts,
                                sessions,
                                emailLinks,
                                new Workspaces(
                                        accountStore,
                                        workspaceStore,
                                        factorStore,
                                        apiKeyStore,
                                        pii,
                                        audit,
                                        entitlements,
                                        seats,
                                        clock),
                                new SecondFactors(accountStore, factorStore, sessionStore, pii, audit, clock),
                                authenticator,
                                RateLimits.fromConfig(config, dynamoDb),
                                RefreshCookies.from(config),
                                // The published keys, the one that signs now among them.
                                () -> {
                                    accessTokens.publishSigningKey();
                                    return publishedKeys.current();
                                },
                                tokens.issuer())
                        .router(),
                new Telemetry(config));
        Priming.register(
                FUNCTION,
                List.of(
                        // Not the JWKS: it reads the published keys, and priming touches no external system.
                        () -> function.prime(PrimingEvents.get("/.well-known/oauth-authorization-server")),
                        () -> function.prime(
                                PrimingEvents.request("POST", AuthRoutes.BASE + "/login", "{\"email\":1}")),
                        () -> function.prime(PrimingEvents.get(AuthRoutes.BASE + "/me"))));
        return function;
    }

    /** The operations function: the stores and services an operation needs, nothing of HTTP. */
    static AuthOperations operations(Config config) {
        AwsClients aws = new AwsClients(config);
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = config.required("AUTH_TABLE", "AuthTable");
        Clock clock = Clock.systemUTC();
        PersonalDataCipher pii = DataKeys.personalDataCipher(config, aws);
        DynamoTables tables = new DynamoTables(dynamoDb);
        AccountStore accountStore = new AccountStore(dynamoDb, tables, table);
        Profiles profiles = new Profiles(accountStore, new WorkspaceStore(dynamoDb, tables, table), pii);
        return new AuthOperations(
                new PlatformBootstrap(
                        accountStore,
                        profiles,
                        AuditLog.fromConfig(config, tables, pii, clock),
                        clock,
                        Optional.empty()),
                new Telemetry(config));
    }
}
