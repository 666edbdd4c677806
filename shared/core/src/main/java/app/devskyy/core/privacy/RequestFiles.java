package app.devskyy.core.privacy;

import app.devskyy.core.aws.AwsClients;
import app.devskyy.core.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The files of data subject requests in the GDPR bucket ({@code GDPR_BUCKET}): each family's part
 * of an export, then the archive the GDPR family makes of them. The bucket encrypts every object
 * under the KMS key and expires what is under {@code requests/} (template.yaml); the archive is
 * handed out as a presigned GET that lives minutes, made when the person asks for it.
 */
public final class RequestFiles {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    RequestFiles(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    public static RequestFiles fromConfig(Config config, AwsClients aws) {
        // Path-style addressing under an endpoint of our own (the local server, LocalStack): one host serves every
        // bucket.
        S3Configuration style = S3Configuration.builder()
                .pathStyleAccessEnabled(aws.endpoint("S3").isPresent())
                .build();
        S3Presigner.Builder presigner = S3Presigner.builder()
                .region(aws.region())
                .credentialsProvider(aws.credentials())
                .serviceConfiguration(style);
        aws.endpoint("S3").ifPresent(presigner::endpointOverride);
        return new RequestFiles(
                aws.configure(S3Client.builder(), "S3")
                        .serviceConfiguration(style)
                        .build(),
                presigner.build(),
                config.required("GDPR_BUCKET", "devskyy-local-gdpr"));
    }

    /** A family's part of the export of a request. */
    public static String part(String requestId, String family) {
        return "requests/" + requestId + "/parts/" + family + ".json";
    }

    /** The archive of an access or portability request. */
    public static String archive(String requestId) {
        return "requests/" + requestId + "/archive.json";
    }

    public void put(String key, byte[] json) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(json));
    }

    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException absent) {
            return Optional.empty();
        }
    }

    public void delete(String key) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
    }

    /** A link that downloads the file, as {@code fileName}, for {@code lifetime}. */
    public URI link(String key, Duration lifetime, String fileName) {
        return URI.create(presigner
                .presignGetObject(p -> p.signatureDuration(lifetime)
                        .getObjectRequest(r -> r.bucket(bucket)
                                .key(key)
                                .responseContentDisposition("attachment; filename=\"" + fileName + "\"")))
                .url()
                .toString());
    }
}
