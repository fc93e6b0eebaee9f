package dev.latchkey.support;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The test clocks' common part: always UTC. */
abstract class UtcClock extends Clock {

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
