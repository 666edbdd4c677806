package app.devskyy.local;

import app.devskyy.core.Json;
import app.devskyy.local.AwsJsonProtocol.Refused;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Secrets Manager the functions use, locally, at {@code /_aws/secretsmanager}, over its JSON 1.1
 * protocol (what the AWS SDK and Powertools Parameters speak): {@code CreateSecret},
 * {@code GetSecretValue}, {@code PutSecretValue} (the new version becomes {@code AWSCURRENT}, the
 * one it replaces {@code AWSPREVIOUS}; a repeated {@code ClientRequestToken} is the same version),
 * {@code DescribeSecret} and {@code ListSecretVersionIds}. Each secret is a file of the data folder,
 * readable by its owner only, so that a rotated key survives a restart. No resource policies, KMS
 * keys or rotation Lambdas here.
 */
public final class LocalSecretsManager implements HttpHandler {

    static final String PATH = "/_aws/secretsmanager";

    /** A version of a secret: its id, value, creation time (epoch millis) and stages. */
    record Version(String id, String value, long created, List<String> stages) {}

    record Secret(String name, String arn, long created, List<Version> versions) {}

    private final Path dir;
    private final String region;
    private final Clock clock;
    private final Map<String, Secret> secrets = new LinkedHashMap<>();

    LocalSecretsManager(Path dir, String region, Clock clock) throws IOException {
        this.dir = dir;
        this.region = region;
        this.clock = clock;
        Files.createDirectories(dir);
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Secret secret = Json.convert(Json.tree(Files.readAllBytes(file)), Secret.class);
                secrets.put(secret.name(), secret);
            }
        }
    }

    /** A local Secrets Manager on a port of its own, holding one secret: for a function started alone. */
    public record Served(HttpServer server, String endpoint, String arn) implements AutoCloseable {
        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Serves a Secrets Manager (its files under {@code dir}) holding {@code value} as {@code name}. */
    public static Served serve(Path dir, String name, String value) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        LocalSecretsManager secrets = new LocalSecretsManager(dir, "us-east-1", Clock.systemUTC());
        server.createContext(PATH, secrets);
        server.start();
        return new Served(
                server, "http://127.0.0.1:" + server.getAddress().getPort() + PATH, secrets.ensure(name, value));
    }

    /** Creates a secret unless one of that name exists; its ARN either way. */
    synchronized String ensure(String name, String value) {
        Secret existing = secrets.get(name);
        if (existing != null) {
            return existing.arn();
        }
        return create(name, value, UUID.randomUUID().toString()).arn();
    }

    private Secret create(String name, String value, String token) {
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        long now = clock.millis();
        Secret secret = new Secret(
                name,
                "arn:aws:secretsmanager:" + region + ":000000000000:secret:" + name + "-"
                        + HexFormat.of().formatHex(suffix),
                now,
                List.of(new Version(token, value, now, List.of("AWSCURRENT"))));
        save(secret);
        return secret;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        AwsJsonProtocol.serve(exchange, "application/x-amz-json-1.1", "", (operation, request) -> {
            synchronized (this) {
                return answer(operation, request);
            }
        });
    }

    private ObjectNode answer(String operation, JsonNode request) throws Refused {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        switch (operation) {
            case "CreateSecret" -> {
                String name = request.path("Name").asString("");
                if (name.isEmpty() || !request.path("SecretString").isString()) {
                    throw new Refused("InvalidParameterException", "Name and SecretString are required.");
                }
                if (secrets.containsKey(name)) {
                    throw new Refused("ResourceExistsException", "The secret already exists.");
                }
                Secret created = create(
                        name,
                        request.path("SecretString").asString(),
                        request.path("ClientRequestToken")
                                .asString(UUID.randomUUID().toString()));
                answer.put("ARN", created.arn())
                        .put("Name", name)
                        .put("VersionId", created.versions().getFirst().id());
            }
            case "GetSecretValue" -> {
                Secret secret = secret(request);
                String stage = request.path("VersionStage").asString("AWSCURRENT");
                String versionId = request.path("VersionId").asString(null);
                Version version = secret.versions().stream()
                        .filter(v -> versionId != null
                                ? v.id().equals(versionId)
                                : v.stages().contains(stage))
                        .findFirst()
                        .orElseThrow(LocalSecretsManager::notFound);
                answer.put("ARN", secret.arn())
                        .put("Name", secret.name())
                        .put("VersionId", version.id())
                        .put("SecretString", version.value())
                        .put("CreatedDate", version.created() / 1000.0);
                stages(answer.putArray("VersionStages"), version);
            }
            case "PutSecretValue" -> {
                Secret secret = secret(request);
                String token = request.path("ClientRequestToken")
                        .asString(UUID.randomUUID().toString());
                String value = request.path("SecretString").asString(null);
                if (value == null) {
                    throw new Refused("InvalidParameterException", "SecretString is required here.");
                }
                Optional<Version> repeated = secret.versions().stream()
                        .filter(v -> v.id().equals(token))
                        .findFirst();
                if (repeated.isPresent() && !repeated.get().value().equals(value)) {
                    throw new Refused("ResourceExistsException", "A version with this token has another value.");
                }
                Version version = repeated.orElseGet(() -> put(secret, token, value));
                answer.put("ARN", secret.arn()).put("Name", secret.name()).put("VersionId", version.id());
                stages(answer.putArray("VersionStages"), version);
            }
            case "DescribeSecret" -> {
                Secret secret = secret(request);
                answer.put("ARN", secret.arn())
                        .put("Name", secret.name())
                        .put("CreatedDate", secret.created() / 1000.0)
                        .put("LastChangedDate", secret.versions().getLast().created() / 1000.0);
                ObjectNode stages = answer.putObject("VersionIdsToStages");
                secret.versions().forEach(v -> stages(stages.putArray(v.id()), v));
            }
            case "ListSecretVersionIds" -> {
                Secret secret = secret(request);
                answer.put("ARN", secret.arn()).put("Name", secret.name());
                ArrayNode versions = answer.putArray("Versions");
                secret.versions().forEach(v -> {
                    ObjectNode entry =
                            versions.addObject().put("VersionId", v.id()).put("CreatedDate", v.created() / 1000.0);
                    stages(entry.putArray("VersionStages"), v);
                });
            }
            default ->
                throw new Refused(
                        "InvalidRequestException",
                        "The local Secrets Manager supports CreateSecret, GetSecretValue, PutSecretValue,"
                                + " DescribeSecret and ListSecretVersionIds.");
        }
        return answer;
    }

    /** A new current version; the current one becomes the previous, any older loses its stages. */
    private Version put(Secret secret, String token, String value) {
        List<Version> versions = new ArrayList<>();
        for (Version v : secret.versions()) {
            List<String> stages = v.stages().contains("AWSCURRENT") ? List.of("AWSPREVIOUS") : List.of();
            versions.add(new Version(v.id(), v.value(), v.created(), stages));
        }
        Version version = new Version(token, value, clock.millis(), List.of("AWSCURRENT"));
        versions.add(version);
        save(new Secret(secret.name(), secret.arn(), secret.created(), versions));
        return version;
    }

    private static void stages(ArrayNode array, Version version) {
        version.stages().forEach(array::add);
    }

    /** The secret a request names, by name or ARN. */
    private Secret secret(JsonNode request) throws Refused {
        String id = request.path("SecretId").asString("");
        return secrets.values().stream()
                .filter(s -> s.name().equals(id) || s.arn().equals(id))
                .findFirst()
                .orElseThrow(LocalSecretsManager::notFound);
    }

    private static Refused notFound() {
        return new Refused("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private void save(Secret secret) {
        secrets.put(secret.name(), secret);
        Path file = dir.resolve(secret.name().replace('/', '_') + ".json");
        try {
            Files.write(file, Json.writeBytes(secret));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
