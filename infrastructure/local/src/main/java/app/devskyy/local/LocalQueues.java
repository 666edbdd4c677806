package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.local.AwsJsonProtocol.Refused;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The template's SQS queues, locally: {@code SendMessage}, {@code GetQueueAttributes} and
 * {@code StartMessageMoveTask} over SQS's JSON protocol (what the AWS SDK speaks, at
 * {@code /_aws/sqs}), and each queue's {@code SQS} event source delivered the way
 * Lambda does it: batches of visible messages, a message in flight invisible for the visibility
 * timeout, {@code batchItemFailures} retried after it, a message received {@code maxReceiveCount}
 * times moved to the dead-letter queue of its redrive policy.
 */
public final class LocalQueues implements HttpHandler, AutoCloseable {

    /** The path the SQS clients of the local functions are pointed at. */
    static final String PATH = "/_aws/sqs";

    private static final Logger LOG = LoggerFactory.getLogger(LocalQueues.class);

    /** A message as SQS keeps it. */
    public record Message(String id, String body, int receiveCount, long visibleAt) {}

    private record Queue(
            String id, long visibilityMillis, String deadLetterQueue, int maxReceiveCount, List<Message> messages) {}

    private record Consumer(String queueId, String functionId, int batchSize) {}

    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final LocalLambda lambda;
    private final Clock clock = Clock.systemUTC();
    private final Thread poller;
    private volatile boolean running = true;

    LocalQueues(SamTemplate template, LocalLambda lambda, long visibilityMillis) {
        this.lambda = lambda;
        template.resources("AWS::SQS::Queue").forEach((id, properties) -> {
            JsonNode redrive = properties.path("RedrivePolicy");
            String deadLetter = redrive.path("deadLetterTargetArn")
                    .path("Fn::GetAtt")
                    .path(0)
                    .asString(null);
            queues.put(
                    id,
                    new Queue(
                            id,
                            visibilityMillis,
                            deadLetter,
                            redrive.path("maxReceiveCount").asInt(Integer.MAX_VALUE),
                            new ArrayList<>()));
        });
        template.resources("AWS::Serverless::Function")
                .forEach((id, properties) -> properties
                        .path("Events")
                        .properties()
                        .forEach(event -> {
                            if ("SQS".equals(event.getValue().path("Type").asString())) {
                                JsonNode source = event.getValue().path("Properties");
                                consumers.add(new Consumer(
                                        source.path("Queue")
                                                .path("Fn::GetAtt")
                                                .path(0)
                                                .asString(),
                                        id,
                                        source.path("BatchSize").asInt(10)));
                            }
                        }));
        this.poller = Thread.ofVirtual().name("local-sqs").start(this::poll);
    }

    /** Puts a message on a queue (by logical id, or a queue URL ending in it); its id. */
    public synchronized String send(String queue, String body) {
        Queue target = queue(queue);
        String id = UUID.randomUUID().toString();
        target.messages().add(new Message(id, body, 0, clock.millis()));
        notifyAll();
        return id;
    }

    /**
     * Stops or restarts delivering to a function's queue (an event source mapping's {@code Enabled},
     * as {@code UpdateEventSourceMapping} sets it in AWS): messages wait on the queue meanwhile.
     */
    public synchronized void deliverTo(String functionId, boolean enabled) {
        if (enabled) {
            paused.remove(functionId);
        } else {
            paused.add(functionId);
        }
        notifyAll();
    }

    /** The messages a queue holds, in flight or not. */
    public synchronized List<Message> messages(String queue) {
        return List.copyOf(queue(queue).messages());
    }

    /** A queue by its URL, ARN or logical id. */
    private Queue queue(String urlOrId) {
        String id = urlOrId.substring(Math.max(urlOrId.lastIndexOf('/'), urlOrId.lastIndexOf(':')) + 1);
        Queue queue = queues.get(id);
        if (queue == null) {
            throw new IllegalArgumentException("no queue " + id);
        }
        return queue;
    }

