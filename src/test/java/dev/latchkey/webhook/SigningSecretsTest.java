package dev.latchkey.webhook;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.support.TestConfig;

/**
 * Webhook secrets: the Standard Webhooks signature (the specification's published example), secrets in the form its
 * libraries read, and sealing at rest — opened only under a listed pepper, sealed anew under the current one.
 */
class SigningSecretsTest {

    private static LatchkeyConfig peppers(String pepper, List<String> previous, String next) {
        return TestConfig.withKeys(Map.of("pepper", Optional.ofNullable(pepper), "previousPeppers",
                Optional.of(previous), "nextPepper", Optional.ofNullable(next)));
    }

    @Test
    void signsAsTheSpecificationsExample() {
        // the example of the Standard Webhooks specification and its reference libraries
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                SigningSecrets.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                SigningSecrets.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265331, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void secretsAreRandom32BytesInTheirForm() {
        SigningSecrets s = new SigningSecrets(peppers("p1", List.of(), null));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String secret = s.generate();
            assertTrue(secret.startsWith("whsec_"), secret);
            assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
            assertTrue(seen.add(secret));
        }
    }

    @Test
    void sealedSecretsOpenUnderListedPeppersOnly() {
        SigningSecrets old = new SigningSecrets(peppers("old", List.of(), null));
        String secret = old.generate();
        byte[] sealed = old.seal(secret);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(secret.substring(6)),
                "never stored readable");
        assertEquals(secret, old.open(sealed).orElseThrow());
        assertTrue(old.sealedUnderCurrent(sealed));

        SigningSecrets rotating = new SigningSecrets(peppers("new", List.of("old"), null));
        assertEquals(secret, rotating.open(sealed).orElseThrow(), "an earlier pepper still opens it");
        assertFalse(rotating.sealedUnderCurrent(sealed), "and it is to be sealed again");
        byte[] again = rotating.seal(secret);
        assertTrue(rotating.sealedUnderCurrent(again));

        SigningSecrets after = new SigningSecrets(peppers("new", List.of(), null));
        assertEquals(secret, after.open(again).orElseThrow());
        assertTrue(after.open(sealed).isEmpty(), "dropped pepper: the old seal no longer opens");

        byte[] altered = again.clone();
        altered[altered.length - 1] ^= 1;
        assertTrue(after.open(altered).isEmpty(), "an altered seal does not open");
    }
}
