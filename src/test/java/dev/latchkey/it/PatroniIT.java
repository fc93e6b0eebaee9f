package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failover drill of {@link RegionsIT} with Patroni deciding (README "Regions and failover"): two PostgreSQL nodes
 * under Patroni and etcd in synchronous mode, A on both hosts, B reading the replica node; the leader node is lost
 * (kill -9 of its Patroni and its postmaster) under load and Patroni promotes the synchronous standby once the leader
 * key expires. Needs Debian's {@code patroni} and {@code etcd-server} (CI installs them); skipped where they are
 * absent.
 */
class PatroniIT {

    static PatroniCluster cluster;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PatroniCluster.installed(), "patroni and etcd-server are not installed");
        cluster = PatroniCluster.start();
        ServiceProcess[] ab = FailoverDrill.replicas(cluster, "patroni", Map.of());
        a = ab[0];
        b = ab[1];
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theLeaderNodeLostUnderLoadLosesNoAcknowledgedWriteAndPatroniPromotesTheStandby() throws Exception {
        assertEquals("standby", FailoverDrill.health(b).get("reads").asText());
        FailoverDrill.underLoad(cluster, a, b);
    }
}
