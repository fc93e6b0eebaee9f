package dev.latchkey.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/**
 * Which failures count as "the database is unreachable" (an outage: 503 and a quiet log) and which do not (a bug or a
 * query PostgreSQL refused: logged at ERROR on the verify path, 500 on the management plane).
 */
class StatusMapTest {

    @Test
    void lostConnectionsShutdownsAndPoolTimeoutsAreUnreachable() {
        assertTrue(StatusMap.databaseUnreachable(new SQLException("I/O error", "08006")));
        assertTrue(StatusMap.databaseUnreachable(new SQLException("connection refused", "08001")));
        assertTrue(StatusMap.databaseUnreachable(new SQLException("terminating connection", "57P01")),
                "admin shutdown");
        assertTrue(StatusMap.databaseUnreachable(new SQLException("the database system is starting up", "57P03")));
        // a failover: no host of the multi-host URL is the primary yet, or a pooled connection reached a standby
        assertTrue(StatusMap.databaseUnreachable(
                new SQLException("Could not find a server with specified targetServerType: primary", "08001")));
        assertTrue(StatusMap.databaseUnreachable(
                new SQLException("cannot execute INSERT in a read-only transaction", "25006")), "a standby");
        // Agroal's two messages for a pool that could not hand out a connection in time
        assertTrue(StatusMap.databaseUnreachable(new SQLException("Sorry, acquisition timeout!")));
        assertTrue(StatusMap.databaseUnreachable(new SQLException("Acquisition timeout while waiting for connection")));
        assertTrue(StatusMap.databaseUnreachable(new IllegalStateException(new SQLException("lost", "08003"))),
                "found as a cause");
        assertEquals(503, StatusMap.classify(new SQLException("I/O error", "08006")).status());
        // a commit that failed because the primary died: Narayana's RollbackException, the driver's error suppressed
        Exception commit = new IllegalStateException(new jakarta.transaction.RollbackException("ARJUNA016053"));
        commit.getCause().addSuppressed(new javax.transaction.xa.XAException("Error trying to transactionCommit"));
        commit.getCause().getSuppressed()[0].initCause(new SQLException("An I/O error occurred", "08006"));
        assertTrue(StatusMap.databaseUnreachable(commit), "found among the suppressed");
        assertEquals(503, StatusMap.classify(commit).status());
    }

    @Test
    void bugsAndRefusedQueriesAreNot() {
        assertFalse(StatusMap.databaseUnreachable(new SQLException("relation does not exist", "42P01")));
        assertFalse(StatusMap.databaseUnreachable(new SQLException("query_canceled", "57014")), "not a shutdown");
        assertFalse(StatusMap.databaseUnreachable(new SQLException("no state")));
        assertFalse(StatusMap.databaseUnreachable(new SQLException("invalid transaction state", "25000")),
                "only the read-only state of class 25");
        assertFalse(StatusMap.databaseUnreachable(new IllegalArgumentException("not a CIDR")));
        assertFalse(StatusMap.databaseUnreachable(null));
        assertNull(StatusMap.classify(new SQLException("relation does not exist", "42P01")), "a bug: 500, logged");
    }
}
