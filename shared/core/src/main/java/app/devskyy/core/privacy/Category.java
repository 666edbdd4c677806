package app.devskyy.core.privacy;

/** The kinds of personal data the stores hold, as an export lists them and docs/data-model.md names them. */
public enum Category {
    /** Email addresses (encrypted) and their blind index. */
    CONTACT,
    /** Names a person gave. */
    IDENTITY,
    /** Password hashes, second-factor secrets, recovery codes, token hashes. */
    CREDENTIALS,
    /** IP addresses and user agents (encrypted). */
    NETWORK,
    /** What a person did: sessions, memberships, audit events, LLM usage. */
    ACTIVITY,
    /** Subscriptions, payments, refunds and provider customer ids. */
    PAYMENT
}
