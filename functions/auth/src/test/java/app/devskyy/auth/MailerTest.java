package app.devskyy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.mail.Mailer;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MailerTest {

    @Test
    void productionSendsThroughSesV2() throws Exception {
        try (MockWebServer ses = new MockWebServer()) {
            ses.start();
            // SendEmail in SES v2's REST-JSON wire format.
            ses.enqueue(new MockResponse.Builder()
                    .addHeader("content-type", "application/json")
                    .body("{\"MessageId\":\"0100018c-example-message-id\"}")
                    .build());
            Config production = Config.of(Map.of(
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL_SESV2",
                    ses.url("/").toString(),
                    "MAIL_FROM",
                    "DevSkyy <no-reply@devskyy.app>"));
            Mailer.fromConfig(production, new AwsClients(production))
                    .send(
                            "ada@example.com",
                            "Reset your DevSkyy password",
                            Mailer.template(
                                    "reset-password", "https://app.devskyy.app/reset-password?token=abc&x=1", false),
                            Mailer.template(
                                    "reset-password", "https://app.devskyy.app/reset-password?token=abc&x=1", true));
            RecordedRequest request = ses.takeRequest();
            assertThat(request.getMethod()).isEqualTo("POST");
            assertThat(request.getUrl().encodedPath()).isEqualTo("/v2/email/outbound-emails");
            JsonNode body = Json.tree(request.getBody().toByteArray());
            assertThat(body.at("/FromEmailAddress").asString()).isEqualTo("DevSkyy <no-reply@devskyy.app>");
            assertThat(body.at("/Destination/ToAddresses/0").asString()).isEqualTo("ada@example.com");
            assertThat(body.at("/Content/Simple/Subject/Data").asString()).isEqualTo("Reset your DevSkyy password");
            assertThat(body.at("/Content/Simple/Body/Text/Data").asString()).contains("token=abc&x=1");
            assertThat(body.at("/Content/Simple/Body/Html/Data").asString()).contains("token=abc&amp;x=1");
        }
    }
}
