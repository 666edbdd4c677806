package app.devskyy.core.aws;

import com.nimbusds.jose.KeySourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Tells a dependency's outage from a defect: what an HTTP function answers with 503 and
 * {@code Retry-After}, and what a Step Functions task reports as a retryable failure. An outage is
 * a dependency that cannot be reached or does not answer in time (the SDK's client-side failures:
 * connection refused, timeouts), that throttles, or that fails on its side (a 5xx); an I/O failure
 * of an HTTP dependency (Upstash, KMS through the SDK) is one too, and so is a token key source
 * that could not give its keys (nimbus's {@code KeySourceException}: the published keys unread).
 */
public final class Outages {

    /** What a caller is told to wait before trying again. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private Outages() {}

    /**
     * A dependency that could not answer, as a library other than the SDK says it (nimbus's key
     * source timing out, say), which may carry no SDK exception to tell by.
     */
    public static final class DependencyUnavailable extends RuntimeException {
        public DependencyUnavailable(String dependency, Throwable cause) {
            super(dependency + " could not be reached", cause);
        }
    }

    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DependencyUnavailable || t instanceof KeySourceException) {
                // A key source that could not give its keys (the published keys), with or without an SDK cause.
                return true;
            }
            if (t instanceof TransactionCanceledException) {
                // Cancelled by concurrent transactions, still after retries: contention, which passes.
                return true;
            }
            if (t instanceof AwsServiceException service) {
                return service.isThrottlingException() || service.statusCode() >= 500;
            }
            if (t instanceof SdkClientException || t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
            if (t instanceof SdkException sdk && sdk.retryable()) {
                return true;
            }
        }
        return false;
    }
}
