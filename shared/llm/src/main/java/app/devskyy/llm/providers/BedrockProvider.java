package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatProvider;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.ChatResult;
import app.devskyy.llm.ProviderException;
import app.devskyy.llm.ProviderException.Kind;
import app.devskyy.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * AWS Bedrock's Converse API through the SDK (IAM authentication, SigV4): the function's role
 * needs {@code bedrock:InvokeModel} on the models it routes to. Like Anthropic, Converse has no
 * JSON mode: a JSON schema becomes a forced tool.
 */
public final class BedrockProvider implements ChatProvider {

    private final BedrockRuntimeClient bedrock;

    public BedrockProvider(BedrockRuntimeClient bedrock) {
        this.bedrock = bedrock;
    }

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public ChatResult chat(ChatRequest request, String model, Duration timeout) throws ProviderException {
        ProviderException.requireSingleChoice(name(), request);
        boolean linkedImage = request.messages().stream()
                .flatMap(m -> m.content().stream())
                .anyMatch(p -> !p.isText() && DataUrl.parse(p.imageUrl()) == null);
        if (linkedImage) {
            throw new ProviderException(
                    Kind.MISCONFIGURED, name(), 0, null, "bedrock takes inline (data:) images only");
        }
        ConverseResponse response;
        try {
            response = bedrock.converse(request(request, model).toBuilder()
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                    .build());
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException timedOut) {
            throw new ProviderException(Kind.TIMEOUT, name(), 0, null, "bedrock did not answer in time");
        } catch (AwsServiceException failed) {
            int status = failed.statusCode();
            String code = failed.awsErrorDetails() == null
                    ? ""
                    : failed.awsErrorDetails().errorCode();
            Kind kind = "ThrottlingException".equals(code) ? Kind.RATE_LIMITED : ProviderException.kindOf(status);
            String message =
                    failed.awsErrorDetails() == null || failed.awsErrorDetails().errorMessage() == null
                            ? code
                            : failed.awsErrorDetails().errorMessage();
            throw new ProviderException(kind, name(), status, null, message);
        } catch (SdkClientException unreachable) {
            throw new ProviderException(Kind.CONNECTION, name(), 0, null, "bedrock could not be reached");
        }
        return result(response, model, structured(request));
    }

    private static boolean structured(ChatRequest request) {
        return request.responseFormat() != null
                && "json_schema".equals(request.responseFormat().type());
    }

    static ConverseRequest request(ChatRequest request, String model) {
        ConverseRequest.Builder converse = ConverseRequest.builder().modelId(model);
        String system = request.systemPromptAskingForJson();
        if (!system.isEmpty()) {
            converse.system(SystemContentBlock.fromText(system));
        }
        List<Message> messages = new ArrayList<>();
        ConversationRole lastRole = null;
        List<ContentBlock> blocks = new ArrayList<>();
        for (ChatMessage m : request.conversation()) {
            ConversationRole role = "assistant".equals(m.role()) ? ConversationRole.ASSISTANT : ConversationRole.USER;
            if (lastRole != null && role != lastRole) {
                messages.add(Message.builder().role(lastRole).content(blocks).build());
                blocks = new ArrayList<>();
            }
            lastRole = role;
            if ("tool".equals(m.role())) {
                blocks.add(ContentBlock.fromToolResult(ToolResultBlock.builder()
                        .toolUseId(m.toolCallId())
                        .content(ToolResultContentBlock.fromText(m.text()))
                        .build()));
                continue;
            }
            for (ChatMessage.Part part : m.content()) {
                if (part.isText()) {
                    if (!part.text().isEmpty()) {
                        blocks.add(ContentBlock.fromText(part.text()));
                    }
                } else {
                    blocks.add(ContentBlock.fromImage(image(part.imageUrl())));
                }
            }
            for (ChatMessage.ToolCall call : m.toolCalls()) {
                blocks.add(ContentBlock.fromToolUse(ToolUseBlock.builder()
                        .toolUseId(call.id())
                        .name(call.name())
                        .input(document(AnthropicProvider.arguments(call.arguments())))
                        .build()));
            }
        }
        if (lastRole != null) {
            messages.add(Message.builder().role(lastRole).content(blocks).build());
        }
        converse.messages(messages);
        InferenceConfiguration.Builder inference = InferenceConfiguration.builder();
        if (request.maxTokens() != null) {
            inference.maxTokens(request.maxTokens());
        }
        if (request.temperature() != null) {
            inference.temperature(request.temperature().floatValue());
        }
        if (request.topP() != null) {
            inference.topP(request.topP().floatValue());
        }
        if (!request.stop().isEmpty()) {
            inference.stopSequences(request.stop());
        }
        converse.inferenceConfig(inference.build());
        List<Tool> tools = new ArrayList<>();
        for (ChatRequest.Tool tool : request.tools()) {
            tools.add(tool(tool.name(), tool.description(), tool.parameters()));
        }
        ToolChoice choice = null;
        if (structured(request)) {
            tools.add(tool(
                    AnthropicProvider.STRUCTURED_OUTPUT_TOOL,
                    "Give the answer as this tool's input.",
                    request.responseFormat().schema()));
            choice = ToolChoice.fromTool(SpecificToolChoice.builder()
                    .name(AnthropicProvider.STRUCTURED_OUTPUT_TOOL)
                    .build());
        } else if (request.toolChoice() != null) {
            choice = switch (request.toolChoice().mode()) {
                case "required" -> ToolChoice.fromAny(AnyToolChoice.builder().build());
                case "function" ->
                    ToolChoice.fromTool(SpecificToolChoice.builder()
                            .name(request.toolChoice().function())
                            .build());
                default -> ToolChoice.fromAuto(AutoToolChoice.builder().build());
            };
        }
        if (!tools.isEmpty()
                && !(request.toolChoice() != null
                        && "none".equals(request.toolChoice().mode())
                        && !structured(request))) {
            converse.toolConfig(
                    ToolConfiguration.builder().tools(tools).toolChoice(choice).build());
        }
        return converse.build();
    }

