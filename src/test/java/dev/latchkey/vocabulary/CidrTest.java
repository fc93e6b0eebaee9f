package dev.latchkey.vocabulary;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** CIDR parsing and matching, IPv4 and IPv6, literal addresses only. */
class CidrTest {

    @Test
    void normalizes() {
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
        assertEquals("192.168.1.7/32", Cidr.parse("192.168.1.7").toString());
        assertEquals("2001:db8::/32", Cidr.parse("2001:db8::1/32").toString());
        assertEquals("::1/128", Cidr.parse("::1").toString());
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
    }

    @Test
    void rejectsInvalid() {
        for (String bad : new String[] { "", "10.0.0.0/33", "::/129", "256.1.1.1", "1.2.3", "example.com", "localhost",
                "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "1.2.3.4 ", "::ffff:1.2.3.4", "x".repeat(80),
                "fe80::1%eth0" }) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void contains() {
        Cidr v4 = Cidr.parse("10.0.0.0/8");
        assertTrue(v4.contains(Cidr.literal("10.255.1.2")));
        assertFalse(v4.contains(Cidr.literal("11.0.0.1")));
        assertFalse(v4.contains(Cidr.literal("::1")));
        Cidr odd = Cidr.parse("192.168.4.0/22");
        assertTrue(odd.contains(Cidr.literal("192.168.7.255")));
        assertFalse(odd.contains(Cidr.literal("192.168.8.0")));
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertTrue(v6.contains(Cidr.literal("2001:db8:ffff::1")));
        assertFalse(v6.contains(Cidr.literal("2001:db9::1")));
    }

    @Test
    void literalAgreesWithTheJdkOnGeneratedAddresses() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 50_000; n++) {
            int[] o = { random.nextInt(300), random.nextInt(256), random.nextInt(256), random.nextInt(256) };
            String v4 = o[0] + "." + o[1] + "." + o[2] + "." + o[3];
            byte[] got = Cidr.literal(v4);
            if (o[0] > 255) {
                assertNull(got, v4);
            } else {
                assertArrayEquals(java.net.InetAddress.getByName(v4).getAddress(), got, v4);
            }
            StringBuilder v6 = new StringBuilder();
            for (int g = 0; g < 8; g++) {
                v6.append(g == 0 ? "" : ":").append(Integer.toHexString(random.nextInt(1 + random.nextInt(65536))));
            }
            String text = v6.toString();
            byte[] jdk = java.net.InetAddress.getByName(text).getAddress();
            assertArrayEquals(jdk.length == 16 ? jdk : null, Cidr.literal(text), text);
        }
        for (String bad : new String[] { "01.2.3.4", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.-4",
                "::ffff:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", ":::", "g::1" }) {
            assertNull(Cidr.literal(bad), bad);
        }
    }
}
