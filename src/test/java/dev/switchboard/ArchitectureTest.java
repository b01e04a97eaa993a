package dev.switchboard;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floor plan, checked: packages depend one way, from the top of this list down, and no two packages
 * form a cycle. The README's architecture section lists the same layers; change both together.
 */
class ArchitectureTest {

    /** Bottom first; a layer may use any layer below it, never one above. */
    static final Map<String, String[]> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("support", new String[] {"dev.switchboard.support..", "dev.switchboard.database.."});
        LAYERS.put("chat", new String[] {"dev.switchboard.chat.."});
        LAYERS.put("config", new String[] {"dev.switchboard.config.."});
        LAYERS.put("simulator", new String[] {"dev.switchboard.simulator.."});
        LAYERS.put("providers", new String[] {"dev.switchboard.providers.."});
        LAYERS.put("keys", new String[] {"dev.switchboard.keys.."});
        LAYERS.put("cache", new String[] {"dev.switchboard.cache.."});
        LAYERS.put("routing", new String[] {"dev.switchboard.routing.."});
        LAYERS.put("usage", new String[] {"dev.switchboard.usage.."});
        LAYERS.put("observability", new String[] {"dev.switchboard.observability.."});
        LAYERS.put("web", new String[] {"dev.switchboard.web.."});
        LAYERS.put("resume", new String[] {"dev.switchboard.resume.."});
        LAYERS.put("api", new String[] {"dev.switchboard.api.."});
        LAYERS.put("tasks", new String[] {"dev.switchboard.tasks.."});
        LAYERS.put("security", new String[] {"dev.switchboard.security.."});
        LAYERS.put("status", new String[] {"dev.switchboard.status.."});
        LAYERS.put("admin", new String[] {"dev.switchboard.admin.."});
        LAYERS.put("frontend", new String[] {"dev.switchboard.frontend.."});
        LAYERS.put("wiring", new String[] {"dev.switchboard"});
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.switchboard");
    }

    @Test
    void packagesDependOnlyOnLayersBelowThem() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        List<String> names = new ArrayList<>(LAYERS.keySet());
        for (String name : names) {
            rule = rule.layer(name).definedBy(LAYERS.get(name));
        }
        for (int i = 0; i < names.size() - 1; i++) {
            List<String> above = names.subList(i + 1, names.size());
            rule = rule.whereLayer(names.get(i)).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        rule = rule.whereLayer("wiring").mayNotBeAccessedByAnyLayer();
        rule.check(classes);
    }

    @Test
    void noTwoPackagesFormACycle() {
        slices().matching("dev.switchboard.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theSimulatorSharesOnlyConfiguration() {
        ArchRuleDefinition.noClasses()
                .that().resideInAPackage("dev.switchboard.simulator..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.switchboard.chat..", "dev.switchboard.providers..",
                        "dev.switchboard.keys..", "dev.switchboard.routing..", "dev.switchboard.api..")
                .check(classes);
    }
}
