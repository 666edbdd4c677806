package app.devskyy.core.aws;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTag;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * Builds an Enhanced Client schema for a Java record without reflection and without a builder
 * class per record: attributes are declared with the record's accessors, and items are read back
 * through the record's constructor from the collected {@link Fields}. Build each schema once, in
 * a {@code static final} field.
 */
public final class RecordSchema<T> {

    /** The attribute values read from an item, by name, for the record's constructor. */
    public static final class Fields {
        private final Map<String, Object> values = new HashMap<>();

        public String string(String name) {
            return (String) values.get(name);
        }

        public Long number(String name) {
            return (Long) values.get(name);
        }

        public long number(String name, long absent) {
            Long value = number(name);
            return value == null ? absent : value;
        }

        public boolean bool(String name) {
            return Boolean.TRUE.equals(values.get(name));
        }
    }

    private final StaticImmutableTableSchema.Builder<T, Fields> builder;

    private RecordSchema(Class<T> type, Function<Fields, T> constructor) {
        this.builder = StaticImmutableTableSchema.builder(type, Fields.class).newItemBuilder(Fields::new, constructor);
    }

    public static <T> RecordSchema<T> of(Class<T> type, Function<Fields, T> constructor) {
        return new RecordSchema<>(type, constructor);
    }

    public RecordSchema<T> partitionKey(String name, Function<T, String> getter) {
        return string(name, getter, StaticAttributeTags.primaryPartitionKey());
    }

    public RecordSchema<T> sortKey(String name, Function<T, String> getter) {
        return string(name, getter, StaticAttributeTags.primarySortKey());
    }

    public RecordSchema<T> string(String name, Function<T, String> getter, StaticAttributeTag... tags) {
        builder.addAttribute(
                String.class,
                a -> a.name(name)
                        .getter(getter::apply)
                        .setter((fields, value) -> fields.values.put(name, value))
                        .tags(tags));
        return this;
    }

    public RecordSchema<T> number(String name, Function<T, Long> getter, StaticAttributeTag... tags) {
        builder.addAttribute(
                Long.class,
                a -> a.name(name)
                        .getter(getter::apply)
                        .setter((fields, value) -> fields.values.put(name, value))
                        .tags(tags));
        return this;
    }

    public RecordSchema<T> bool(String name, Function<T, Boolean> getter) {
        builder.addAttribute(
                Boolean.class,
                a -> a.name(name).getter(getter::apply).setter((fields, value) -> fields.values.put(name, value)));
        return this;
    }

    public TableSchema<T> build() {
        return builder.build();
    }
}
