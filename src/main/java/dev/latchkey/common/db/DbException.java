package dev.latchkey.common.db;

import java.sql.SQLException;

/** A failed statement of the management plane; the cause keeps the driver's SQLState. */
public class DbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DbException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
