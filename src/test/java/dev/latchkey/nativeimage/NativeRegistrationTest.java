package dev.latchkey.nativeimage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.graalvm.nativeimage.RuntimeOptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.common.StartHeap;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.gateway.token.OpenSslSigner;

/**
 * What a native image needs, checked on the JVM in seconds, before the native build (which the test script runs when a
 * GraalVM is present) would find it in minutes: a missing registration compiles and then fails at run time (a
 * {@code ClassNotFoundException} from Caffeine, error bodies that are {@code {}}); a library compiled against another
 * version of a dependency, or one that makes a {@code Random} in a static initialiser, fails the build itself. These
 * rules read the compiled classes with ArchUnit.
 */
class NativeRegistrationTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.latchkey");

    /** Jackson entry points that take the class to read or write by reflection. */
    /** The libcrypto functions the OpenSSL signer calls (package-private beside it) and their C signatures. */
    private static final String LIB_CRYPTO = "dev\\.latchkey\\.gateway\\.token\\.LibCrypto(\\$.*)?";
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

    /**
     * Classes compiled against protobuf 3 (Envoy's published API jar was) call methods that protobuf 4 no longer has —
     * native-image refuses them ("unresolved method during parsing":
     * {@code GeneratedMessageV3$ExtendableBuilder.clear()} broke the build) while the JVM never notices until such a
     * method runs. Code generated for protobuf 4 extends {@code GeneratedMessage}; no class on the classpath outside
     * protobuf itself may still name protobuf 3's base.
     */
    @Test
    void noClassOnTheClasspathIsCompiledAgainstProtobuf3() throws IOException {
        List<Path> roots = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            roots.add(Path.of(entry));
        }
        assertEquals(List.of(), protobuf3Classes(roots), "regenerate these from their .proto files (see pom.xml)");
    }

    @Test
    void theProtobuf3CheckFindsEnvoysPublishedApiJar() throws IOException {
        Path jar = Path.of(System.getProperty("envoy.api.jar", "missing"));
        assertTrue(Files.exists(jar), "the build unpacks its .proto files, so Maven has it: " + jar);
        List<String> found = protobuf3Classes(List.of(jar));
        assertEquals(1, found.size(), "one hit per jar: " + found);
        assertTrue(found.get(0).startsWith(jar.getFileName() + "!"), found.get(0));
    }

    /** One class per jar or directory (with the jar's name) that names protobuf 3's GeneratedMessageV3. */
    static List<String> protobuf3Classes(List<Path> roots) throws IOException {
        // joined at run time: a constant would put the name into this class's own constant pool
        byte[] needle = String.join("/", "com", "google", "protobuf", "GeneratedMessage" + "V3")
                .getBytes(StandardCharsets.US_ASCII);
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                        String name = root.relativize(f).toString();
                        if (!name.startsWith("com/google/protobuf/") && contains(Files.readAllBytes(f), needle)) {
                            found.add(root + "!" + name);
                            break;
                        }
                    }
                }
            } else if (root.toString().endsWith(".jar") && Files.exists(root)) {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                        if (e.getName().endsWith(".class") && !e.getName().startsWith("com/google/protobuf/")
                                && contains(jar.getInputStream(e).readAllBytes(), needle)) {
                            found.add(root.getFileName() + "!" + e.getName());
                            break;
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Only the ext_authz part of Envoy's API is in the application (12 .proto files, pom.xml's envoy-protos), not the
     * 25,000 types of Envoy's API jar, which Quarkus would index and register for reflection; and none of the
     * annotation protos, whose options pom.xml's envoy-proto-options removes (protoc-gen-validate alone was 0.5 MB of
     * code in the executable).
     */
    @Test
    void onlyTheExtAuthzPartOfEnvoysApiIsOnTheClasspath() throws Exception {
        assertEquals("envoy.service.auth.v3.Authorization",
                io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc.SERVICE_NAME);
        assertEquals(com.google.protobuf.GeneratedMessage.class,
                io.envoyproxy.envoy.service.auth.v3.CheckRequest.class.getSuperclass(), "generated for protobuf 4");
        for (String absent : List.of("io.envoyproxy.envoy.config.cluster.v3.Cluster",
                "io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz", "dev.cel.expr.Expr")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
        }
        for (String annotations : List.of("io/envoyproxy/pgv/", "udpa/annotations/", "xds/annotations/",
                "envoy/annotations/")) {
            assertNull(getClass().getClassLoader().getResource(annotations), annotations);
        }
        assertNotNull(getClass().getClassLoader().getResource("io/envoyproxy/envoy/config/core/v3/"));
    }

    /**
     * The management plane is plain JDBC (common/db/Db). An object-relational mapper on the classpath costs the native
     * executable a fifth of its reachable methods and thousands of reflective registrations (Hibernate ORM's own
     * GraalVM features register every reachable service and state-management class), so it may not come back by a
     * transitive dependency unseen.
     */
    /**
     * BouncyCastle signs identity tokens through its lightweight API (gateway/token/TokenSigner). Its JCA provider
     * looks up hundreds of implementation classes by name, each of which the native executable would need registered
     * for reflection; nothing of Latchkey's may reach it, and only the token package uses BouncyCastle at all.
     */
    @Test
    void bouncyCastleIsUsedOnlyThroughItsLightweightApiByTheTokenSigners() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("org.bouncycastle.jce..", "org.bouncycastle.jcajce..")
                .because(
                        "the JCA provider resolves its classes reflectively; the lightweight API needs no registration")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage("dev.latchkey.gateway.token..").should().dependOnClassesThat()
                .resideInAPackage("org.bouncycastle..").check(MAIN);
    }

    /**
     * GraalVM's C interface (OpenSSL's signatures, gateway/token/OpenSslSigner) is provided by the native-image builder
     * and absent from the JVM's classpath: one class may use it (with the libcrypto functions it calls, {@code
     * LibCrypto}), and only the native executable reaches that class ({@code SigningKeys} asks {@code ImageMode}
     * first), so the JVM never loads a class it cannot find (the ITs start the packaged jar, whose classpath lacks the
     * SDK, and ask it for tokens). One other class uses the SDK, for its run-time options only
     * ({@code common/StartHeap}, also behind {@code ImageMode}; {@code MultiReplicaIT} starts the jar through it).
     */
    @Test
    void onlyTheOpenSslSignerUsesGraalVmsCInterface() {
        noClasses().that().doNotBelongToAnyOf(OpenSslSigner.class).and().haveNameNotMatching(LIB_CRYPTO).should()
                .dependOnClassesThat().resideInAnyPackage("org.graalvm.nativeimage.c..", "org.graalvm.word..")
                .because("the JVM runs without the builder's SDK").check(MAIN);
        noClasses().that().doNotBelongToAnyOf(OpenSslSigner.class, StartHeap.class).and()
                .haveNameNotMatching(LIB_CRYPTO).should().dependOnClassesThat()
                .resideInAnyPackage("org.graalvm.nativeimage..").because("the JVM runs without the builder's SDK")
                .check(MAIN);
        noClasses().that().belongToAnyOf(StartHeap.class).should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.graalvm..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(RuntimeOptions.class))))
                .because("StartHeap sets a run-time option and calls nothing else of the SDK").check(MAIN);
    }

    @Test
    void noObjectRelationalMapperIsOnTheClasspath() {
        for (String absent : List.of("org.hibernate.Session", "jakarta.persistence.EntityManager",
                "io.quarkus.hibernate.orm.panache.PanacheEntityBase")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
        }
    }

    /**
     * The Vert.x Redis client is used without a Quarkus extension, so the classes of it that make a {@code Random} when
     * initialised (replica and slot choice) are listed in {@code quarkus.native.additional-build-args} for run-time
     * initialisation: built into the image, such a Random would have the same seed in every process, and native-image
     * refuses it. A new version of the client with another such class fails here, not in the native build.
     */
    @Test
    void redisClassesThatMakeARandomAreInitialisedAtRunTime() throws Exception {
        JavaClasses redis = new ClassFileImporter().importPackages("io.vertx.redis.client");
        Set<String> random = new TreeSet<>();
        for (JavaClass c : redis) {
            c.getStaticInitializer().ifPresent(init -> init.getConstructorCallsFromSelf().forEach(call -> {
                if (call.getTargetOwner().isAssignableTo(java.util.Random.class)
                        || call.getTargetOwner().isEquivalentTo(java.util.SplittableRandom.class)) {
                    random.add(c.getName());
                }
            }));
        }
        assertTrue(random.contains("io.vertx.redis.client.impl.SentinelTopology"), "found " + random);
        java.util.Properties props = new java.util.Properties();
        try (var in = NativeRegistrationTest.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        String args = props.getProperty("quarkus.native.additional-build-args", "");
        Set<String> runtimeInit = new TreeSet<>();
        for (String arg : args.split("(?<!\\\\),")) {
            arg = arg.replace("\\,", ",");
            if (arg.startsWith("--initialize-at-run-time=")) {
                runtimeInit.addAll(List.of(arg.substring("--initialize-at-run-time=".length()).split(",")));
            }
        }
        List<String> missing = new ArrayList<>(random);
        missing.removeAll(runtimeInit);
        assertEquals(List.of(), missing, "add to --initialize-at-run-time in application.properties");
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
