package app.devskyy.core.aws;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.config.Config;
import java.net.URI;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class AwsClientsTest {

    @Test
    void serviceSpecificEndpointWinsOverTheGeneralOne() {
        AwsClients clients = new AwsClients(Config.of(Map.of(
                "AWS_ENDPOINT_URL", "http://localstack:4566",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")));
        assertThat(clients.endpoint("dynamodb")).contains(URI.create("http://127.0.0.1:8000"));
        assertThat(clients.endpoint("SECRETSMANAGER")).contains(URI.create("http://localstack:4566"));
    }

    @Test
    void noOverrideMeansTheRealService() {
        assertThat(new AwsClients(Config.of(Map.of())).endpoint("dynamodb")).isEmpty();
    }

    @Test
    void productionNeedsARegion() {
        Assertions.assertThatThrownBy(() -> new AwsClients(Config.of(Map.of())).dynamoDb())
                .hasMessageContaining("AWS_REGION");
    }
}
