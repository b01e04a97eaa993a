package dev.switchboard.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON shape from one of the seed documents ({@code src/test/resources/seeds/}, each written from the
 * example the seed shows) and the field-by-field comparison of an answer with it. Every field of the
 * fixture must be in the answer with the same JSON type (number, string, boolean, object, array; a fixture
 * {@code null} only asks for the field). Array elements are compared with the fixture's first element. Maps
 * keyed by provider name (the fixture's {@code _by_name} pointers) have every entry compared with the
 * fixture's first entry, and must not be empty. Fields starting with {@code _} are notes. Fields the answer
 * has beyond the fixture are Switchboard's own and allowed.
 */
public final class SeedShape {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final JsonNode shape;
    private final Set<String> byName = new HashSet<>();

    private SeedShape(String name, JsonNode shape) {
        this.name = name;
        this.shape = shape;
        shape.path("_by_name").forEach(pointer -> byName.add(pointer.asString()));
    }

    /** The fixture {@code seeds/<file>} from the test resources. */
    public static SeedShape of(String file) {
        try (InputStream in = SeedShape.class.getClassLoader().getResourceAsStream("seeds/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture seeds/" + file);
            }
            return new SeedShape(file, JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture itself. */
    public JsonNode fixture() {
        return shape;
    }

    /** Fails with every difference: missing fields and fields of another JSON type, each with its path. */
    public void assertConforms(JsonNode answer) {
        List<String> problems = differences(answer);
        assertThat(problems).as("answer against the seed shape %s:%n%s", name, answer).isEmpty();
    }

    /** Every difference, each as {@code /path: what}. */
    public List<String> differences(JsonNode answer) {
        List<String> problems = new ArrayList<>();
        compare(shape, answer, "", problems);
        return problems;
    }

    private void compare(JsonNode expected, JsonNode actual, String path, List<String> problems) {
        if (actual == null || actual.isMissingNode()) {
            problems.add(path + ": missing");
            return;
        }
        if (expected.isNull()) {
            return;
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                problems.add(path + ": expected an object, got " + actual.getNodeType());
                return;
            }
            if (byName.contains(path)) {
                compareByName(expected, actual, path, problems);
                return;
            }
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                if (!field.getKey().startsWith("_")) {
                    compare(field.getValue(), actual.get(field.getKey()), path + "/" + field.getKey(), problems);
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                problems.add(path + ": expected an array, got " + actual.getNodeType());
            } else if (!expected.isEmpty()) {
                for (int i = 0; i < actual.size(); i++) {
                    compare(expected.get(0), actual.get(i), path + "/" + i, problems);
                }
            }
        } else if (expected.isNumber() && !actual.isNumber()
                || expected.isString() && !actual.isString()
                || expected.isBoolean() && !actual.isBoolean()) {
            problems.add(path + ": expected a " + expected.getNodeType() + " like " + expected + ", got " + actual);
        }
    }

    private void compareByName(JsonNode expected, JsonNode actual, String path, List<String> problems) {
        JsonNode entry = null;
        for (Map.Entry<String, JsonNode> field : expected.properties()) {
            if (!field.getKey().startsWith("_")) {
                entry = field.getValue();
                break;
            }
        }
        if (actual.isEmpty()) {
            problems.add(path + ": expected entries keyed by provider name, got none");
            return;
        }
        for (Map.Entry<String, JsonNode> field : actual.properties()) {
            if (!field.getKey().startsWith("_")) { // provider names never start with '_'; fixture notes do
                compare(entry, field.getValue(), path + "/" + field.getKey(), problems);
            }
        }
    }
}
