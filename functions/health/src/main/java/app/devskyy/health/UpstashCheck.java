package app.devskyy.health;

import app.devskyy.core.upstash.UpstashClient;
import java.time.Duration;

/** Upstash Redis answers {@code PING} with {@code PONG}. */
public record UpstashCheck(UpstashClient upstash, String host) implements DependencyCheck {

    @Override
    public String target() {
        return host;
    }

    @Override
    public String name() {
        return "upstash:redis";
    }

    @Override
    public String componentType() {
        return "datastore";
    }

    @Override
    public void probe(Duration timeout) throws Exception {
        String answer = upstash.withCallTimeout(timeout).command("PING").asString();
        if (!"PONG".equals(answer)) {
            throw new IllegalStateException("unexpected answer to PING");
        }
    }
}
