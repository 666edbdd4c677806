package app.devskyy.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The S3 the functions use, locally, at {@code /_aws/s3} in path style ({@code /<bucket>/<key>}):
 * {@code PutObject} (the SDK's {@code aws-chunked} bodies included), {@code GetObject},
 * {@code HeadObject} and {@code DeleteObject}, and presigned GETs, whose signature and expiry are
 * checked as S3 checks them (the signature recomputed with the SDK's own SigV4 signer under the
 * local keys), so that a tampered or expired link is refused. Objects are files under the data
 * folder; there is no encryption at rest, versioning or lifecycle here.
 */
final class LocalObjects implements HttpHandler {

    static final String PATH = "/_aws/s3";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final String region;
    private final Clock clock;

    LocalObjects(Path root, String region, Clock clock) {
        this.root = root;
        this.region = region;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath().substring(PATH.length());
            Path file = file(rawPath);
            if (file == null) {
                error(exchange, 400, "InvalidURI", "Buckets and keys are /<bucket>/<key>.");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    if (isChunked(exchange)) {
                        body = unchunk(body);
                    }
                    Files.createDirectories(file.getParent());
                    Files.write(file, body);
                    exchange.getResponseHeaders().add("ETag", "\"" + md5(body) + "\"");
                    exchange.sendResponseHeaders(200, -1);
                }
                case "GET", "HEAD" -> read(exchange, file);
                case "DELETE" -> {
                    Files.deleteIfExists(file);
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> error(exchange, 405, "MethodNotAllowed", "Not served here.");
            }
        }
    }

    private void read(HttpExchange exchange, Path file) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (query.containsKey("X-Amz-Signature")) {
            String refused = refusal(exchange, query);
            if (refused != null) {
                error(exchange, 403, "AccessDenied", refused);
                return;
            }
        }
        if (!Files.isRegularFile(file)) {
            error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.getResponseHeaders()
                .add(
                        "Content-Type",
                        file.toString().endsWith(".json") ? "application/json" : "application/octet-stream");
        exchange.getResponseHeaders().add("ETag", "\"" + md5(body) + "\"");
        if (query.containsKey("response-content-disposition")) {
            exchange.getResponseHeaders().add("Content-Disposition", query.get("response-content-disposition"));
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Why a presigned GET is refused, or null: its expiry has passed, or its signature is not this request's. */
    private String refusal(HttpExchange exchange, Map<String, String> query) {
        Instant signedAt;
        long expires;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(query.getOrDefault("X-Amz-Date", "")));
            expires = Long.parseLong(query.getOrDefault("X-Amz-Expires", ""));
        } catch (DateTimeParseException | NumberFormatException unreadable) {
            return "Query-string authentication requires X-Amz-Date and X-Amz-Expires.";
        }
        if (clock.instant().isAfter(signedAt.plusSeconds(expires))) {
            return "Request has expired";
        }
        StringBuilder unsigned = new StringBuilder();
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            if (!pair.startsWith("X-Amz-")) {
                unsigned.append(unsigned.isEmpty() ? "" : "&").append(pair);
            }
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        URI uri = URI.create(
                "http://" + host + exchange.getRequestURI().getRawPath() + (unsigned.isEmpty() ? "" : "?" + unsigned));
        String expected = query(AwsV4HttpSigner.create()
                        .sign(r -> r.identity(AwsCredentialsIdentity.create("local", "local"))
                                .request(SdkHttpRequest.builder()
                                        .method(SdkHttpMethod.GET)
                                        .uri(uri)
                                        .build())
                                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                                .putProperty(
                                        AwsV4FamilyHttpSigner.AUTH_LOCATION,
                                        AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(expires))
                                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                        .request()
                        .getUri()
                        .getRawQuery())
                .get("X-Amz-Signature");
        return MessageDigest.isEqual(
                        String.valueOf(expected).getBytes(StandardCharsets.UTF_8),
                        query.get("X-Amz-Signature").getBytes(StandardCharsets.UTF_8))
                ? null
                : "The request signature we calculated does not match the signature you provided.";
    }

    /** The file of {@code /<bucket>/<key>}, or null for a path that names no object or climbs out. */
    private Path file(String rawPath) {
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (!path.startsWith("/") || path.indexOf('/', 1) < 0 || path.endsWith("/")) {
            return null;
        }
        Path file = root.resolve(path.substring(1)).normalize();
        return file.startsWith(root) ? file : null;
    }

    private static boolean isChunked(HttpExchange exchange) {
        String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        return (sha != null && sha.startsWith("STREAMING-")) || (encoding != null && encoding.contains("aws-chunked"));
    }

    /** The payload of an {@code aws-chunked} body: {@code <hex size>[;chunk-signature=…]\r\n<bytes>\r\n}…, then trailers. */
    static byte[] unchunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, at);
            if (lineEnd < 0) {
                break;
            }
            String header = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] body, int from) {
        for (int i = from; i + 1 < body.length; i++) {
            if (body[i] == '\r' && body[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, xml.length);
        exchange.getResponseBody().write(xml);
    }
}
