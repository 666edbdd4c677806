package app.devskyy.webhooks;

import app.devskyy.core.Json;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The queue between the receiver and the processor (SQS; the local server's SQS-compatible queue locally). */
final class WebhookQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    WebhookQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    void send(InboundEvent event) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(event)));
    }
}
