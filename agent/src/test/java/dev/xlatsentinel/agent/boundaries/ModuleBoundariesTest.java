package dev.xlatsentinel.agent.boundaries;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module map, enforced on the compiled main code of every module (the agent's tests see
 * them all): the platform imports no other module; a leaf (bfd, translator, frr-integration,
 * systemd) and the lab harness import only the platform; the agent imports only the
 * platform and the packages each leaf exports. A package missing from {@link #EXPORTED} is
 * internal to its module: making it API is a line here, reviewed like any other.
 *
 * <p>The JPMS would say the same with module-info.java files; this check costs no
 * module-path setup for jnr-ffi's generated classes, Jackson's and picocli's reflection, or
 * surefire and failsafe, and says which import broke which rule.
 */
class ModuleBoundariesTest {
    private static final String ROOT = "dev.xlatsentinel";
    private static final List<String> LEAVES = List.of("bfd", "translator", "frr", "systemd");

    /** Per leaf, the packages the agent may use; the rest of the leaf is internal. */
    static final Map<String, List<String>> EXPORTED = Map.of(
            "bfd", List.of("bfd", "bfd.auth", "bfd.codec"),
            "translator", List.of("translator.assembly", "translator.config", "translator.health",
                    "translator.probe"),
            "frr", List.of("frr", "frr.bfdd", "frr.route", "frr.vty"),
            "systemd", List.of("systemd.notify", "systemd.reload", "systemd.watchdog"));

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static String tree(String module) {
        return ROOT + "." + module + "..";
    }

    private static String[] trees(Stream<String> modules) {
        return modules.map(ModuleBoundariesTest::tree).toArray(String[]::new);
    }

    static ArchRule platformStandsOnNothingOfOurs() {
        return noClasses().that().resideInAPackage(tree("platform")).should().dependOnClassesThat()
                .resideInAnyPackage(trees(Stream.concat(LEAVES.stream(), Stream.of("agent", "lab"))));
    }

    static ArchRule leafStandsOnThePlatformOnly(String leaf) {
        return noClasses().that().resideInAPackage(tree(leaf)).should().dependOnClassesThat()
                .resideInAnyPackage(trees(Stream.concat(LEAVES.stream().filter(l -> !l.equals(leaf)),
                        Stream.of("agent", "lab"))));
    }

    static ArchRule labHarnessStandsOnThePlatformOnly() {
        return noClasses().that().resideInAPackage(tree("lab")).should().dependOnClassesThat()
                .resideInAnyPackage(trees(Stream.concat(LEAVES.stream(), Stream.of("agent"))));
    }

    static ArchRule agentUsesOnlyExportedPackages() {
        List<String> allowed = new ArrayList<>(List.of(tree("agent"), tree("platform")));
        EXPORTED.values().forEach(ps -> ps.forEach(p -> allowed.add(ROOT + "." + p)));
        return classes().that().resideInAPackage(tree("agent")).should().onlyDependOnClassesThat(
                resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(allowed.toArray(String[]::new))));
    }

    static Stream<String> leaves() {
        return LEAVES.stream();
    }

    @Test
    void everyModuleIsInThePicture() {
        for (String module : List.of("platform", "bfd", "translator", "frr", "systemd", "agent", "lab")) {
            assertThat(MAIN.stream().anyMatch(c -> c.getPackageName().startsWith(ROOT + "." + module + ".")
                    || c.getPackageName().equals(ROOT + "." + module))).as(module).isTrue();
        }
        assertThat(MAIN.stream().anyMatch(c -> c.getSimpleName().endsWith("Test"))).as("tests left out").isFalse();
    }

    @Test
    void thePlatformImportsNoOtherModule() {
        platformStandsOnNothingOfOurs().check(MAIN);
    }

    @ParameterizedTest
    @MethodSource("leaves")
    void aLeafImportsOnlyThePlatform(String leaf) {
        leafStandsOnThePlatformOnly(leaf).check(MAIN);
    }

    @Test
    void theLabHarnessImportsOnlyThePlatform() {
        labHarnessStandsOnThePlatformOnly().check(MAIN);
    }

    @Test
    void theAgentImportsOnlyThePackagesTheLeavesExport() {
        agentUsesOnlyExportedPackages().check(MAIN);
    }

    @Test
    void aReachIntoAnInternalPackageIsCaught() {
        JavaClasses reaching = new ClassFileImporter().importClasses(ReachesIntoBfd.class);
        assertThat(agentUsesOnlyExportedPackages().evaluate(reaching).getFailureReport().getDetails())
                .isNotEmpty().allMatch(d -> d.contains("dev.xlatsentinel.bfd.session.SessionTable"));
    }
}
