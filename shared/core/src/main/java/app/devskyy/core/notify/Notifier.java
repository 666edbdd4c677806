package app.devskyy.core.notify;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import app.devskyy.core.mail.Mailer;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one way a job tells people something: an email to each address (SES, or the local outbox,
 * through {@link Mailer}), and, for what operations must see, a message on the operations topic
 * ({@code OPERATIONS_TOPIC_ARN}, SNS; none locally). A notice never fails the job that sends it:
 * an outage is logged, and the finding it is about stays on record for the routes.
 */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Mailer mailer;
    private final Optional<BiConsumer<String, String>> operations;

    public Notifier(Mailer mailer, Optional<BiConsumer<String, String>> operations) {
        this.mailer = mailer;
        this.operations = operations;
    }

    /** SNS is an optional dependency of the core: the families that notify declare it. */
    public static Notifier fromConfig(Config config, AwsClients aws) {
        Optional<String> topic = config.optional("OPERATIONS_TOPIC_ARN").filter(arn -> !arn.isBlank());
        return new Notifier(Mailer.fromConfig(config, aws), topic.map(arn -> {
            SnsClient sns = aws.configure(SnsClient.builder(), "SNS").build();
            return (subject, message) -> sns.publish(r -> r.topicArn(arn)
                    .subject(subject.length() > 100 ? subject.substring(0, 100) : subject)
                    .message(message));
        }));
    }

    /** The template ({@code /mail/<name>}) to each address. */
    public void email(Collection<String> to, String subject, String template, Map<String, String> values) {
        to.forEach(address -> mailer.notice(address, subject, template, values));
    }

    /** A message for operations; nothing where no topic is configured. */
    public void operations(String subject, String message) {
        operations.ifPresent(publish -> {
            try {
                publish.accept(subject, message);
            } catch (RuntimeException failed) {
                LOG.warn(
                        "a notice to operations was not published ({})",
                        failed.getClass().getSimpleName());
            }
        });
    }
}
