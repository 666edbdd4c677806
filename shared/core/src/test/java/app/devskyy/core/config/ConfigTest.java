package app.devskyy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void productionRefusesToStartWithoutARequiredSettingAndNamesIt() {
        Config production = Config.of(Map.of());
        assertThat(production.isLocal()).isFalse();
        assertThatThrownBy(() -> production.required("SIGNING_KEY_ARN", "dev-key"))
                .isInstanceOf(Config.MissingSettingException.class)
                .hasMessageContaining("SIGNING_KEY_ARN");
    }

    @Test
    void localUsesTheDevelopmentValue() {
        Config local = Config.of(Map.of("DEVSKYY_ENV", "local"));
        assertThat(local.isLocal()).isTrue();
        assertThat(local.required("SIGNING_KEY_ARN", "dev-key")).isEqualTo("dev-key");
    }

    @Test
    void alwaysRequiredSettingsAreRequiredLocallyToo() {
        assertThatThrownBy(() -> Config.of(Map.of("DEVSKYY_ENV", "local")).required("TABLE"))
                .hasMessageContaining("TABLE");
    }

    @Test
    void typedValues() {
        Config config = Config.of(Map.of("N", " 42 ", "F", "off", "D", "250", "L", "a, b,,c ", "BLANK", "  "));
        assertThat(config.integer("N", 0)).isEqualTo(42);
        assertThat(config.flag("F", true)).isFalse();
        assertThat(config.millis("D", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(config.list("L")).isEqualTo(List.of("a", "b", "c"));
        assertThat(config.optional("BLANK")).isEmpty();
        assertThat(config.integer("MISSING", 7)).isEqualTo(7);
    }

    @Test
    void aMistypedValueIsNamedButNotEchoed() {
        Config config = Config.of(Map.of("PORT", "sk_live_abcdef"));
        assertThatThrownBy(() -> config.integer("PORT", 1))
                .isInstanceOf(Config.InvalidSettingException.class)
                .hasMessageContaining("PORT")
                .hasMessageNotContaining("sk_live_abcdef");
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        System.setProperty("DEVSKYY_CONFIG_TEST", "from-property");
        try {
            assertThat(Config.fromEnvironment().required("DEVSKYY_CONFIG_TEST")).isEqualTo("from-property");
        } finally {
            System.clearProperty("DEVSKYY_CONFIG_TEST");
        }
    }
}
