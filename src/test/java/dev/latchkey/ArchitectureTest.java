package dev.latchkey;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The package graph of the README's "Layout": every top-level package has a layer, and a class may depend only on
 * packages of a lower layer (never sideways, never up), so the graph has no cycle and a reader finds each rule in one
 * place. Checked on the compiled classes (imports, calls, fields, signatures, annotations: all of them), production
 * code only.
 */
class ArchitectureTest {

    /** Top-level package → layer; the README's "Layout" lists the same, bottom first. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            // the contract's words and the service's configuration: depend on nothing of ours
            Map.entry("vocabulary", 0), Map.entry("config", 0),
            // failures and how they are answered
            Map.entry("error", 1),
            // database, JSON, HTTP plumbing, metrics
            Map.entry("common", 2),
            // who belongs to which organization; the hot path's usage counts and limits
            Map.entry("tenant", 3), Map.entry("limit", 3), Map.entry("usage", 3),
            // who is calling the management plane, and what they may do
            Map.entry("security", 4), Map.entry("audit", 5), Map.entry("role", 6), Map.entry("workspace", 6),
            Map.entry("apikey", 7), Map.entry("member", 7), Map.entry("organization", 7),
            // the hot path's memory, the feed that keeps it in step with every management write, the decision
            Map.entry("keycache", 8), Map.entry("webhook", 8), Map.entry("changefeed", 9), Map.entry("verify", 9),
            // the edges: gateways, the Elastic-compatible API, the caller's own view, the console
            Map.entry("gateway", 10), Map.entry("elastic", 10), Map.entry("me", 10), Map.entry("console", 10));

    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.latchkey");

    /** The top-level package under {@code root} of a class ("" for the root itself), or null outside it. */
    static String topLevel(JavaClass c, String root) {
        String p = c.getPackageName();
        if (p.equals(root)) {
            return "";
        }
        if (!p.startsWith(root + ".")) {
            return null;
        }
        String rest = p.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static ArchRule downward(String root) {
        return classes().that().resideInAPackage(root + "..")
                .should(new ArchCondition<JavaClass>("depend only on top-level packages of a lower layer") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        String from = topLevel(c, root);
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            String to = topLevel(d.getTargetClass(), root);
                            if (to == null || to.equals(from)) {
                                continue;
                            }
                            Integer a = LAYERS.get(from);
                            Integer b = LAYERS.get(to);
                            if (a == null || b == null || b >= a) {
                                events.add(SimpleConditionEvent.violated(d, from + " (layer " + a + ") -> " + to
                                        + " (layer " + b + "): " + d.getDescription()));
                            }
                        }
                    }
                });
    }

    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    @Test
    void everyTopLevelPackageHasALayer() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : PRODUCTION) {
            String p = topLevel(c, "dev.latchkey");
            if (p != null && !p.isEmpty()) {
                packages.add(p);
            }
        }
        assertEquals(new TreeSet<>(LAYERS.keySet()), packages, "a new top-level package needs its layer here");
    }

    @Test
    void featuresDependOnLowerLayersOnly() {
        downward("dev.latchkey").check(PRODUCTION);
    }

    @Test
    void topLevelPackagesFormNoCycle() {
        noCycles("dev.latchkey").check(PRODUCTION);
    }

    /** Pure words: the JDK, and Netty's parser of IP literals (which never resolves a name), nothing else. */
    @Test
    void theVocabularyDependsOnNothingButTheJdk() {
        noClasses().that().resideInAPackage("dev.latchkey.vocabulary..").should().dependOnClassesThat()
                .resideOutsideOfPackages("dev.latchkey.vocabulary..", "java..", "io.netty.util").check(PRODUCTION);
    }

    /**
     * The rules are not vacuous: on the test fixtures under {@code archfixture} (a bottom-layer class that reaches up
     * into verify, which reaches back), both fail and name the edge; the fixture's allowed edge (keycache to usage)
     * passes.
     */
    @Test
    void theRulesCatchAnUpwardDependencyAndACycle() {
        String root = "dev.latchkey.archfixture";
        JavaClasses fixtures = new ClassFileImporter().importPackages(root);
        EvaluationResult upward = downward(root).evaluate(fixtures);
        assertTrue(upward.hasViolation());
        String report = upward.getFailureReport().toString();
        assertTrue(report.contains("vocabulary (layer 0) -> verify (layer 9)"), report);
        assertFalse(report.contains("keycache"), report);
        assertTrue(noCycles(root).evaluate(fixtures).hasViolation(), "vocabulary <-> verify is a cycle");
    }
}
