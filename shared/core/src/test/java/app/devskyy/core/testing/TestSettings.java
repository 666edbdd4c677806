package app.devskyy.core.testing;

import java.util.HashMap;
import java.util.Map;

/** Settings a function needs in production mode, for tests that start one without the local server. */
public final class TestSettings {

    private TestSettings() {}

    /**
     * {@code settings} plus what every function's Authenticator reads: the issuer, the auth table (and
     * the keys published in it), the billing table (a key beyond its workspace's plan resolves frozen) and the GDPR table
     * (the consents families ask about).
     */
    public static Map<String, String> withAuthenticator(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("AUTH_ISSUER", "https://api.devskyy.app");
        all.putIfAbsent("AUTH_TABLE", "AuthTable");
        all.putIfAbsent("BILLING_TABLE", "BillingTable");
        all.putIfAbsent("GDPR_TABLE", "GdprTable");
        all.putIfAbsent("DEVSKYY_METRICS", "off");
        return all;
    }
}
