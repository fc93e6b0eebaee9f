package dev.latchkey.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.latchkey.support.Http;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.Tokens;

/**
 * Revoke propagation under concurrent revokes: creates an organization with N service keys through replica A, has
 * replica B cache them, then revokes them all through A with M requests in flight while each revoking thread polls B
 * (every {@code poll.nanos}) until it refuses the key. Prints p50/p99/max of commit-to-refusal of a measured round
 * after {@code warmup.rounds} (3) unmeasured ones, and replica B's own feed lag over the measured round. usage:
 * RevokeStorm A_URL B_URL [N] [IN_FLIGHT]
 */
public final class RevokeStorm {

    private RevokeStorm() {
    }

    /** The commit-to-refusal times on B in milliseconds, sorted. */
    public static List<Double> run(String a, String b, int n, int inFlight) {
        String owner = "owner-" + UUID.randomUUID().toString().substring(0, 8);
        String org = "storm-" + UUID.randomUUID().toString().substring(0, 8);
        Http.expect("POST", a + "/api/v1/orgs", Tokens.platformAdmin("root"),
                Map.of("slug", org, "name", "n", "owner", owner), 201);
        String token = Tokens.user(owner);
        String keys = a + "/api/v1/orgs/" + org + "/keys";
        List<String[]> created = Collections.synchronizedList(new ArrayList<>());
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            slots.add(i);
        }
        Parallel.forEach(8, slots, i -> {
            var k = Http.expect("POST", keys, token, Map.of("kind", "service", "role", "viewer", "scope",
                    Map.of("type", "organization", "allWorkspaces", true)), 201);
            created.add(new String[] { k.get("id").asText(), k.get("key").asText() });
        });
        Parallel.forEach(inFlight, created, k -> {
            if (!Http.code(b, Map.of("key", k[1])).equals("VALID")) {
                throw new AssertionError("B does not accept a new key");
            }
        });
        ConcurrentLinkedQueue<Double> ms = new ConcurrentLinkedQueue<>();
        lagBefore = lagBuckets(b);
        Parallel.forEach(inFlight, created, k -> {
            Http.expect("POST", keys + "/" + k[0] + "/revoke", token, null, 200);
            long committed = System.nanoTime(); // the answer comes after the commit
            while (!Http.code(b, Map.of("key", k[1])).equals("REVOKED")) {
                if (System.nanoTime() - committed > 10_000_000_000L) {
                    throw new AssertionError("B still accepts " + k[0] + " after 10 s");
                }
                // 1 ms between polls: 32 threads spinning on two cores would starve the replica being measured
                java.util.concurrent.locks.LockSupport.parkNanos(Long.getLong("poll.nanos", 1_000_000));
            }
            ms.add((System.nanoTime() - committed) / 1e6);
        });
        lagAfter = lagBuckets(b);
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return sorted;
    }

    private static java.util.TreeMap<Double, Double> lagBefore;
    private static java.util.TreeMap<Double, Double> lagAfter;

    /** B's own feed-lag histogram (outbox row written to applied), cumulative counts by upper bound in seconds. */
    static java.util.TreeMap<Double, Double> lagBuckets(String b) {
        java.util.TreeMap<Double, Double> out = new java.util.TreeMap<>();
        String page;
        try {
            page = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (String line : page.split("\n")) {
            if (line.startsWith("latchkey_key_feed_lag_seconds_bucket{") && !line.contains("+Inf")) {
                int le = line.indexOf("le=\"") + 4;
                double bound = Double.parseDouble(line.substring(le, line.indexOf('"', le)));
                out.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return out;
    }

    /** The smallest histogram bound (ms) under which a share {@code p} of the measured round's changes fall. */
    static String lagPercentile(double p) {
        double total = lagAfter.lastEntry().getValue() - lagBefore.lastEntry().getValue();
        for (var e : lagAfter.entrySet()) {
            double n = e.getValue() - lagBefore.getOrDefault(e.getKey(), 0.0);
            if (n >= p * total) {
                return String.format("<= %.0f ms", e.getKey() * 1000);
            }
        }
        return "> " + lagAfter.lastKey() * 1000 + " ms";
    }

    /** The p-th percentile (0..100) of sorted values. */
    public static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p / 100) - 1));
    }

    public static void main(String[] args) {
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 320;
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        for (int i = 0; i < Integer.getInteger("warmup.rounds", 3); i++) {
            run(args[0], args[1], n, inFlight); // warm-up: both JVMs' revoke, feed and apply paths compiled
        }
        List<Double> t = run(args[0], args[1], n, inFlight);
        System.out.printf("revoke propagation, %d revokes with %d in flight: replica B's own feed lag (row written to "
                + "applied) p50 %s, p99 %s; seen by clients polling B every %.0f ms: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                t.size(), inFlight, lagPercentile(0.5), lagPercentile(0.99),
                Long.getLong("poll.nanos", 1_000_000) / 1e6, percentile(t, 50), percentile(t, 99), t.get(t.size() - 1));
    }
}