    private void poll() {
        while (running) {
            boolean delivered = false;
            for (Consumer consumer : consumers) {
                if (paused.contains(consumer.functionId())) {
                    continue;
                }
                List<Message> batch = take(consumer);
                if (!batch.isEmpty()) {
                    deliver(consumer, batch);
                    delivered = true;
                }
            }
            if (!delivered) {
                synchronized (this) {
                    try {
                        wait(20);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    /** Up to a batch of visible messages, made invisible and counted as received. */
    private synchronized List<Message> take(Consumer consumer) {
        Queue queue = queues.get(consumer.queueId());
        long now = clock.millis();
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < queue.messages().size() && batch.size() < consumer.batchSize(); i++) {
            Message message = queue.messages().get(i);
            if (message.visibleAt() <= now) {
                Message received = new Message(
                        message.id(), message.body(), message.receiveCount() + 1, now + queue.visibilityMillis());
                queue.messages().set(i, received);
                batch.add(received);
            }
        }
        return batch;
    }

    private void deliver(Consumer consumer, List<Message> batch) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        var records = event.putArray("Records");
        for (Message message : batch) {
            ObjectNode record = records.addObject()
                    .put("messageId", message.id())
                    .put("receiptHandle", message.id())
                    .put("body", message.body())
                    .put("md5OfBody", md5(message.body()))
                    .put("eventSource", "aws:sqs")
                    .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:" + consumer.queueId())
                    .put("awsRegion", "us-east-1");
            record.putObject("attributes")
                    .put("ApproximateReceiveCount", Integer.toString(message.receiveCount()))
                    .put("SentTimestamp", Long.toString(clock.millis()));
            record.putObject("messageAttributes");
        }
        Set<String> failed = new HashSet<>();
        try {
            Json.tree(lambda.invoke(consumer.functionId(), Json.writeBytes(event)))
                    .path("batchItemFailures")
                    .forEach(f -> failed.add(f.path("itemIdentifier").asString()));
        } catch (LocalLambda.FunctionError invocationFailed) {
            LOG.warn("{} failed on a batch of {}: {}", consumer.functionId(), batch.size(), invocationFailed.errorType);
            batch.forEach(m -> failed.add(m.id()));
        } catch (RuntimeException unreadable) {
            LOG.warn(
                    "{} answered a batch of {} unreadably: {}",
                    consumer.functionId(),
                    batch.size(),
                    unreadable.getClass().getSimpleName());
            batch.forEach(m -> failed.add(m.id()));
        }
        settle(consumer.queueId(), batch, failed);
    }

    /** Done messages leave; failed ones wait out their visibility, or go to the dead-letter queue. */
    private synchronized void settle(String queueId, List<Message> batch, Set<String> failed) {
        Queue queue = queues.get(queueId);
        for (Message message : batch) {
            queue.messages().removeIf(m -> m.id().equals(message.id()) && !failed.contains(message.id()));
            if (failed.contains(message.id())
                    && message.receiveCount() >= queue.maxReceiveCount()
                    && queue.deadLetterQueue() != null) {
                queue.messages().removeIf(m -> m.id().equals(message.id()));
                queues.get(queue.deadLetterQueue())
                        .messages()
                        .add(new Message(message.id(), message.body(), message.receiveCount(), 0));
                LOG.warn(
                        "message {} moved to {} after {} receives",
                        message.id(),
                        queue.deadLetterQueue(),
                        message.receiveCount());
            }
        }
    }

    /**
     * SQS's JSON protocol, what the functions use: {@code SendMessage}; {@code GetQueueAttributes}
     * (the message counts); {@code StartMessageMoveTask}, which moves a dead-letter queue's messages
     * back to the queue whose redrive policy names it (at once, here).
     */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        AwsJsonProtocol.serve(exchange, "application/x-amz-json-1.0", "com.amazonaws.sqs#", this::answer);
    }

    private ObjectNode answer(String operation, JsonNode request) throws Refused {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        try {
            switch (operation) {
                case "SendMessage" -> {
                    String body = request.path("MessageBody").asString();
                    answer.put("MessageId", send(request.path("QueueUrl").asString(), body))
                            .put("MD5OfMessageBody", md5(body));
                }
                case "GetQueueAttributes" -> {
                    long now = clock.millis();
                    List<Message> held = messages(request.path("QueueUrl").asString());
                    long visible =
                            held.stream().filter(m -> m.visibleAt() <= now).count();
                    answer.putObject("Attributes")
                            .put("ApproximateNumberOfMessages", Long.toString(visible))
                            .put("ApproximateNumberOfMessagesNotVisible", Long.toString(held.size() - visible));
                }
                case "StartMessageMoveTask" ->
                    answer.put("TaskHandle", moveBack(request.path("SourceArn").asString()));
                default ->
                    throw new Refused(
                            "UnsupportedOperation",
                            "The local SQS supports SendMessage, GetQueueAttributes and StartMessageMoveTask.");
            }
        } catch (IllegalArgumentException unknown) {
            throw new Refused("QueueDoesNotExist", "The queue does not exist.");
        }
        return answer;
    }

    /** Every message of the dead-letter queue back to its source queue, received no times, visible now. */
    private synchronized String moveBack(String sourceArn) {
        Queue deadLetters = queue(sourceArn);
        Queue source = queues.values().stream()
                .filter(q -> deadLetters.id().equals(q.deadLetterQueue()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue sends to " + deadLetters.id()));
        for (Message message : deadLetters.messages()) {
            source.messages().add(new Message(message.id(), message.body(), 0, clock.millis()));
        }
        deadLetters.messages().clear();
        notifyAll();
        return UUID.randomUUID().toString();
    }

    private static String md5(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
