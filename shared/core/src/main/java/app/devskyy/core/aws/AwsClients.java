package app.devskyy.core.aws;

import app.devskyy.core.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds AWS SDK v2 clients the same way for every function: region from {@code AWS_REGION},
 * the default credentials chain (SnapStart restores hand it container credentials; nothing is resolved before the snapshot), the
 * URL-connection HTTP client (the lightest to load), and endpoints overridable through
 * {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code AWS_ENDPOINT_URL} so that LocalStack, DynamoDB
 * Local and the local server need no code change.
 */
public final class AwsClients {

    private final Config config;

    public AwsClients(Config config) {
        this.config = config;
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), "DYNAMODB").build();
    }

    public Region region() {
        return Region.of(config.required("AWS_REGION", "us-east-1"));
    }

    /** The endpoint for a service, if one is configured: the service-specific setting wins. */
    public Optional<URI> endpoint(String serviceId) {
        return config.optional("AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT))
                .or(() -> config.optional("AWS_ENDPOINT_URL"))
                .map(URI::create);
    }

    /**
     * The default chain in AWS. Locally (DynamoDB Local, LocalStack) any key is accepted, and the
     * local server hosts several functions in one process, so fixed development keys are used.
     */
    public AwsCredentialsProvider credentials() {
        return config.isLocal()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))
                : DefaultCredentialsProvider.builder().build();
    }

    /**
     * Applies the project's client settings to any SDK client builder, for services only some
     * functions use (their artifacts alone carry that service's SDK module).
     *
     * @param serviceId the service's part of {@code AWS_ENDPOINT_URL_<SERVICE>}, such as {@code SECRETS_MANAGER}
     */
    public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String serviceId) {
        builder.region(region())
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .apiCallAttemptTimeout(Duration.ofSeconds(3))
                        .build());
        endpoint(serviceId).ifPresent(builder::endpointOverride);
        return builder;
    }
}
