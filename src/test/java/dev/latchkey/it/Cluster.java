package dev.latchkey.it;

import java.sql.Connection;
import java.sql.SQLException;

/** A PostgreSQL primary with a synchronous standby, made for a test, that can lose its primary. */
interface Cluster extends AutoCloseable {

    /** Every host, the primary whichever it is ({@code targetServerType=primary}). */
    String primaryUrl();

    /** The standby, as it was made (it is the one that takes over). */
    String standbyUrl();

    /** A connection to the primary as it is now. */
    Connection connectPrimary() throws SQLException;

    /** The primary's server killed with kill -9; returns once nothing listens on its port. */
    void killPrimary() throws Exception;

    /** Whatever makes the standby the primary; returns once it takes writes. */
    void failOver() throws Exception;

    /** How {@link #failOver} happens, for the printed figures. */
    String howFailOver();
}