    private static Tool tool(String name, String description, JsonNode parameters) {
        return Tool.fromToolSpec(ToolSpecification.builder()
                .name(name)
                .description(description == null ? name : description)
                .inputSchema(ToolInputSchema.fromJson(document(
                        parameters == null ? Json.MAPPER.createObjectNode().put("type", "object") : parameters)))
                .build());
    }

    private static ImageBlock image(String url) {
        DataUrl data = DataUrl.parse(url);
        String format = data.mediaType().substring(data.mediaType().indexOf('/') + 1);
        return ImageBlock.builder()
                .format(ImageFormat.fromValue(format))
                .source(ImageSource.fromBytes(
                        SdkBytes.fromByteArray(Base64.getDecoder().decode(data.base64()))))
                .build();
    }

    static ChatResult result(ConverseResponse response, String model, boolean structured) {
        StringBuilder text = new StringBuilder();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        if (response.output() != null && response.output().message() != null) {
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) {
                    text.append(block.text());
                } else if (block.toolUse() != null) {
                    String arguments = Json.write(json(block.toolUse().input()));
                    if (structured
                            && AnthropicProvider.STRUCTURED_OUTPUT_TOOL.equals(
                                    block.toolUse().name())) {
                        text.append(arguments);
                    } else {
                        calls.add(new ChatMessage.ToolCall(
                                block.toolUse().toolUseId(), block.toolUse().name(), arguments));
                    }
                }
            }
        }
        String finish = switch (response.stopReasonAsString() == null ? "end_turn" : response.stopReasonAsString()) {
            case "max_tokens" -> "length";
            case "tool_use" -> calls.isEmpty() ? "stop" : "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
        var u = response.usage();
        long cacheRead = u == null || u.cacheReadInputTokens() == null ? 0 : u.cacheReadInputTokens();
        long cacheWrite = u == null || u.cacheWriteInputTokens() == null ? 0 : u.cacheWriteInputTokens();
        Usage usage = u == null
                ? Usage.NONE
                : new Usage(u.inputTokens() + cacheRead + cacheWrite, u.outputTokens(), cacheRead, 0);
        return new ChatResult(
                response.responseMetadata() == null
                        ? ""
                        : response.responseMetadata().requestId(),
                model,
                List.of(new ChatResult.Choice(0, ChatMessage.assistant(text.toString(), calls), finish)),
                usage);
    }

    /** JSON to the SDK's document type. */
    static Document document(JsonNode node) {
        if (node == null || node.isNull()) {
            return Document.fromNull();
        }
        if (node.isObject()) {
            Map<String, Document> members = new LinkedHashMap<>();
            node.properties().forEach(e -> members.put(e.getKey(), document(e.getValue())));
            return Document.fromMap(members);
        }
        if (node.isArray()) {
            List<Document> items = new ArrayList<>();
            node.forEach(item -> items.add(document(item)));
            return Document.fromList(items);
        }
        if (node.isBoolean()) {
            return Document.fromBoolean(node.asBoolean());
        }
        if (node.isNumber()) {
            return Document.fromNumber(node.decimalValue());
        }
        return Document.fromString(node.asString());
    }

    /** The SDK's document type to JSON. */
    static JsonNode json(Document document) {
        if (document == null || document.isNull()) {
            return Json.MAPPER.nullNode();
        }
        if (document.isMap()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            document.asMap().forEach((k, v) -> out.set(k, json(v)));
            return out;
        }
        if (document.isList()) {
            var out = Json.MAPPER.createArrayNode();
            document.asList().forEach(v -> out.add(json(v)));
            return out;
        }
        if (document.isBoolean()) {
            return Json.MAPPER.getNodeFactory().booleanNode(document.asBoolean());
        }
        if (document.isNumber()) {
            return Json.MAPPER.getNodeFactory().numberNode(document.asNumber().bigDecimalValue());
        }
        return Json.MAPPER.getNodeFactory().stringNode(document.asString());
    }
}
