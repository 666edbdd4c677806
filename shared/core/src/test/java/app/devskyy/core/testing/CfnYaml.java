package app.devskyy.core.testing;

import app.devskyy.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;

/**
 * Reads a CloudFormation/SAM YAML template into a JSON tree, turning the short-form intrinsics
 * ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub ...}) into their long forms
 * ({@code {"Ref": "X"}}, {@code {"Fn::GetAtt": ["A", "B"]}}, ...), as CloudFormation does.
 */
public final class CfnYaml {

    private static final List<String> FUNCTIONS = List.of(
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "GetAZs",
            "GetAtt",
            "If",
            "ImportValue",
            "Join",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "Length",
            "ToJsonString");

    private CfnYaml() {}

    public static JsonNode read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static JsonNode parse(String yaml) {
        LoadSettings settings = LoadSettings.builder().setLabel("template").build();
        Object document = new Load(settings, new IntrinsicConstructor(settings)).loadFromString(yaml);
        return Json.MAPPER.valueToTree(document);
    }

    private static final class IntrinsicConstructor extends StandardConstructor {

        IntrinsicConstructor(LoadSettings settings) {
            super(settings);
            tagConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            tagConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            for (String function : FUNCTIONS) {
                tagConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
            }
        }

        private final class Intrinsic implements ConstructNode {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value = switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new IllegalArgumentException("unsupported node for " + name);
                };
                if (name.equals("Fn::GetAtt") && value instanceof String dotted) {
                    value = Arrays.asList(dotted.split("\\.", 2));
                }
                return Map.of(name, value);
            }
        }
    }
}
