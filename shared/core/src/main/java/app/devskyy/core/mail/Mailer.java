package app.devskyy.core.mail;

import app.devskyy.core.Json;
import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Sends the families' emails to people (auth's links, GDPR's notices): through Amazon SES in AWS
 * ({@code MAIL_FROM}), and locally into an outbox folder ({@code MAIL_OUTBOX_DIR}) that the local
 * server lists at {@code /docs/outbox}. Templates are each family's resources
 * ({@code /mail/<name>.txt} and {@code .html}) with {@code {{name}}} placeholders. The SES client
 * is an optional dependency of the core: a family that sends email declares {@code sesv2} itself,
 * so that the others do not package it (2.7 MB of every zip).
 */
public interface Mailer {

    void send(String to, String subject, String text, String html);

    /**
     * The template ({@code /mail/<name>}) to one address, as a notice that must not undo what it
     * tells of: an outage of the mail service is logged, by template and error type, and swallowed.
     */
    default void notice(String to, String subject, String template, Map<String, String> values) {
        try {
            send(to, subject, template(template, values, false), template(template, values, true));
        } catch (RuntimeException failed) {
            LoggerFactory.getLogger(Mailer.class)
                    .warn(
                            "a {} email was not sent ({})",
                            template,
                            failed.getClass().getSimpleName());
        }
    }

    static Mailer fromConfig(Config config, AwsClients aws) {
        if (config.isLocal()) {
            Path outbox = Path.of(config.required("MAIL_OUTBOX_DIR"));
            return (to, subject, text, html) -> outbox(outbox, to, subject, text, html);
        }
        String from = config.required("MAIL_FROM");
        SesV2Client ses = aws.configure(SesV2Client.builder(), "SESV2").build();
        return (to, subject, text, html) -> ses.sendEmail(r -> r.fromEmailAddress(from)
                .destination(d -> d.toAddresses(to))
                .content(c -> c.simple(m -> m.subject(s -> s.data(subject).charset("UTF-8"))
                        .body(b -> b.text(t -> t.data(text).charset("UTF-8"))
                                .html(h -> h.data(html).charset("UTF-8"))))));
    }

    private static void outbox(Path outbox, String to, String subject, String text, String html) {
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("to", to);
        mail.put("subject", subject);
        mail.put("sentAt", Instant.now().toString());
        mail.put("text", text);
        mail.put("html", html);
        try {
            Files.createDirectories(outbox);
            Files.write(
                    outbox.resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + ".json"),
                    Json.writeBytes(mail));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A template with its {@code {{link}}} filled in (HTML-escaped in the HTML part). */
    static String template(String name, String link, boolean html) {
        return template(name, Map.of("link", link), html);
    }

    /** A template with each {@code {{name}}} filled in from {@code values} (HTML-escaped in the HTML part). */
    static String template(String name, Map<String, String> values, boolean html) {
        try (InputStream in = Mailer.class.getResourceAsStream("/mail/" + name + (html ? ".html" : ".txt"))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> value : values.entrySet()) {
                String filled = html
                        ? value.getValue()
                                .replace("&", "&amp;")
                                .replace("\"", "&quot;")
                                .replace("<", "&lt;")
                        : value.getValue();
                text = text.replace("{{" + value.getKey() + "}}", filled);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
