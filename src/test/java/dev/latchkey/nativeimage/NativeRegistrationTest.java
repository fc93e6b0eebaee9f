package dev.latchkey.nativeimage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.common.json.Bodies;

/**
 * What a native image needs registered, checked on the JVM (no GraalVM on these machines): a native build that misses a
 * registration compiles and then fails at run time (a {@code ClassNotFoundException} from Caffeine, error bodies that
 * are {@code {}}). These rules read the compiled classes of {@code src/main} with ArchUnit.
 */
class NativeRegistrationTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.latchkey");

    /** Jackson entry points that take the class to read or write by reflection. */
    private static final Set<String> JACKSON_TYPED = Set.of("readValue", "treeToValue", "convertValue", "readerFor",
            "writerFor", "valueToTree");

    @Test
    void cachesAreBuiltOnlyThroughCaffeineShapes() {
        noClasses().that().doNotHaveFullyQualifiedName(CaffeineShapes.class.getName()).should()
                .callMethod(Caffeine.class, "newBuilder")
                .because("Caffeine loads a class per builder shape by name; CaffeineShapes registers them").check(MAIN);
    }

    @Test
    void everyCaffeineShapeHasItsCacheAndNodeClassesRegistered() throws Exception {
        Set<String> registered = Set.of(CaffeineShapes.class.getAnnotation(RegisterForReflection.class).classNames());
        Set<String> needed = new TreeSet<>();
        int shapes = 0;
        for (Method m : CaffeineShapes.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != Caffeine.class) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> t = m.getParameterTypes()[i];
                args[i] = t == long.class ? 1000L : t == Duration.class ? Duration.ofMinutes(1) : null;
            }
            Cache<?, ?> cache = ((Caffeine<?, ?>) m.invoke(null, args)).build();
            Object impl = field(cache, "cache"); // the generated BoundedLocalCache subclass, e.g. SSMSW
            needed.add(impl.getClass().getName());
            needed.add(field(impl, "nodeFactory").getClass().getName()); // the node class, e.g. PSWMS
            shapes++;
        }
        assertTrue(shapes >= 2, "found " + shapes + " shapes");
        List<String> missing = new ArrayList<>(needed);
        missing.removeAll(registered);
        assertEquals(List.of(), missing, "add these to CaffeineShapes' @RegisterForReflection");
    }

    @Test
    void typesJacksonReadsOrWritesOutsideResourceSignaturesAreRegistered() {
        List<String> unregistered = new ArrayList<>();
        int checked = 0;
        for (JavaClass c : MAIN) {
            for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                boolean jackson = call.getTargetOwner().isAssignableTo(ObjectMapper.class)
                        && JACKSON_TYPED.contains(call.getName());
                boolean body = call.getTargetOwner().isEquivalentTo(Bodies.class) && call.getName().equals("read");
                if (!jackson && !body) {
                    continue;
                }
                for (ReferencedClassObject ref : c.getReferencedClassObjects()) {
                    if (ref.getLineNumber() != call.getLineNumber() || !ref.getOwner().equals(call.getOwner())) {
                        continue;
                    }
                    JavaClass type = ref.getRawType();
                    if (!type.getPackageName().startsWith("dev.latchkey")) {
                        continue; // Map, List, JsonNode: no reflection
                    }
                    checked++;
                    if (!registered(type)) {
                        unregistered.add(type.getName() + " (" + call.getSourceCodeLocation() + ")");
                    }
                }
            }
        }
        assertTrue(checked >= 5, "checked " + checked + " call sites");
        assertEquals(List.of(), unregistered, "annotate with @RegisterForReflection (or its enclosing class)");
    }

    @Test
    void everyRequestAndAnswerShapeIsRegistered() {
        // objects handed to valueToTree/convertValue are typed at run time: every DTO is registered, whoever uses it
        List<String> unregistered = new ArrayList<>();
        for (JavaClass c : MAIN) {
            boolean dto = c.getEnclosingClass().map(e -> e.getSimpleName().endsWith("Dtos")).orElse(false);
            if (dto && !registered(c)) {
                unregistered.add(c.getName());
            }
        }
        assertEquals(List.of(), unregistered);
    }

    /** Registered itself, or nested in a registered class (nested classes are registered with it). */
    private static boolean registered(JavaClass type) {
        for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
            if (t.isAnnotatedWith(RegisterForReflection.class)) {
                return true;
            }
        }
        return false;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass());
    }
}
